import type { ApiEvents, ApiTopic, Disposable } from '../../src-shared'
import type { LiveEvents } from '../predictors'

type Listener<T extends ApiTopic> = (event: ApiEvents[T]) => void

/** Typed publish/subscribe for core events. A throwing listener is isolated so the others still run. */
export class EventBus implements LiveEvents {
  private readonly listeners = new Map<ApiTopic, Set<Listener<ApiTopic>>>()

  subscribe<T extends ApiTopic>(topic: T, listener: Listener<T>): Disposable {
    let set = this.listeners.get(topic)
    if (!set) this.listeners.set(topic, (set = new Set()))
    set.add(listener as Listener<ApiTopic>)
    return { dispose: () => set.delete(listener as Listener<ApiTopic>) }
  }

  publish<T extends ApiTopic>(topic: T, event: ApiEvents[T]): void {
    const set = this.listeners.get(topic)
    if (!set) return
    for (const l of [...set]) {
      try {
        l(event)
      } catch (err) {
        console.error(`[armada] listener for ${topic} failed: ${(err as Error).message}`)
      }
    }
  }

  /** Number of listeners still attached (tests check nothing leaks). */
  get size(): number {
    let n = 0
    for (const s of this.listeners.values()) n += s.size
    return n
  }

  dispose(): void {
    this.listeners.clear()
  }
}
