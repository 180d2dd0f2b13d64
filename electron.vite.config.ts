import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import react from '@vitejs/plugin-react'

// Custom folder names need explicit entries (TOOLCHAIN.md). The main build also emits the CLI, the job worker, the sweep threads, the alert resolver worker
// and the kline parse worker of big imports.
export default defineConfig({
  main: {
    build: {
      externalizeDeps: true,
      rolldownOptions: {
        input: {
          index: resolve(__dirname, 'src-main/electron/main.ts'),
          cli: resolve(__dirname, 'src-main/cli/main.ts'),
          worker: resolve(__dirname, 'src-main/core/job-worker.ts'),
          'sweep-worker': resolve(__dirname, 'src-main/backtest/sweep-worker.ts'),
          'alert-resolver': resolve(__dirname, 'src-main/predictors/alert-resolver-worker.ts'),
          'kline-parser': resolve(__dirname, 'src-main/data/import/kline-parse-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: { rolldownOptions: { input: { index: resolve(__dirname, 'src-preload/index.ts') } } },
  },
  renderer: {
    root: 'src-renderer',
    plugins: [react()],
    // One ~1 MB bundle loaded from disk (Electron) or loopback (web mode): the 500 kB chunk warning is noise on `npm start`.
    build: {
      minify: true,
      chunkSizeWarningLimit: 2048,
      rolldownOptions: { input: { index: resolve(__dirname, 'src-renderer/index.html') } },
    },
  },
})
