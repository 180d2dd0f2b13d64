/**
 * What the Electron preload exposes beside the WorkstationApi, as `window.armadaDesktop`: the native dialogs the
 * desktop shell adds (web mode has none and uses the browser's file input, drag-and-drop, uploads and downloads).
 * Main validates every payload (src-main/electron).
 */
export interface DesktopShellApi {
  /** Opens the native open-file dialog for market-data files; resolves with the chosen paths ([] when cancelled). */
  pickImportFiles(): Promise<string[]>
  /** The path on disk of a file dropped onto the window (a DOM `File`); '' when it has none. */
  pathForFile(file: object): string
  /** Saves text through the native save dialog, `name` suggested; resolves with the path written, or null when cancelled. */
  saveTextFile(name: string, text: string): Promise<string | null>
}

/** IPC channels of {@link DesktopShellApi} (preload → main). */
export const DESKTOP_CHANNELS = {
  pickImportFiles: 'armada:pick-import-files',
  saveTextFile: 'armada:save-text-file',
} as const

/** Largest text `saveTextFile` writes (characters): a CSV export of a long backtest fits with room to spare. */
export const MAX_SAVED_TEXT = 64 << 20
