/** Small stroke icons for legend and tool buttons (14 px, currentColor). */
const PATHS = {
  eye: 'M1.5 8s2.4-4.5 6.5-4.5S14.5 8 14.5 8 12.1 12.5 8 12.5 1.5 8 1.5 8Z M8 10a2 2 0 1 0 0-4 2 2 0 0 0 0 4Z',
  eyeOff:
    'M2 2l12 12 M6.3 3.8A6.6 6.6 0 0 1 8 3.5c4.1 0 6.5 4.5 6.5 4.5a11 11 0 0 1-1.9 2.4 M4 5.2A11 11 0 0 0 1.5 8S3.9 12.5 8 12.5c.9 0 1.7-.2 2.4-.5',
  settings: 'M2 4.5h7 M12 4.5h2 M2 11.5h2 M7 11.5h7 M10.5 3v3 M5.5 10v3',
  close: 'M4 4l8 8 M12 4l-8 8',
  level: 'M1.5 8h13 M3.5 5.5v5 M12.5 5.5v5',
  trend:
    'M2.5 13L13.5 3 M2.5 13m-1.5 0a1.5 1.5 0 1 0 3 0a1.5 1.5 0 1 0-3 0 M13.5 3m-1.5 0a1.5 1.5 0 1 0 3 0a1.5 1.5 0 1 0-3 0',
} as const

/** An icon by name. */
export function LegendIcon({ name }: { name: keyof typeof PATHS }) {
  return (
    <svg className="legend-icon" width="14" height="14" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <path
        d={PATHS[name]}
        fill="none"
        stroke="currentColor"
        strokeWidth="1.4"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  )
}
