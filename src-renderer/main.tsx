import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import type { WorkstationApi } from '../src-shared'
import { connectWorkstation } from './api'
import { App } from './app'
import { StoresProvider } from './store-hooks'
import { createAppStores, startAppStores } from './stores'
import './styles.css'
import './styles-chart-time.css'

declare global {
  interface Window {
    /** The WorkstationApi exposed by the Electron preload; absent in web mode. */
    readonly armada?: WorkstationApi
  }
}

const workstation = connectWorkstation(window)
// The token now lives in session storage; keep it out of the address bar, history and screenshots.
if (window.location.hash.includes('token=')) history.replaceState(null, '', window.location.pathname + window.location.search)
const stores = createAppStores(workstation)
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
