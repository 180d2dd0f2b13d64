/** Thin determinate progress bar; `value` in [0, 1]. */
export function ProgressBar({ value, testId }: { value: number; testId?: string }) {
  const pct = Math.max(0, Math.min(1, value)) * 100
  return (
    <span className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(pct)} data-testid={testId}>
      <span className="progress__fill" style={{ width: `${pct}%` }} />
    </span>
  )
}
