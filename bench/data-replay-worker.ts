/**
 * Replay server for bench/data.ts, in its own thread so the feed's event loop measures only the client side.
 * Posts `{ ws, rest }` once listening, then `[barTime, sentAtAbsMs]` for every closed kline handed to the socket.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { systemClock, type Bar } from '../src-shared'
import { ReplayServer } from '../src-main/data'

const { bars, barsPerSecond } = workerData as { bars: Bar[]; barsPerSecond: number }
const server = new ReplayServer(
  { bars: [{ symbol: 'BTCUSDT', timeframe: '1m', bars }] },
  {
    speed: { barsPerSecond },
    onSend: (_stream, payload) => {
      const k = (payload as { k?: { t: number; x: boolean } }).k
      if (k?.x) parentPort!.postMessage([k.t, performance.timeOrigin + performance.now()])
    },
  },
  systemClock,
)
server.start().then(({ wsBase, restBase }) => parentPort!.postMessage({ wsBase, restBase }))
parentPort!.on('message', (m) => {
  if (m === 'stop') void server.stop().then(() => process.exit(0))
})
