import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
// The global sheets first: every folder's sheet (imported by its view or component) refines them.
import './base.css'
import './controls.css'
import type { DesktopShellApi, WorkstationApi } from '../src-shared'
import { connectWorkstation } from './api'
import { App } from './app'
import { StoresProvider } from './store-hooks'
import { createAppStores, startAppStores } from './stores'

declare global {
  interface Window {
    /** The WorkstationApi exposed by the Electron preload; absent in web mode. */
    readonly armada?: WorkstationApi
    /** The Electron preload's native dialogs; absent in web mode. */
    readonly armadaDesktop?: DesktopShellApi
  }
}

const workstation = connectWorkstation(window)
// The token now lives in session storage; keep it out of the address bar, history and screenshots.
if (window.location.hash.includes('token='))
  history.replaceState(null, '', window.location.pathname + window.location.search)
/** An export as a browser download (web mode); the desktop shell saves through its native dialog instead. */
async function downloadText(name: string, text: string): Promise<string> {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }))
  const link = Object.assign(document.createElement('a'), { href: url, download: name })
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
  return `${name} to your downloads`
}
const desktop = window.armadaDesktop
const stores = createAppStores(workstation, desktop ? (name, text) => desktop.saveTextFile(name, text) : downloadText)
startAppStores(stores, workstation)

const root = document.getElementById('root')
if (!root) throw new Error('index.html has no #root')
createRoot(root).render(
  <StrictMode>
    <StoresProvider stores={stores}>
      <App />
    </StoresProvider>
  </StrictMode>,
)
