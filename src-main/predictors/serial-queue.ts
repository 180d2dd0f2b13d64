/**
 * Runs tasks one after another in the order they were queued (a live loop's bars, model loads, stored outcomes). A
 * failing task goes to `onError` and the next one still runs.
 */
export class SerialQueue {
  private tail: Promise<void> = Promise.resolve()

  constructor(private readonly onError: (err: unknown) => void) {}

  /** Queues `task` behind everything queued so far. */
  run(task: () => Promise<void>): void {
    this.tail = this.tail.then(task).catch(this.onError)
  }

  /** Resolves once everything queued so far has run. */
  settled(): Promise<void> {
    return this.tail
  }

  /** Resolves once nothing is left, tasks queued while it waits included. */
  async idle(): Promise<void> {
    for (;;) {
      const tail = this.tail
      await tail
      if (tail === this.tail) return
    }
  }
}
