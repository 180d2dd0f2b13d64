import { BACKFILL_JOB_KIND, isTimeframe } from '../../../src-shared'
import type { BackfillResult } from '../../predictors'
import {
  optionalDevice,
  requireString,
  requireSymbol,
  storedVenue,
  timeRange,
  UsageError,
  type Command,
} from '../command'
import { jobResult, runJob } from '../run-job'

/** `armada backfill`: a registered regime model's forecasts over a stored series' history, stored and resolved. */
export const backfillCommand: Command = {
  name: 'backfill',
  summary: "score a registered regime model over a stored series' history in batches, store and resolve the forecasts",
  usage:
    'backfill --model NAME|ID --symbol S --timeframe TF [--venue V] [--from T] [--to T] [--device auto|cpu|webgpu|cuda] [--db PATH] [--json]',
  details:
    'Scores the model (a name: its champion; or a version id) on the regime feature set of every stored bar, in batches\n' +
    '(256 windows of T bars for sequence models [N, T, F], rows for tabular ones) on the chosen device (auto: a GPU\n' +
    "only where a probe batch ran faster; default the core's choice), stores each forecast where the live regime loop\n" +
    'stores its own and resolves those whose target bar is stored (DOMAIN.md §1 label): a newly imported model gets a\n' +
    'track record before it goes live. Bars it already forecast are left as they are.',
  options: {
    model: { type: 'string' },
    symbol: { type: 'string' },
    venue: { type: 'string' },
    timeframe: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    device: { type: 'string' },
  },
  async run(ctx) {
    const model = requireString(ctx.values, 'model')
    const symbol = requireSymbol(ctx.values)
    const timeframe = requireString(ctx.values, 'timeframe')
    if (!isTimeframe(timeframe)) throw new UsageError(`--timeframe: unknown timeframe "${timeframe}"`)
    const range = timeRange(ctx.values)
    const device = optionalDevice(ctx.values)
    const core = ctx.openCore()
    const venue = storedVenue(ctx.values, await core.listSeries(), symbol, timeframe)
    let lastTenth = -1
    const done = await runJob(
      core,
      BACKFILL_JOB_KIND,
      { model, symbol, venue, timeframe, ...range, ...(device ? { device } : {}) },
      (message) => {
        // One stderr line per tenth of the work, not per batch.
        const m = /^scored (\d+)\/(\d+)$/.exec(message)
        const tenth = m ? Math.floor((10 * Number(m[1])) / Number(m[2])) : -1
        if (tenth !== lastTenth) ctx.info(message)
        lastTenth = tenth
      },
    )
    const r = jobResult<BackfillResult>(done, 'backfill cancelled')
    ctx.out(r, (v) => v.summary + (v.fallback ? `\n(device fallback: ${v.fallback})` : ''))
  },
}
