import { Component, type ReactNode } from 'react'

interface Props {
  readonly view: string
  readonly children: ReactNode
}

/** Keeps a failing view from blanking the whole window: shows its error as one line, the rest stays usable. */
export class ViewErrorBoundary extends Component<Props, { error?: Error }> {
  override state: { error?: Error } = {}

  static getDerivedStateFromError(error: Error): { error: Error } {
    return { error }
  }

  override componentDidCatch(error: Error): void {
    console.error(`[armada] ${this.props.view} view failed`, error)
  }

  override render(): ReactNode {
    const { error } = this.state
    if (!error) return this.props.children
    return (
      <div className="banner banner--error" role="alert" data-testid="view-error">
        The {this.props.view} view failed: {error.message.split('\n')[0]}{' '}
        <button type="button" className="button button--small" onClick={() => this.setState({ error: undefined })}>
          Retry
        </button>
      </div>
    )
  }
}
