/**
 * Hostile HTTP and WebSocket clients against a real `armada serve --embedded` (`npm run build`, then
 * `npx tsx bench/robustness-http.ts [--cli out/main/cli.js] [--before OLD/out/main/cli.js] [--sockets 1000] [--no-write]`): foreign Host
 * and Origin on the API and on the embedded replay exchange, tokenless state-changing calls with bodies, malformed URIs
 * and parameters, a short fixed token, a slowloris wave of N sockets and a wave of RPC sockets. Prints a table and writes
 * the "HTTP and WebSocket" subsection of the robustness section of bench/RESULTS.md (markers robustness.http, so the
 * "Files and models" subsection of bench/robustness.ts stays as it is). `--before` runs the same cases against an
 * older build first and adds its column; `--no-write` only prints.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { request } from 'node:http'
import { connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import WebSocket from 'ws'
import { machineLine, ROBUSTNESS_INTRO, writeResultsSubsection } from './results'

const { values: args } = parseArgs({
  options: {
    cli: { type: 'string' },
    before: { type: 'string' },
    sockets: { type: 'string' },
    'no-write': { type: 'boolean' },
  },
})
const CLI = resolve(args.cli ?? join(__dirname, '..', 'out', 'main', 'cli.js'))
/** An older build's cli.js, run through the same cases first for a before/after table. */
const BEFORE = args.before ? resolve(args.before) : undefined
const WAVE = Number(args.sockets ?? 1000)
/** How long the slowloris wave is watched before the sockets still open are counted and dropped. */
const WATCH_MS = 100_000
const TOKEN = 'bench-robustness-token-0001'

interface Case {
  readonly group: string
  readonly name: string
  readonly expected: string
  readonly seen: string
}

/** One raw HTTP exchange with exactly these headers (node:http lets a Host header through, fetch does not). */
function http(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: Buffer | string,
): Promise<string> {
  return new Promise((done) => {
    const req = request(
      { host: '127.0.0.1', port, method, path, headers: { host: `127.0.0.1:${port}`, ...headers } },
      (res) => {
        res.resume()
        res.on('end', () => done(String(res.statusCode)))
      },
    )
    req.on('error', (e: NodeJS.ErrnoException) => done(e.code ?? 'error'))
    req.end(body)
  })
}

/** A WebSocket upgrade with these headers: 'open' (101) or the status it was refused with. */
function upgrade(url: string, headers: Record<string, string>): Promise<string> {
  return new Promise((done) => {
    const ws = new WebSocket(url, { headers })
    ws.once('open', () => {
      ws.terminate()
      done('101 open')
    })
    ws.once('unexpected-response', (_req, res) => {
      res.resume()
      done(String(res.statusCode))
    })
    ws.once('error', (e: NodeJS.ErrnoException) => done(e.code ?? 'error'))
  })
}

/** A request whose headers announce a body that is never sent: the status, or 'no answer' after 5 s. */
function headersOnly(port: number): Promise<string> {
  return new Promise((done) => {
    const s = connect(port, '127.0.0.1')
    const timer = setTimeout(() => (s.destroy(), done('no answer in 5 s')), 5000)
    s.on('error', () => {})
    s.once('data', (d) => {
      clearTimeout(timer)
      s.destroy()
      done(/^HTTP\/1\.1 (\d+)/.exec(String(d))?.[1] ?? 'garbage')
    })
    s.write(
      `POST /api/rpc/setSetting HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n`,
    )
  })
}

