import type { ReactNode } from 'react'

/** A view with nothing to show yet: what will appear here and how to get it. */
export function EmptyState({ title, children, testId }: { title: string; children: ReactNode; testId: string }) {
  return (
    <div className="empty" data-testid={testId}>
      <div className="empty__title">{title}</div>
      <div className="empty__body">{children}</div>
    </div>
  )
}
