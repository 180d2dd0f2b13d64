import type { ModelCard } from '../../src-shared'
import type { OnnxInferenceEngine } from '../ml'
import type { ModelRegistry, ModelSummary, VersionSummary } from '../registry'

/** A model name's champion version, when it has one (the version the live loops score and the Models view heads). */
export function championOf(m: ModelSummary): VersionSummary | undefined {
  const id = m.aliases.champion
  return id ? m.versions.find((v) => v.id === id) : undefined
}

/**
 * Which versions are live, in one registry read: every registered model name, mapped to its champion (undefined for a
 * name without one).
 */
export function liveVersions(registry: ModelRegistry): ReadonlyMap<string, VersionSummary | undefined> {
  return new Map(registry.list().map((m) => [m.name, championOf(m)]))
}

/** Loads a version's session into `engine` unless it is there (bytes from the registry; card as given or stored). */
export function loadVersion(engine: OnnxInferenceEngine, registry: ModelRegistry, id: string, card?: ModelCard): void {
  if (!engine.has(id)) engine.load(id, registry.onnx(id), card ?? registry.get(id).card)
}

/**
 * Loads versions side by side as one graph `id` (one `session.run` scores them all), or keeps it when loaded, and
 * returns its card, first scoring one row of zeros when `warm` (the first live bar then pays nothing). Undefined, with
 * a logged line naming `what`, when they cannot be stacked: the loop scores them one by one instead.
 */
export async function stackVersions(
  engine: OnnxInferenceEngine,
  id: string,
  versionIds: readonly string[],
  what: string,
  warm = false,
): Promise<ModelCard | undefined> {
  try {
    const card = engine.has(id) ? engine.card(id) : engine.loadStacked(id, versionIds)
    if (warm) await engine.scoreStacked(id, new Float32Array(card.features.length), 1)
    return card
  } catch (err) {
    console.error(`[armada] ${what} could not be stacked into one graph: ${(err as Error).message.split('\n')[0]}`)
    return undefined
  }
}
