import { useEffect } from 'react'
import type { NavigationStore } from '../stores'

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null
  if (!el || typeof el.tagName !== 'string') return false
  return el.isContentEditable || el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT'
}

/** Keys 1–6 (not while typing) and Alt+1–6 (always) switch views. */
export function useViewShortcuts(navigation: NavigationStore): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.shiftKey || e.repeat) return
      const m = /^Digit([1-9])$/.exec(e.code)
      if (!m || (!e.altKey && isTyping(e.target))) return
      e.preventDefault()
      navigation.getState().showByShortcut(Number(m[1]))
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [navigation])
}
