/** Confusion counts `[actual][predicted]` over the pooled out-of-fold rows, shaded by row share. */
export function ConfusionMatrix({
  classes,
  matrix,
}: {
  classes: readonly string[]
  matrix: readonly (readonly number[])[]
}) {
  return (
    <table className="confusion" data-testid="confusion-matrix">
      <thead>
        <tr>
          <th className="confusion__corner">actual ↓ / predicted →</th>
          {classes.map((c) => (
            <th key={c}>{c}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {matrix.map((row, i) => {
          const total = row.reduce((a, b) => a + b, 0) || 1
          return (
            <tr key={classes[i]}>
              <th>{classes[i]}</th>
              {row.map((n, j) => (
                <td
                  key={classes[j]}
                  className={i === j ? 'confusion__hit' : undefined}
                  style={{ ['--share' as string]: (n / total).toFixed(3) }}
                  title={`${((100 * n) / total).toFixed(1)} % of actual ${classes[i]}`}
                >
                  {n}
                </td>
              ))}
            </tr>
          )
        })}
      </tbody>
    </table>
  )
}
