import type {
  ModelAbTestInfo,
  ModelAliasEvent,
  ModelHealthPoint,
  ModelListItem,
  ModelVersionInfo,
  ModelVersionMetrics,
} from '../../src-shared'
import { championOf } from '../predictors'
import type { AbTestStatus, DriftReport, ModelSummary, VersionSummary } from '../registry'

// The registry's records as the WorkstationApi answers them (the Models view): what the UI reads, nothing it does not.

/** A version for the UI: its card without the reference bins (those are for drift checks). */
export function versionInfo(v: VersionSummary): ModelVersionInfo {
  const { reference: _reference, ...card } = v.card
  return {
    id: v.id,
    name: v.name,
    createdAt: v.createdAt,
    size: v.size,
    aliases: v.aliases,
    card,
    lineage: v.lineage as ModelVersionInfo['lineage'],
    metrics: v.metrics as ModelVersionMetrics,
    tags: v.tags,
    notes: v.notes,
  }
}

/** One alias move. */
export function aliasEvent(e: ModelAliasEvent): ModelAliasEvent {
  return {
    seq: e.seq,
    name: e.name,
    alias: e.alias,
    from: e.from,
    to: e.to,
    time: e.time,
    kind: e.kind,
    actor: e.actor,
    reason: e.reason,
  }
}

/** One A/B test's state. */
export function abTestInfo(t: AbTestStatus): ModelAbTestInfo {
  return {
    id: t.id,
    name: t.name,
    champion: t.champion,
    challenger: t.challenger,
    status: t.status,
    startedAt: t.startedAt,
    ...(t.endedAt !== undefined ? { endedAt: t.endedAt } : {}),
    ...(t.winner !== undefined ? { winner: t.winner } : {}),
    recorded: t.recorded,
    resolved: t.resolved,
    reason: t.reason,
    stale: t.stale,
    ...(t.comparison
      ? {
          comparison: {
            n: t.comparison.n,
            f1Champion: t.comparison.f1A,
            f1Challenger: t.comparison.f1B,
            logLossChampion: t.comparison.logLossA,
            logLossChallenger: t.comparison.logLossB,
            confidenceF1: t.comparison.confidenceBBetterF1,
            confidenceLogLoss: t.comparison.confidenceBBetterLogLoss,
          },
        }
      : {}),
    minSamples: t.config.minSamples,
    confidenceNeeded: t.config.confidence,
    metric: t.config.metric,
    autoPromote: t.config.autoPromote,
  }
}

/** One drift check as a point of the health history: the largest feature PSI and counts of drifted features. */
export function healthPoint(r: DriftReport): ModelHealthPoint {
  const psis = r.features.map((f) => f.psi).filter(Number.isFinite)
  return {
    time: r.time,
    versionId: r.versionId,
    health: r.health,
    rows: r.rows,
    ...(r.window ? { window: r.window } : {}),
    ...(r.reference ? { reference: r.reference } : {}),
    maxPsi: psis.length ? Math.max(...psis) : 0,
    ...(r.predictions && Number.isFinite(r.predictions.psi) ? { predictionPsi: r.predictions.psi } : {}),
    driftedFeatures: r.driftedFeatures.length,
    watchFeatures: r.watchFeatures.length,
    reasons: r.reasons,
  }
}

/** A model name as `listModels` lists it: its champion's validation next to the baselines, health and A/B state. */
export function modelListItem(m: ModelSummary): ModelListItem {
  const champ = championOf(m)
  const metrics = champ?.metrics as ModelVersionMetrics | undefined
  const newest = m.versions[m.versions.length - 1]
  return {
    name: m.name,
    predictor: (champ ?? newest).card.predictor,
    versions: m.versions.length,
    aliases: m.aliases,
    latestAt: newest.createdAt,
    ...(champ
      ? {
          champion: {
            id: champ.id,
            ...(metrics?.validation ? { validation: metrics.validation } : {}),
            ...(metrics?.baselines ? { baselines: metrics.baselines } : {}),
          },
        }
      : {}),
    ...(m.health ? { health: m.health } : {}),
    ...(m.abTest ? { abTest: abTestInfo(m.abTest) } : {}),
  }
}
