import type { ReactNode } from 'react'

/** Title row of a view with optional controls on the right. */
export function ViewHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <header className="view-header">
      <h1 className="view-header__title">{title}</h1>
      <div className="view-header__tools">{children}</div>
    </header>
  )
}
