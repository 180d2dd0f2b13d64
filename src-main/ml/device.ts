import { existsSync } from 'node:fs'
import { join } from 'node:path'
import * as ort from 'onnxruntime-node'
import type { DeviceChoice, DeviceStatus, ModelCard } from '../../src-shared'
import { linearToOnnx } from './onnx-writer'
import { createQuietSession, ortFailureReason } from './ort-session'

/** An onnxruntime execution provider Armada asks for (the same list as the engine's `ExecutionProvider`). */
type ExecutionProvider = DeviceStatus['batch']

/** GPU providers `auto` tries, best first: webgpu is bundled in onnxruntime-node, cuda needs its libraries installed. */
export const AUTO_GPU_ORDER: readonly ExecutionProvider[] = ['webgpu', 'cuda']

/**
 * GPU providers to try for a choice, best first: none for `cpu`, the one named, or for `auto` those of `allowed`
 * (`CoreConfig.devices`, best first) that are GPUs, {@link AUTO_GPU_ORDER} when it is absent.
 */
export function gpuCandidates(choice: DeviceChoice, allowed?: readonly ExecutionProvider[]): ExecutionProvider[] {
  if (choice === 'cpu') return []
  if (choice !== 'auto') return [choice]
  return (allowed ?? AUTO_GPU_ORDER).filter((p) => p !== 'cpu')
}

/** Opens a session on one provider and runs it once; throws what onnxruntime throws when the provider is unusable. */
export type ProviderOpener = (provider: ExecutionProvider) => Promise<void>

const PROBE_CARD: ModelCard = {
  name: 'device-probe',
  predictor: 'custom',
  task: 'binary',
  classes: ['0', '1'],
  features: ['a', 'b'],
  inputShape: [null, 2],
}

/** Folders the Linux loader searches for libvulkan.so.1 (LD_LIBRARY_PATH first, then the usual system ones). */
function vulkanDirs(): string[] {
  const env = (process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean)
  const sys = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/lib64', '/lib']
  return [...env, ...sys, '/lib/x86_64-linux-gnu', '/usr/local/lib']
}

/**
 * A two-feature linear model on `provider`, opened, run on one row and released. On Linux webgpu runs on Vulkan:
 * without its loader the provider is refused here, before Dawn prints its own warning to stderr (every CLI command
 * would carry that line).
 */
export const openProbeSession: ProviderOpener = async (provider) => {
  if (
    provider === 'webgpu' &&
    process.platform === 'linux' &&
    !vulkanDirs().some((d) => existsSync(join(d, 'libvulkan.so.1')))
  )
    throw new Error('the Vulkan loader libvulkan.so.1 is not installed (WebGPU runs on Vulkan on Linux)')
  const bytes = linearToOnnx(
    { means: new Float32Array(2), weights: new Float32Array([1, -1, -1, 1]), bias: new Float32Array(2) },
    PROBE_CARD,
  )
  const session = await createQuietSession(bytes, { executionProviders: [provider] })
  try {
    await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', new Float32Array([1, 2]), [1, 2]) })
  } finally {
    await session.release()
  }
}

/**
 * Probes the device for a choice once: the first GPU candidate ({@link gpuCandidates}) that opens and runs becomes the
 * batch device, else cpu with every candidate's failure as the reason (`webgpu: Failed to get a WebGPU adapter …`).
 * Live single-row scoring is cpu whatever the choice.
 */
export async function probeDevice(
  choice: DeviceChoice,
  opts: { readonly allowed?: readonly ExecutionProvider[]; readonly open?: ProviderOpener } = {},
): Promise<DeviceStatus> {
  const open = opts.open ?? openProbeSession
  const reasons: string[] = []
  for (const p of gpuCandidates(choice, opts.allowed)) {
    try {
      await open(p)
      return { requested: choice, batch: p, live: 'cpu' }
    } catch (err) {
      // A failed internal check reads `<condition> was false. <what failed>`: the user needs what failed.
      reasons.push(`${p}: ${ortFailureReason(err).replace(/^.*? was false\. /, '')}`)
    }
  }
  if (choice === 'auto' && !reasons.length) reasons.push('no GPU provider is allowed')
  return { requested: choice, batch: 'cpu', live: 'cpu', ...(reasons.length ? { fallback: reasons.join('; ') } : {}) }
}

/** One batch-device measurement: median ms per batch of `rows` rows on the GPU provider and on cpu. */
export interface BatchMeasurement {
  readonly provider: ExecutionProvider
  readonly rows: number
  readonly gpuMs: number
  readonly cpuMs: number
}

/** The provider a measurement picks: the GPU only when it ran the probe batch strictly faster than cpu. */
export function fasterProvider(m: BatchMeasurement): ExecutionProvider {
  return m.gpuMs < m.cpuMs ? m.provider : 'cpu'
}

/**
 * Batch-device decisions per model shape (input dims and graph size), measured once by a short probe run and shared by
 * every engine given it (a backfill of the same model never measures twice).
 */
export class BatchDeviceCache {
  private readonly byShape = new Map<string, BatchMeasurement>()

  get(shape: string): BatchMeasurement | undefined {
    return this.byShape.get(shape)
  }

  set(shape: string, m: BatchMeasurement): void {
    this.byShape.set(shape, m)
  }

  /** Every decision so far, for status displays. */
  entries(): [string, BatchMeasurement][] {
    return [...this.byShape]
  }
}
