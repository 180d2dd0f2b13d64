import { VIEWS } from '../stores'
import { useNavigation } from '../store-hooks'
import { ViewIcon } from './view-icon'

/** Left navigation rail: one button per view with its shortcut number. */
export function NavBar() {
  const view = useNavigation((s) => s.view)
  const show = useNavigation((s) => s.show)
  return (
    <nav className="nav" aria-label="Views" data-testid="nav">
      <div className="nav__brand" aria-label="Armada">
        <span className="nav__logo">◆</span>
        <span className="nav__name">ARMADA</span>
      </div>
      {VIEWS.map((v, i) => (
        <button
          key={v.id}
          type="button"
          className="nav__item"
          aria-current={v.id === view ? 'page' : undefined}
          data-testid={`nav-${v.id}`}
          title={`${v.label} (${i + 1} or Alt+${i + 1})`}
          onClick={() => show(v.id)}
        >
          <ViewIcon view={v.id} />
          <span className="nav__label">{v.label}</span>
          <kbd className="nav__key">{i + 1}</kbd>
        </button>
      ))}
      <div className="nav__hint">
        <kbd>1</kbd>–<kbd>6</kbd> or <kbd>Alt</kbd>+<kbd>1</kbd>–<kbd>6</kbd> switch views
      </div>
    </nav>
  )
}
