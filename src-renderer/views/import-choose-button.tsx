import { useRef } from 'react'
import { useImports, useStores } from '../store-hooks'

/** Market-data files the browser's picker offers first (the importer reads these, plain or compressed). */
const ACCEPT = '.csv,.txt,.json,.gz,.zip'

/**
 * "Choose files…": the native dialog on the desktop, the browser's file picker in web mode (the chosen files are
 * uploaded and imported with the form's symbol, venue and timeframe). Absent where the window cannot take files.
 */
export function ImportChooseButton({ primary = false }: { primary?: boolean }) {
  const mode = useImports((s) => s.mode)
  const busy = useImports((s) => s.submitting || s.uploading !== undefined)
  const { imports } = useStores()
  const input = useRef<HTMLInputElement>(null)
  if (mode === 'none') return null
  const className = `button${primary ? ' button--primary' : ''}`
  if (mode === 'desktop')
    return (
      <button
        type="button"
        className={className}
        data-testid="import-choose"
        disabled={busy}
        onClick={() => void imports.getState().pickWithDialog()}
      >
        Choose files…
      </button>
    )
  return (
    <>
      <button
        type="button"
        className={className}
        data-testid="import-choose"
        disabled={busy}
        onClick={() => input.current?.click()}
      >
        Choose files…
      </button>
      <input
        ref={input}
        type="file"
        multiple
        accept={ACCEPT}
        hidden
        data-testid="import-file-input"
        onChange={(e) => {
          const files = Array.from(e.target.files ?? [])
          // Cleared so that choosing the same file again imports it again.
          e.target.value = ''
          void imports.getState().importPicked(files)
        }}
      />
    </>
  )
}
