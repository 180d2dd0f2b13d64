import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'

/** Path of bench/RESULTS.md. */
export const RESULTS_PATH = resolve(__dirname, 'RESULTS.md')

/**
 * Replaces (or appends) one named section of bench/RESULTS.md, between `<!-- name:start -->` and `<!-- name:end -->`,
 * so each benchmark owns its section and re-running it updates it in place.
 */
export function writeResultsSection(name: string, markdown: string): void {
  const start = `<!-- ${name}:start -->`
  const end = `<!-- ${name}:end -->`
  const block = `${start}\n${markdown.trim()}\n${end}`
  let text = existsSync(RESULTS_PATH)
    ? readFileSync(RESULTS_PATH, 'utf8')
    : '# Benchmark results\n\nEach section is written by the bench script named in it. Machine: see each section.\n'
  const i = text.indexOf(start)
  const j = text.indexOf(end)
  text = i >= 0 && j > i ? text.slice(0, i) + block + text.slice(j + end.length) : `${text.trimEnd()}\n\n${block}\n`
  writeFileSync(RESULTS_PATH, text)
}

/** Intro line of the robustness section, shared by its two writers (bench/robustness.ts, bench/robustness-http.ts). */
export const ROBUSTNESS_INTRO =
  'Hostile inputs through the real CLI, core and server. Each subsection is written by the script it names.'

/**
 * Replaces (or adds) one subsection of a shared section of bench/RESULTS.md: the text between
 * `<!-- section.sub:start -->` and `<!-- section.sub:end -->` inside `<!-- section:start -->` … `<!-- section:end -->`.
 * Several scripts write one section this way without overwriting each other's part (the robustness section: files and
 * models from bench/robustness.ts, HTTP figures from the server's script). A missing section is created with `heading`
 * (`## …`) and `intro`; a missing subsection is added at the end of its section.
 */
export function writeResultsSubsection(
  section: string,
  sub: string,
  markdown: string,
  heading: string,
  intro = '',
): void {
  const start = `<!-- ${section}:start -->`
  const end = `<!-- ${section}:end -->`
  const subStart = `<!-- ${section}.${sub}:start -->`
  const subEnd = `<!-- ${section}.${sub}:end -->`
  const block = `${subStart}\n${markdown.trim()}\n${subEnd}`
  let text = existsSync(RESULTS_PATH) ? readFileSync(RESULTS_PATH, 'utf8') : '# Benchmark results\n'
  let i = text.indexOf(start)
  let j = text.indexOf(end)
  if (i < 0 || j < i) {
    text = `${text.trimEnd()}\n\n${start}\n${heading}\n${intro ? `\n${intro.trim()}\n` : ''}${end}\n`
    i = text.indexOf(start)
    j = text.indexOf(end)
  }
  const si = text.indexOf(subStart, i)
  const sj = text.indexOf(subEnd, i)
  if (si >= 0 && si < j && sj > si && sj < j) text = text.slice(0, si) + block + text.slice(sj + subEnd.length)
  else text = `${text.slice(0, j).trimEnd()}\n\n${block}\n${text.slice(j)}`
  writeFileSync(RESULTS_PATH, text)
}

/** Median of a list of numbers. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/** The q-quantile (0..1) of a list, nearest-rank. */
export function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]
}

/** One line naming the machine, for each results section. */
export function machineLine(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const os = require('node:os') as typeof import('node:os')
  return `${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`
}
