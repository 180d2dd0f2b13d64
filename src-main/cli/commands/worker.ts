import { ARMADA_VERSION, QueueWorker } from '../../core'
import { optionalNumber, requireString, UsageError, type Command } from '../command'

export const workerCommand: Command = {
  name: 'worker',
  summary: 'headless Armada taking jobs (sweep shards, backtests, training) from a BullMQ queue in Redis',
  usage: 'worker --queue redis://HOST:PORT [--concurrency N] [--lock-ms MS] [--db PATH]',
  details:
    'Takes sweep shards (their bars travel in the job) and backtest.run, ml.train, regime.train, alerts.train and ' +
    "signal-quality.train jobs (read from this worker's --db: point it at a shared or synced database holding the " +
    'series and models they name). Jobs are retried with backoff; a job whose worker dies is taken over by another once ' +
    'its lock (--lock-ms, default 30000) expires. Stops on SIGINT/SIGTERM after the running jobs end.',
  keepsRunning: true,
  options: {
    queue: { type: 'string' },
    concurrency: { type: 'string' },
    'lock-ms': { type: 'string' },
  },
  async run(ctx) {
    const url = requireString(ctx.values, 'queue')
    if (!/^rediss?:\/\/\S+$/.test(url)) throw new UsageError(`--queue must be redis://HOST:PORT, got "${url}"`)
    const concurrency = optionalNumber(ctx.values, 'concurrency') ?? 1
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64)
      throw new UsageError('--concurrency must be an integer from 1 to 64')
    const lockMs = optionalNumber(ctx.values, 'lock-ms')
    if (lockMs !== undefined && !(Number.isInteger(lockMs) && lockMs >= 500))
      throw new UsageError('--lock-ms must be an integer ≥ 500')
    // Opens (and migrates) the database the non-shard jobs read, as any core would.
    await ctx.openCore().health()
    const worker = new QueueWorker({
      url,
      concurrency,
      dbPath: ctx.dbPath,
      codeVersion: ARMADA_VERSION,
      ...(lockMs !== undefined ? { lockMs } : {}),
      log: (line) => ctx.info(`[worker] ${line}`),
    })
    await worker.start()
    ctx.info(`[worker] ${worker.name} taking jobs from ${url} (concurrency ${concurrency})`)
    await new Promise<void>((resolve) => {
      const stop = () => void worker.dispose().then(resolve, resolve)
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
    })
    process.exit(0)
  },
}
