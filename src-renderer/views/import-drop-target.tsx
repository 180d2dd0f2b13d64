import { useRef, useState, type DragEvent, type ReactNode } from 'react'
import { useImports, useStores } from '../store-hooks'

const hasFiles = (e: DragEvent): boolean => Array.from(e.dataTransfer.types).includes('Files')

/**
 * A part of the page that takes dropped market-data files and imports them (uploaded in web mode, by path on the
 * desktop), with a hint over it while files are dragged above it. Where the window cannot take files it is inert.
 */
export function ImportDropTarget({
  children,
  className,
  testId,
}: {
  children: ReactNode
  className?: string
  testId: string
}) {
  const mode = useImports((s) => s.mode)
  const { imports } = useStores()
  const [over, setOver] = useState(false)
  // dragenter/dragleave fire for every child crossed; count them so the hint does not flicker.
  const depth = useRef(0)
  if (mode === 'none')
    return (
      <div className={className} data-testid={testId}>
        {children}
      </div>
    )
  return (
    <div
      className={`${className ?? ''} drop-target${over ? ' drop-target--over' : ''}`}
      data-testid={testId}
      data-drop-over={over}
      onDragEnter={(e) => {
        if (!hasFiles(e)) return
        e.preventDefault()
        depth.current++
        setOver(true)
      }}
      onDragOver={(e) => {
        if (!hasFiles(e)) return
        e.preventDefault()
        e.dataTransfer.dropEffect = 'copy'
      }}
      onDragLeave={() => {
        depth.current = Math.max(0, depth.current - 1)
        if (depth.current === 0) setOver(false)
      }}
      onDrop={(e) => {
        if (!hasFiles(e)) return
        e.preventDefault()
        depth.current = 0
        setOver(false)
        void imports.getState().importPicked(Array.from(e.dataTransfer.files))
      }}
    >
      {children}
      {over && (
        <div className="drop-target__hint" data-testid="drop-hint">
          Drop to import —{' '}
          {mode === 'upload'
            ? 'the files are uploaded to this workstation, imported, then the uploads are deleted'
            : 'imported from where they are'}
        </div>
      )}
    </div>
  )
}
