import type { ModelCard } from '../../src-shared'
import type { Dataset } from './types'

/** The card of a model trained here: dataset's names and classes plus algorithm, params and metrics. */
export function trainedCard(
  data: Dataset,
  algo: string,
  params: object,
  extra: { training?: Record<string, unknown>; metrics?: Record<string, unknown> } = {},
): ModelCard {
  const c = data.card ?? {}
  return {
    name: c.name ?? `${algo}-model`,
    predictor: c.predictor ?? 'custom',
    task: data.classes.length === 2 ? 'binary' : 'multiclass',
    classes: [...data.classes],
    ...(c.horizon ? { horizon: c.horizon } : {}),
    features: [...data.features],
    ...(c.featureSpecHash ? { featureSpecHash: c.featureSpecHash } : {}),
    inputShape: [null, data.features.length],
    ...(c.label ? { label: c.label } : {}),
    training: {
      ...(c.training ?? {}),
      algo,
      params,
      rows: data.n,
      validRows: data.valid?.n ?? 0,
      ...(extra.training ?? {}),
    },
    ...(extra.metrics || c.metrics ? { metrics: { ...(c.metrics ?? {}), ...(extra.metrics ?? {}) } } : {}),
    ...(c.reference ? { reference: c.reference } : {}),
  }
}
