/**
 * Replay server for bench/data.ts, in its own thread so the feed's event loop measures only the client side.
 * Posts `{ wsBase, restBase }` once listening. Send times of closed klines are kept here and posted once, as
 * `[barTime, sentAtAbsMs][]`, when asked to stop (then terminated): a message per bar would wake the feed's thread next
 * to each kline.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { systemClock, type Bar } from '../src-shared'
import { ReplayServer } from '../src-main/data'

const { bars, barsPerSecond } = workerData as { bars: Bar[]; barsPerSecond: number }
const sent: [number, number][] = []
const server = new ReplayServer(
  { bars: [{ symbol: 'BTCUSDT', timeframe: '1m', bars }] },
  {
    speed: { barsPerSecond },
    onSend: (_stream, payload) => {
      const k = (payload as { k?: { t: number; x: boolean } }).k
      if (k?.x) sent.push([k.t, performance.timeOrigin + performance.now()])
    },
  },
  systemClock,
)
server.start().then(({ wsBase, restBase }) => parentPort!.postMessage({ wsBase, restBase }))
parentPort!.on('message', (m) => {
  if (m !== 'stop') return
  parentPort!.postMessage(sent)
  void server.stop()
})
