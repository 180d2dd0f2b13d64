import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { ModelRegistry, ModelVersion } from '../registry'

/** `models/` above this module (the repository or the packaged app), or undefined. */
export function defaultModelsDir(start = __dirname): string | undefined {
  let dir = start
  for (;;) {
    const candidate = join(dir, 'models')
    if (existsSync(join(dir, 'package.json')) && existsSync(candidate)) return candidate
    if (dirname(dir) === dir) return undefined
    dir = dirname(dir)
  }
}

/** The shipped model files in `dir` whose names pass `wanted` (none when there is no such folder). */
export function shippedModelFiles(dir: string | undefined, wanted: (file: string) => boolean): string[] {
  return dir && existsSync(dir) ? readdirSync(dir).filter(wanted) : []
}

/** How a live loop registers its shipped defaults. */
export interface ShippedModelHooks {
  /** True once the loop is disposed: the registry is closing, so the rest waits for the next start. */
  stopped(): boolean
  /** Model names to leave alone (already registered). */
  skip?(name: string): boolean
  /** Called after each registered file. */
  registered?(version: ModelVersion): void
  /** A file the registry refused; absent, the refusal ends the registration (thrown). */
  refused?(file: string, err: unknown): void
}

/**
 * Registers shipped default model files (`models/…onnx`) one by one, each made champion where its name has none
 * (actor `system`, reason `shipped default model <file>`): the embedded default forecasts and alerts on a fresh
 * machine.
 */
export async function registerShippedModels(
  registry: ModelRegistry,
  dir: string,
  files: readonly string[],
  hooks: ShippedModelHooks,
): Promise<void> {
  for (const file of files) {
    if (hooks.stopped()) return
    if (hooks.skip?.(file.replace(/\.onnx$/, ''))) continue
    try {
      const { version } = await registry.importFile(new Uint8Array(readFileSync(join(dir, file))))
      const promotion = { alias: 'champion', actor: 'system', reason: `shipped default model ${file}` } as const
      if (!registry.aliases(version.name).champion) registry.promote(version.id, promotion)
      hooks.registered?.(version)
    } catch (err) {
      if (!hooks.refused) throw err
      hooks.refused(file, err)
    }
  }
}
