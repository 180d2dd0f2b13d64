/** Thin determinate progress bar; `value` in [0, 1]; `tone` colours finished work. */
export function ProgressBar({
  value,
  testId,
  tone = 'active',
}: {
  value: number
  testId?: string
  tone?: 'active' | 'done' | 'failed' | 'stopped'
}) {
  const pct = Math.max(0, Math.min(1, value)) * 100
  return (
    <span
      className={`progress progress--${tone}`}
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(pct)}
      data-testid={testId}
    >
      <span className="progress__fill" style={{ width: `${pct}%` }} />
    </span>
  )
}
