/**
 * Child process for the WAL checkpointer crash test: appends one live bar per transaction, with background checkpoints
 * every few ms, and prints each committed open time (and `checkpoints N` as they complete) until it is killed.
 * Usage: node --require tsx/cjs wal-crash-child.test-support.ts DB
 */
import { openDatabase, SqliteBarStore, WalCheckpointer } from './index'

const db = openDatabase(process.argv[2])
const checkpointer = new WalCheckpointer(db, { intervalMs: 2, restartFrames: 64 })
checkpointer.start()
const bars = new SqliteBarStore(db)
const key = { symbol: 'BTCUSDT', venue: 'BINANCE', timeframe: '1m' as const }
let i = 0
let reported = 0
process.stdout.write('ready\n')
// setImmediate between bars lets the checkpoint reports in, as a live feed's event loop does.
const step = (): void => {
  for (let k = 0; k < 20; k++, i++) {
    const time = 60_000 * i
    bars.upsert(key, [{ time, open: 100, high: 101 + (i % 7), low: 99, close: 100.5, volume: i, trades: i }])
    process.stdout.write(`${time}\n`)
  }
  if (checkpointer.checkpoints > reported)
    process.stdout.write(`checkpoints ${(reported = checkpointer.checkpoints)}\n`)
  setImmediate(step)
}
step()
