import type { ReactNode } from 'react'

/** A titled block of the Models view (charts, tables, timelines). */
export function Panel({
  title,
  note,
  children,
  testId,
  className,
}: {
  title: string
  note?: ReactNode
  children: ReactNode
  testId?: string
  className?: string
}) {
  return (
    <section className={`panel${className ? ` ${className}` : ''}`} data-testid={testId}>
      <header className="panel__head">
        <h2 className="panel__title">{title}</h2>
        {note && <span className="panel__note">{note}</span>}
      </header>
      <div className="panel__body">{children}</div>
    </section>
  )
}
