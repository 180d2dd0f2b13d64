import { HMM_TRAIN_JOB_KIND, isTimeframe } from '../../../src-shared'
import type { HmmTrainJobResult } from '../../predictors'
import { optionalNumber, requireString, requireSymbol, timeRange, UsageError, type Command } from '../command'
import { jobResult, runJob } from '../run-job'

const f = (x: number, digits = 4) => (Math.abs(x) < 1e-3 && x !== 0 ? x.toExponential(2) : x.toFixed(digits))

function report(r: HmmTrainJobResult): string {
  const k = r.startProbabilities.length
  const lines = [
    `${r.name}: ${k}-state Gaussian HMM on ${r.rows} rows of ${r.bars} bars (${r.columns.join(', ')}); log-likelihood ${r.logLikelihood.toFixed(3)} after ${r.iterations} EM iterations${r.converged ? '' : ' (not converged)'}`,
    `  restarts        ${r.restartLogLikelihoods.map((v) => v.toFixed(3)).join('  ')}`,
    ...Array.from({ length: k }, (_, s) =>
      [
        `  state ${s} ${r.states[s].padEnd(6)}`,
        `start ${f(r.startProbabilities[s], 3)}`,
        `mean [${r.means[s].map((v) => f(v)).join(', ')}]`,
        `stay ${f(r.transitionMatrix[s][s], 3)}`,
      ].join('  '),
    ),
    `  regime shares (Viterbi, ≥ 5 bars): bull ${f(r.regimeShares.bull, 3)}  bear ${f(r.regimeShares.bear, 3)}  range ${f(r.regimeShares.range, 3)}`,
    `  registered ${r.versionId.slice(0, 12)} ${r.alias ? `as ${r.alias}` : '(already registered)'}`,
  ]
  return lines.join('\n')
}

/** `armada train hmm`: the DOMAIN.md §5 regime HMM of one stored series, fitted by EM and registered. */
export const trainHmmCommand: Command = {
  name: 'train hmm',
  summary: 'fit the DOMAIN.md §5 regime HMM (Gaussian, EM with restarts) on one stored series and register it',
  usage:
    'train hmm --symbol S --timeframe TF [--states 3] [--restarts 5] [--seed N] [--max-iterations 500] [--venue V] [--from T] [--to T] [--observations] [--db PATH] [--json]',
  details:
    'Observations per bar (microstructure feature set): 1-bar log return, log volume, and the order-flow imbalance when every\n' +
    'bar has taker volume. Baum-Welch EM from several seeded starts, best log-likelihood kept; states mapped to bull/bear/range\n' +
    'by mean return. Registered as hmm-<symbol>-<tf> (ONNX emission graph, parameters in the card). --json prints\n' +
    'startProbabilities, transitionMatrix, means, covariances, states, logLikelihood, columns (and observations with --observations).',
  options: {
    symbol: { type: 'string' },
    venue: { type: 'string' },
    timeframe: { type: 'string' },
    states: { type: 'string' },
    restarts: { type: 'string' },
    seed: { type: 'string' },
    'max-iterations': { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    observations: { type: 'boolean' },
  },
  async run(ctx) {
    const symbol = requireSymbol(ctx.values)
    const timeframe = requireString(ctx.values, 'timeframe')
    if (!isTimeframe(timeframe)) throw new UsageError(`--timeframe: unknown timeframe "${timeframe}"`)
    const int = (key: string, lo: number, hi: number) => {
      const v = optionalNumber(ctx.values, key)
      if (v !== undefined && !(Number.isInteger(v) && v >= lo && v <= hi))
        throw new UsageError(`--${key} must be an integer in [${lo}, ${hi}], got ${v}`)
      return v
    }
    const states = int('states', 1, 10)
    const restarts = int('restarts', 1, 100)
    const maxIterations = int('max-iterations', 1, 10_000)
    const seed = optionalNumber(ctx.values, 'seed')
    const request = {
      symbol,
      timeframe,
      ...(typeof ctx.values.venue === 'string' ? { venue: ctx.values.venue } : {}),
      ...(states !== undefined ? { states } : {}),
      ...(restarts !== undefined ? { restarts } : {}),
      ...(maxIterations !== undefined ? { maxIterations } : {}),
      ...(seed !== undefined ? { seed } : {}),
      ...(ctx.values.observations === true ? { observations: true } : {}),
      ...timeRange(ctx.values),
    }
    const core = ctx.openCore()
    const r = jobResult<HmmTrainJobResult>(
      await runJob(core, HMM_TRAIN_JOB_KIND, request, (m) => ctx.info(m)),
      'training cancelled',
    )
    ctx.out(r, report)
  },
}
