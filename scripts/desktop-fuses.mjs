// Flips the Electron fuses of a packaged Armada: run it by the desktop packaging on the Electron executable that ships
// beside resources/app.asar, before signing (`npm run desktop:fuses -- <executable>`). Fuses are bits compiled into the
// binary; they switch off what no release needs. Never on node_modules/electron: OnlyLoadAppFromAsar would stop
// `npm start`, which runs the app from its folder.
import { resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Fuse name (@electron/fuses `FuseV1Options`) → state, for every packaged desktop build. */
export const DESKTOP_FUSES = Object.freeze({
  // ELECTRON_RUN_AS_NODE would make the shipped binary a plain Node that runs any script.
  RunAsNode: false,
  // Cookies and other Chromium secrets encrypted at rest with the OS key store.
  EnableCookieEncryption: true,
  // NODE_OPTIONS and --inspect would let anyone who can start the app inject code or attach a debugger.
  EnableNodeOptionsEnvironmentVariable: false,
  EnableNodeCliInspectArguments: false,
  // The app loads only from app.asar, checked against the hash embedded at packaging (macOS and Windows).
  EnableEmbeddedAsarIntegrityValidation: true,
  OnlyLoadAppFromAsar: true,
  LoadBrowserProcessSpecificV8Snapshot: false,
  // The page loads from app://armada; file:// needs no extra rights.
  GrantFileProtocolExtraPrivileges: false,
})

/** The fuse wire for `flipFuses`: index → state, by the `FuseV1Options` enum of the installed @electron/fuses. */
export function fuseWire(fuseV1Options) {
  return Object.fromEntries(
    Object.entries(DESKTOP_FUSES).map(([name, on]) => {
      if (typeof fuseV1Options[name] !== 'number') throw new Error(`@electron/fuses does not know the fuse ${name}`)
      return [fuseV1Options[name], on]
    }),
  )
}

async function main(args) {
  if (args.length !== 1 || args[0].startsWith('-')) {
    process.stderr.write(
      'usage: npm run desktop:fuses -- <packaged Armada executable (Electron binary beside resources/app.asar)>\n',
    )
    return 2
  }
  const target = resolve(args[0])
  if (target.includes(`${sep}node_modules${sep}electron${sep}`)) {
    process.stderr.write(
      'desktop-fuses: flip the fuses of a packaged copy, not node_modules/electron (npm start would stop working)\n',
    )
    return 2
  }
  const { flipFuses, getCurrentFuseWire, FuseV1Options, FuseVersion } = await import('@electron/fuses')
  const resetAdHocDarwinSignature = process.platform === 'darwin' && process.arch === 'arm64'
  await flipFuses(target, { version: FuseVersion.V1, resetAdHocDarwinSignature, ...fuseWire(FuseV1Options) })
  const wire = await getCurrentFuseWire(target)
  // The wire holds ASCII '1' (49) for on and '0' (48) for off (FuseState, not exported by the package's index).
  const wrong = Object.entries(DESKTOP_FUSES).filter(([name, on]) => wire[FuseV1Options[name]] !== (on ? 49 : 48))
  if (wrong.length > 0) throw new Error(`fuses not set after flipping: ${wrong.map(([n]) => n).join(', ')}`)
  const line = Object.entries(DESKTOP_FUSES)
    .map(([name, on]) => `${name}=${on ? 'on' : 'off'}`)
    .join(' ')
  process.stdout.write(`desktop-fuses: ${target}: ${line}\n`)
  return 0
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`desktop-fuses: ${String(err?.message ?? err).split('\n')[0]}\n`)
      process.exit(1)
    },
  )
}
