import type { ViewId } from '../stores'

// 16×16 stroke icons, drawn inline so the CSP needs no image sources.
const PATHS: Record<ViewId, string> = {
  chart: 'M3 13V7M6 13V3M9 13V8M12 13V5M2 14.5h12',
  alerts: 'M8 2.5a3.5 3.5 0 0 1 3.5 3.5v3l1.5 2.5H3L4.5 9V6A3.5 3.5 0 0 1 8 2.5zM6.5 13.5h3',
  models: 'M8 2l5 3v6l-5 3-5-3V5zM8 8l5-3M8 8v6M8 8L3 5',
  strategies: 'M2 12l3.5-4 3 2.5L14 4M10.5 4H14v3.5',
  backtests: 'M2.5 8a5.5 5.5 0 1 0 1.6-3.9M2.5 2.5v2.8h2.8M8 5v3l2 1.5',
  data: 'M3 4c0-1 2.2-1.5 5-1.5s5 .5 5 1.5-2.2 1.5-5 1.5S3 5 3 4zm0 0v8c0 1 2.2 1.5 5 1.5s5-.5 5-1.5V4M3 8c0 1 2.2 1.5 5 1.5s5-.5 5-1.5',
}

/** Icon of a view for the navigation rail. */
export function ViewIcon({ view }: { view: ViewId }) {
  return (
    <svg className="nav__icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
      <path
        d={PATHS[view]}
        fill="none"
        stroke="currentColor"
        strokeWidth="1.3"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  )
}