async function startServe(cli: string, db: string): Promise<{ child: ChildProcess; port: number; replay: string }> {
  const child = spawn(
    process.execPath,
    [cli, 'serve', '--port', '0', '--embedded', '--json', '--db', db, '--token', TOKEN],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  const info = await new Promise<{ port: number; feed: string }>((ok, fail) => {
    let out = ''
    child.stdout!.on('data', (d) => {
      out += String(d)
      if (out.includes('\n')) ok(JSON.parse(out.split('\n')[0]) as { port: number; feed: string })
    })
    child.once('exit', (code) => fail(new Error(`serve exited with ${code}`)))
  })
  return { child, port: info.port, replay: info.feed }
}

interface Wave {
  readonly sockets: number
  /** Closed by the server without a byte of answer (over the connection cap), and by when the last of them was. */
  readonly unanswered: number
  readonly unansweredLastS: number | undefined
  readonly closedBy: readonly { readonly s: number; readonly closed: number }[]
  readonly lastCloseS: number | undefined
  readonly openAtEnd: number
  readonly answers: Readonly<Record<string, number>>
}

/**
 * N sockets that each send the start of a request and then one more header byte every second, never finishing (the
 * slowloris pattern). Records when the server closes each one and what it answered.
 */
async function slowloris(port: number, n: number): Promise<Wave> {
  const t0 = performance.now()
  const closedAt: number[] = []
  const answers: Record<string, number> = {}
  const sockets: Socket[] = []
  const unansweredAt: number[] = []
  await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<void>((opened) => {
          const s = connect(port, '127.0.0.1')
          sockets.push(s)
          let first = ''
          let connected = false
          s.on('error', () => {})
          s.on('data', (d) => (first ||= String(d).split('\r\n')[0]))
          s.once('connect', () => {
            connected = true
            s.write(`GET /api/health HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Slow: `)
            const drip = setInterval(() => s.writable && s.write('a'), 1000)
            s.once('close', () => clearInterval(drip))
            opened()
          })
          s.once('close', () => {
            const at = performance.now() - t0
            closedAt.push(at)
            if (!first) unansweredAt.push(at)
            const key = first ? first.replace(/^HTTP\/1\.1 /, '') : 'closed without an answer'
            answers[key] = (answers[key] ?? 0) + 1
            if (!connected) opened()
          })
        }),
    ),
  )
  while (closedAt.length < n && performance.now() - t0 < WATCH_MS) await new Promise((r) => setTimeout(r, 250))
  const open = n - closedAt.length
  for (const s of sockets) s.destroy()
  const marks = [1, 5, 10, 15, 20, 30, 60, 90].filter((s) => s * 1000 <= WATCH_MS)
  return {
    sockets: n,
    unanswered: unansweredAt.length,
    unansweredLastS: unansweredAt.length ? Math.max(...unansweredAt) / 1000 : undefined,
    closedBy: marks.map((s) => ({ s, closed: closedAt.filter((t) => t <= s * 1000).length })),
    lastCloseS: closedAt.length ? Math.max(...closedAt) / 1000 : undefined,
    openAtEnd: open,
    answers,
  }
}

/** N RPC sockets opened at once and held: how many the server took, and what the rest got. */
async function rpcWave(port: number, n: number): Promise<Readonly<Record<string, number>>> {
  const held: WebSocket[] = []
  const outcomes = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<string>((done) => {
          const ws = new WebSocket(`ws://127.0.0.1:${port}/rpc`)
          held.push(ws)
          ws.once('open', () => done('101 open'))
          ws.once('unexpected-response', (_req, res) => (res.resume(), done(String(res.statusCode))))
          ws.once('error', (e: NodeJS.ErrnoException) => done(e.code ?? 'error'))
        }),
    ),
  )
  for (const ws of held) ws.terminate()
  const counts: Record<string, number> = {}
  for (const o of outcomes) counts[o] = (counts[o] ?? 0) + 1
  return counts
}

