import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { HeadlessServer } from '../../api'
import { optionalNumber, type Command } from '../command'

/** The built renderer: beside the bundle (out/main → out/renderer), or out/renderer from the source tree. */
export function rendererDir(): string {
  const candidates = [join(__dirname, '..', 'renderer'), resolve(__dirname, '..', '..', 'out', 'renderer'), resolve(__dirname, '..', '..', '..', 'out', 'renderer')]
  return candidates.find((d) => existsSync(join(d, 'index.html'))) ?? candidates[0]
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'headless workstation: web UI, WebSocket RPC, REST and metrics on 127.0.0.1',
  usage: 'serve [--port P] [--token T] [--db PATH] [--json]',
  details:
    'Prints the URL (with the per-run token in its fragment) and serves until interrupted.\n' +
    'State-changing calls need the token: RPC field "token", REST header "Authorization: Bearer <token>".\n' +
    'ARMADA_TOKEN sets a fixed token for scripts.',
  options: { port: { type: 'string' }, token: { type: 'string' } },
  keepsRunning: true,
  async run(ctx) {
    const port = optionalNumber(ctx.values, 'port') ?? 7420
    const core = ctx.openCore('headless')
    const token = (ctx.values.token as string | undefined) ?? process.env.ARMADA_TOKEN
    const server = new HeadlessServer(core, { port, staticDir: rendererDir(), ...(token ? { token } : {}) })
    const addr = await server.start()
    ctx.out({ url: addr.url, port: addr.port, token: addr.token, db: ctx.dbPath }, (a) => `Armada is serving at ${a.url}\n(database ${a.db}; Ctrl+C stops)`)
    await new Promise<void>((resolveStop) => {
      const stop = (): void => resolveStop()
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
    })
    ctx.info('stopping…')
    await server.dispose()
    await core.dispose()
  },
}
