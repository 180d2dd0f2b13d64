import { useEffect } from 'react'
import { useStore } from 'zustand'
import type { SweepDetail } from '../../../src-shared'
import { sortedSweepRows, sweepHeatmap, sweepValue, type SweepsStore } from '../../stores/sweeps-store'

const METRICS = ['sharpe', 'totalReturn', 'maxDrawdown', 'trades'] as const
const fixed = (x: number) =>
  Number.isFinite(x) ? (Number.isInteger(x) ? String(x) : Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(3)) : '—'

/**
 * Sweeps (`armada sweep`, `backtest.sweep` jobs): progress of running sweeps across workers, the stored sweeps, each
 * symbol's in-sample best beside its out-of-sample result, a heatmap of a metric over two parameters and the sortable
 * rows.
 */
export function SweepsPanel({ store }: { store: SweepsStore }) {
  const s = useStore(store)
  useEffect(() => void store.getState().load(), [store])
  const running = Object.values(s.running)
  return (
    <div className="sweeps" data-testid="sweeps-panel">
      {running.map((job) => (
        <div key={job.id} className="sweeps__running" data-testid="sweep-progress">
          <progress max={1} value={job.progress} /> <span>{job.message}</span>
        </div>
      ))}
      {s.error && <p className="sweeps__error">{s.error}</p>}
      {s.sweeps.length === 0 ? (
        <p data-testid="sweeps-empty">
          No sweeps yet: run `armada sweep --strategy ma-crossover --symbols A,B --timeframe 1h --grid
          &apos;fast=5,10;slow=30,60&apos;` (or start a `backtest.sweep` job).
        </p>
      ) : (
        <label>
          Sweep{' '}
          <select
            data-testid="sweep-select"
            value={s.selectedId ?? ''}
            onChange={(e) => void store.getState().select(Number(e.target.value))}
          >
            {s.sweeps.map((w) => (
              <option key={w.id} value={w.id}>
                #{w.id} {w.strategy} · {w.symbols.join(',')} · {w.timeframe} · {w.done}/{w.total} · {w.state}
              </option>
            ))}
          </select>
        </label>
      )}
      {s.detail && <SweepDetailView store={store} sweep={s.detail} />}
    </div>
  )
}

function SweepDetailView({ store, sweep }: { store: SweepsStore; sweep: SweepDetail }) {
  const { sort, heat } = useStore(store)
  const params = Object.keys(sweep.grid)
  const rows = sortedSweepRows(sweep.rows, sort)
  return (
    <>
      <table className="table" data-testid="sweep-best">
        <thead>
          <tr>
            <th>symbol</th>
            <th>in-sample best ({sweep.metric})</th>
            <th>in-sample</th>
            <th>out-of-sample</th>
            <th>OOS rank</th>
          </tr>
        </thead>
        <tbody>
          {sweep.best.map((b) => (
            <tr key={b.symbol} data-testid={`sweep-best-${b.symbol}`}>
              <td>{b.symbol}</td>
              <td>{params.map((p) => `${p}=${String(b.params[p])}`).join(' ')}</td>
              <td>{fixed(b.inSample ?? NaN)}</td>
              <td>{fixed(b.outOfSample ?? NaN)}</td>
              <td>{b.outOfSampleRank ? `${b.outOfSampleRank}/${b.combinations}` : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {heat.x && heat.y && <SweepHeatmap store={store} sweep={sweep} />}
      <div className="table-scroll" style={{ maxHeight: 360, overflow: 'auto' }}>
        <table className="table" data-testid="sweep-rows">
          <thead>
            <tr>
              <th>symbol</th>
              {[...params.map((p) => `param:${p}`), ...METRICS.flatMap((m) => [`is:${m}`, `oos:${m}`])].map((key) => (
                <th key={key}>
                  <button
                    type="button"
                    data-testid={`sweep-sort-${key}`}
                    aria-sort={sort.key === key ? (sort.descending ? 'descending' : 'ascending') : 'none'}
                    onClick={() => store.getState().sortBy(key)}
                  >
                    {key.replace('param:', '').replace('is:', 'IS ').replace('oos:', 'OOS ')}
                    {sort.key === key ? (sort.descending ? ' ▼' : ' ▲') : ''}
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.cell} data-testid="sweep-row">
                <td>{r.symbol}</td>
                {params.map((p) => (
                  <td key={p}>{String(r.params[p])}</td>
                ))}
                {METRICS.flatMap((m) => [`is:${m}`, `oos:${m}`]).map((key) => (
                  <td key={key}>{fixed(sweepValue(r, key))}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  )
}

function SweepHeatmap({ store, sweep }: { store: SweepsStore; sweep: SweepDetail }) {
  const { heat } = useStore(store)
  const x = heat.x!
  const y = heat.y!
  const key = `${heat.sample}:${sweep.metric}`
  const cells = sweepHeatmap(sweep, x, y, key)
  const values = cells.map((c) => c.value).filter((v): v is number => v !== null)
  const lo = Math.min(...values)
  const hi = Math.max(...values)
  const names = Object.keys(sweep.grid)
  const axis = (which: 'x' | 'y') => (
    <select
      data-testid={`sweep-heat-${which}`}
      value={heat[which]}
      onChange={(e) => store.getState().setHeat({ [which]: e.target.value })}
    >
      {names.map((n) => (
        <option key={n}>{n}</option>
      ))}
    </select>
  )
  return (
    <figure className="sweeps__heat" data-testid="sweep-heatmap">
      <figcaption>
        mean {heat.sample === 'is' ? 'in-sample' : 'out-of-sample'} {sweep.metric} over {axis('x')} × {axis('y')}{' '}
        <select
          data-testid="sweep-heat-sample"
          value={heat.sample}
          onChange={(e) => store.getState().setHeat({ sample: e.target.value as 'is' | 'oos' })}
        >
          <option value="is">in-sample</option>
          <option value="oos">out-of-sample</option>
        </select>
      </figcaption>
      <div
        className="sweeps__heat-grid"
        style={{ display: 'grid', gridTemplateColumns: `repeat(${sweep.grid[x].length}, minmax(28px, 1fr))`, gap: 2 }}
      >
        {cells.map((c) => {
          const t = c.value === null || hi === lo ? 0.5 : (c.value - lo) / (hi - lo)
          return (
            <span
              key={`${String(c.x)}/${String(c.y)}`}
              data-testid="sweep-heat-cell"
              title={`${x}=${String(c.x)} ${y}=${String(c.y)}: ${c.value === null ? '—' : fixed(c.value)}`}
              style={{
                height: 22,
                background: c.value === null ? 'transparent' : `hsl(${Math.round(t * 120)}, 55%, 40%)`,
              }}
            />
          )
        })}
      </div>
    </figure>
  )
}
