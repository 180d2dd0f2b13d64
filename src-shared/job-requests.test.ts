import { describe, expect, it } from 'vitest'
import { CallRefused } from './api'
import {
  BACKTEST_JOB_KIND,
  IMPORT_JOB_KIND,
  JOB_KIND_NAMES,
  JobRequestError,
  parseJob,
  parseJobRequest,
  REGIME_TRAIN_JOB_KIND,
  TRAIN_JOB_KIND,
} from './job-requests'

describe('parseJobRequest: one parser per job kind', () => {
  it('normalises a request (symbols and venues upper-cased, defaults set, absent fields left out) and is idempotent', () => {
    const once = parseJobRequest(TRAIN_JOB_KIND, {
      symbol: ' btcusd ',
      venue: 'coinbase',
      timeframe: '1h',
      horizon: 12,
      name: ' my-model ',
    })
    expect(once).toStrictEqual({
      symbol: 'BTCUSD',
      timeframe: '1h',
      algo: 'gbdt',
      venue: 'COINBASE',
      horizon: 12,
      name: 'my-model',
    })
    expect(parseJobRequest(TRAIN_JOB_KIND, once)).toStrictEqual(once)
  })

  it('refuses a bad field with a bad-request naming the field, the message starting with the label', () => {
    const refusal = (f: () => unknown): JobRequestError => {
      try {
        f()
      } catch (err) {
        return err as JobRequestError
      }
      throw new Error('not refused')
    }
    const e = refusal(() =>
      parseJobRequest(TRAIN_JOB_KIND, { symbol: 'BTCUSD', timeframe: '1h', algo: 'svm' }, 'trainModel'),
    )
    expect(e).toBeInstanceOf(CallRefused)
    expect(e.code).toBe('bad-request')
    expect(e.field).toBe('algo')
    expect(e.message).toBe('trainModel: "algo" must be one of gbdt, rf, logreg')
    expect(refusal(() => parseJobRequest(IMPORT_JOB_KIND, { files: [] })).message).toBe(
      'data.import: no files to import',
    )
    expect(
      refusal(() => parseJobRequest(REGIME_TRAIN_JOB_KIND, { symbol: 'BTCUSD', timeframe: '1h', horizons: [0] })).field,
    ).toBe('horizons')
    expect(
      refusal(() =>
        parseJobRequest(BACKTEST_JOB_KIND, {
          strategy: 'battle-navale',
          symbols: ['BTCUSD'],
          timeframe: '1h',
          ml: false,
          slippageBps: 1,
          slippageAtr: 0.1,
        }),
      ).field,
    ).toBe('slippageAtr')
  })

  it('parses a kind named at run time, refusing an unknown one with the known kinds', () => {
    expect(parseJob('diagnostics.wait', { steps: 2 })).toStrictEqual({
      kind: 'diagnostics.wait',
      request: { steps: 2 },
    })
    expect(() => parseJob('no.such.kind', {})).toThrow(
      `unknown job kind "no.such.kind" (known: ${JOB_KIND_NAMES.join(', ')})`,
    )
  })
})