/** Every case and the slowloris wave against one build. */
async function runAll(cli: string): Promise<{ cases: Case[]; wave: Wave }> {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build`)
  const dir = mkdtempSync(join(tmpdir(), 'armada-robustness-http-'))
  const cases: Case[] = []
  const add = (group: string, name: string, expected: string, seen: string): void =>
    void cases.push({ group, name, expected, seen })
  const shortToken = spawnSync(
    process.execPath,
    [cli, 'serve', '--port', '0', '--token', 'a', '--db', join(dir, 't.db')],
    { encoding: 'utf8', timeout: 15_000 },
  )
  add(
    'start-up',
    '`serve --token a`',
    'exit 2, one line',
    shortToken.error
      ? 'still serving after 15 s (killed)'
      : `exit ${shortToken.status}, ${shortToken.stderr.trim().split('\n').length} line(s)`,
  )
  const serve = await startServe(cli, join(dir, 'a.db'))
  const { port } = serve
  const replayPort = Number(new URL(serve.replay).port)
  try {
    const evilHost = { host: `evil.example:${port}` }
    const auth = { authorization: `Bearer ${TOKEN}` }
    add(
      'API: Host / Origin',
      'GET /api/health, Host: evil.example',
      '403',
      await http(port, 'GET', '/api/health', evilHost),
    )
    add(
      'API: Host / Origin',
      'upgrade /rpc, Origin: http://evil.example',
      '403',
      await upgrade(`ws://127.0.0.1:${port}/rpc`, { origin: 'http://evil.example' }),
    )
    add(
      'API: Host / Origin',
      'upgrade /rpc, Origin: null',
      '403',
      await upgrade(`ws://127.0.0.1:${port}/rpc`, { origin: 'null' }),
    )
    add(
      'API: Host / Origin',
      'upgrade /rpc, Host: evil.example',
      '403',
      await upgrade(`ws://127.0.0.1:${port}/rpc`, evilHost),
    )
    add(
      'API: Host / Origin',
      'upgrade /rpc, own origin (control)',
      '101',
      await upgrade(`ws://127.0.0.1:${port}/rpc`, { origin: `http://127.0.0.1:${port}` }),
    )
    const replayUrl = `ws://127.0.0.1:${replayPort}/stream?streams=btcusd@kline_1h`
    add(
      'replay exchange',
      'upgrade /stream, Origin: http://evil.example',
      '403',
      await upgrade(replayUrl, { origin: 'http://evil.example' }),
    )
    add(
      'replay exchange',
      'upgrade /stream, Host: evil.example',
      '403',
      await upgrade(replayUrl, { host: `evil.example:${replayPort}` }),
    )
    add(
      'replay exchange',
      'GET /api/v3/klines, Host: evil.example',
      '403',
      await http(replayPort, 'GET', '/api/v3/klines?symbol=BTCUSD&interval=1h', { host: `evil.example:${replayPort}` }),
    )
    add(
      'tokenless, with a body',
      "POST /api/rpc/setSetting '{'",
      '401',
      await http(port, 'POST', '/api/rpc/setSetting', {}, '{'),
    )
    add(
      'tokenless, with a body',
      'POST /api/jobs, 5 MiB body',
      '401',
      await http(port, 'POST', '/api/jobs', {}, Buffer.alloc(5 << 20, 0x20)),
    )
    add(
      'tokenless, with a body',
      'POST /api/uploads?name=a.csv, 1 MiB',
      '401',
      await http(port, 'POST', '/api/uploads?name=a.csv', {}, Buffer.alloc(1 << 20, 0x61)),
    )
    add(
      'tokenless, with a body',
      'POST /api/rpc/setSetting, headers only (body never sent)',
      '401',
      await headersOnly(port),
    )
    add(
      'tokenless, with a body',
      'POST /api/rpc/setSetting, wrong token',
      '401',
      await http(
        port,
        'POST',
        '/api/rpc/setSetting',
        { authorization: 'Bearer wrong-token-0000000000' },
        '{"key":"k","value":1}',
      ),
    )
    add('malformed input', 'GET /%ff', '400', await http(port, 'GET', '/%ff', {}))
    add('malformed input', 'GET /%2e%2e%2fpackage.json', '400', await http(port, 'GET', '/%2e%2e%2fpackage.json', {}))
    add('malformed input', 'GET /api/models/%ff', '400', await http(port, 'GET', '/api/models/%ff', {}))
    add(
      'malformed input',
      'GET /api/ml/features/current?…&set=bogus',
      '400',
      await http(port, 'GET', '/api/ml/features/current?symbol=BTCUSD&timeframe=1h&set=bogus', {}),
    )
    add(
      'malformed input',
      'GET /api/bars?…&timeframe=7x',
      '400',
      await http(port, 'GET', '/api/bars?symbol=BTCUSD&timeframe=7x', {}),
    )
    add(
      'malformed input',
      'GET /api/bars?…&from=abc',
      '400',
      await http(port, 'GET', '/api/bars?symbol=BTCUSD&timeframe=1h&from=abc', {}),
    )
    add(
      'malformed input',
      "POST /api/jobs {kind:'constructor'} (token)",
      '400',
      await http(port, 'POST', '/api/jobs', auth, '{"kind":"constructor"}'),
    )
    add(
      'malformed input',
      'POST /api/rpc/runBacktest, unknown strategy (token)',
      '400',
      await http(
        port,
        'POST',
        '/api/rpc/runBacktest',
        auth,
        '{"strategy":"x","symbols":["BTCUSD"],"timeframe":"1h","ml":false}',
      ),
    )
    add(
      'unknown names',
      'GET /api/ml/features/current, unstored series',
      '404',
      await http(port, 'GET', '/api/ml/features/current?symbol=NOPE&timeframe=1h&set=regime', {}),
    )
    add(
      'unknown names',
      'POST /api/jobs/nope/cancel (token)',
      '404',
      await http(port, 'POST', '/api/jobs/nope/cancel', auth),
    )
    add(
      'unknown names',
      'POST /api/rpc/getBacktest {id: 99999} (token)',
      '404',
      await http(port, 'POST', '/api/rpc/getBacktest', auth, '{"id":99999}'),
    )
    const rpc = await rpcWave(port, 100)
    const rpcSeen = Object.entries(rpc)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${v} × ${k}`)
      .join(', ')
    add('slow clients', '100 RPC sockets at once', '32 × 101 open, 68 × 503', rpcSeen)
    const health = await http(port, 'GET', '/api/health', {})
    const waving = slowloris(port, WAVE)
    await new Promise((r) => setTimeout(r, 3000))
    const during = await http(port, 'GET', '/api/health', {})
    const wave = await waving
    const after = await http(port, 'GET', '/api/health', {})
    add(
      'slow clients',
      `GET /api/health before / 3 s into / after the slowloris wave`,
      '200 / — / 200',
      `${health} / ${during} / ${after}`,
    )
    return { cases, wave }
  } finally {
    serve.child.kill('SIGTERM')
    await new Promise((r) => serve.child.once('exit', r))
    rmSync(dir, { recursive: true, force: true })
  }
}

function waveLine(w: Wave): string {
  const by = w.closedBy.map((b) => `${b.s} s: ${b.closed}`).join(' · ')
  const answers = Object.entries(w.answers)
    .map(([k, v]) => `${v} × ${k}`)
    .join(', ')
  return (
    `${w.sockets} sockets, each sending one more header byte a second: ${w.unanswered} closed unanswered as they connected ` +
    `(over the connection cap; the last at ${w.unansweredLastS?.toFixed(1) ?? '—'} s); ` +
    `closed by ${by}; last closed at ${w.lastCloseS?.toFixed(1) ?? '—'} s; ${w.openAtEnd} still open after ${WATCH_MS / 1000} s. Answers: ${answers}.`
  )
}

function print(label: string, r: { cases: readonly Case[]; wave: Wave }): void {
  for (const c of r.cases) console.log(`[${label}] ${c.group}: ${c.name} → ${c.seen} (expected ${c.expected})`)
  console.log(`[${label}] slowloris: ${waveLine(r.wave)}`)
}

function render(
  after: { cases: readonly Case[]; wave: Wave },
  before: { cases: readonly Case[]; wave: Wave } | undefined,
): string {
  const rows = after.cases.map(
    (c, i) =>
      `| ${c.group} | ${c.name} | ${c.expected} | ${before ? `${before.cases[i]?.seen ?? '—'} | ` : ''}${c.seen} |`,
  )
  return [
    '### HTTP and WebSocket (`npm run build && npx tsx bench/robustness-http.ts [--before OLD/out/main/cli.js]`)',
    '',
    `Against a real \`armada serve --embedded\` on 127.0.0.1 and its replay exchange; ${machineLine()}.` +
      (before ? ' "before": the same cases against the build of the commit this work started from.' : ''),
    '',
    `| group | case | expected | ${before ? 'before | now' : 'seen'} |`,
    `|---|---|---|${before ? '---|' : ''}---|`,
    ...rows,
    '',
    ...(before ? [`**Slowloris wave, before:** ${waveLine(before.wave)}`, ''] : []),
    `**Slowloris wave${before ? ', now' : ''}:** ${waveLine(after.wave)}`,
  ].join('\n')
}

async function main(): Promise<void> {
  const before = BEFORE ? await runAll(BEFORE) : undefined
  if (before) print('before', before)
  const after = await runAll(CLI)
  print('now', after)
  if (!args['no-write'])
    writeResultsSubsection('robustness', 'http', render(after, before), '## Robustness', ROBUSTNESS_INTRO)
}

main().catch((err: unknown) => {
  console.error(`robustness-http: ${(err as Error).message}`)
  process.exit(1)
})
