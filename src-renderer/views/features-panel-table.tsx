import { useRef, useState, type KeyboardEvent } from 'react'
import { useFeatures, useStores } from '../store-hooks'
import { formatFeatureValue, type FeatureVectorRow } from '../stores'
import { featureColor } from './features-panel-lines'

function Change({ row }: { row: FeatureVectorRow }) {
  if (row.flag || row.value === null || row.previous === null || row.value === row.previous)
    return <span className="features-table__delta" />
  const up = row.value > row.previous
  return (
    <span
      className={`features-table__delta features-table__delta--${up ? 'up' : 'down'}`}
      title={`previous bar ${formatFeatureValue(row.previous)}`}
    >
      {up ? '▲' : '▼'}
    </span>
  )
}

function Value({ row }: { row: FeatureVectorRow }) {
  if (row.value === null) return <span className="features-table__missing">—</span>
  if (row.flag)
    return row.value ? (
      <span className="badge badge--missing">missing</span>
    ) : (
      <span className="features-table__ok">ok</span>
    )
  return <>{formatFeatureValue(row.value)}</>
}

/**
 * The latest feature vector as a dense table. Click, Enter or Space on a row plots the feature under the chart
 * (again to remove it); ↑/↓, Home/End move between rows (one tab stop for the whole table).
 */
export function FeaturesTable({ rows }: { rows: readonly FeatureVectorRow[] }) {
  const plotted = useFeatures((s) => s.plotted)
  const { features } = useStores()
  const [active, setActive] = useState(0)
  const body = useRef<HTMLTableSectionElement>(null)
  const current = Math.min(active, Math.max(0, rows.length - 1))

  const focusRow = (i: number) => {
    const k = Math.max(0, Math.min(rows.length - 1, i))
    setActive(k)
    ;(body.current?.children[k] as HTMLElement | undefined)?.focus()
  }
  const onKey = (e: KeyboardEvent<HTMLTableRowElement>, i: number, name: string) => {
    const moves: Record<string, number> = {
      ArrowDown: i + 1,
      ArrowUp: i - 1,
      Home: 0,
      End: rows.length - 1,
      PageDown: i + 10,
      PageUp: i - 10,
    }
    if (e.key in moves) {
      e.preventDefault()
      focusRow(moves[e.key])
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault()
      void features.getState().togglePlot(name)
    }
  }

  return (
    <div className="table-wrap features-table-wrap">
      <table
        className="table table--dense features-table"
        data-testid="features-table"
        aria-label="Latest feature vector; Enter plots a feature"
      >
        <thead>
          <tr>
            <th aria-label="Plotted" />
            <th>Feature</th>
            <th className="num">Value</th>
            <th aria-label="Change" />
          </tr>
        </thead>
        <tbody ref={body}>
          {rows.map((r, i) => {
            const on = plotted.includes(r.name)
            return (
              <tr
                key={r.name}
                tabIndex={i === current ? 0 : -1}
                aria-selected={on}
                className={r.flag ? 'features-table__flag' : undefined}
                data-testid="feature-row"
                data-feature={r.name}
                data-missing={r.value === null}
                onFocus={() => setActive(i)}
                onClick={() => void features.getState().togglePlot(r.name)}
                onKeyDown={(e) => onKey(e, i, r.name)}
                title={on ? `Remove ${r.name} from the chart` : `Plot ${r.name} under the chart`}
              >
                <td className="features-table__plot">
                  <span
                    className="features-table__swatch"
                    style={on ? { background: featureColor(r.index), borderColor: featureColor(r.index) } : undefined}
                  />
                </td>
                <td className="features-table__name">{r.name}</td>
                <td className="num">
                  <Value row={r} />
                </td>
                <td className="features-table__change">
                  <Change row={r} />
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </div>
  )
}
