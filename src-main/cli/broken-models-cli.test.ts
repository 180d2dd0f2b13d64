import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inspectOnnx } from '../ml'
import { openDatabase } from '../store'
import { BROKEN_MODEL_SOURCE, brokenModels, runArmada, writeInput, type CliRun } from '../testing'

let dir = ''
let data = ''
const db = (): string => join(dir, 'registry.db')

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'armada-broken-models-'))
  // Rows in the source model's own feature columns, so each command gets as far as the model.
  const features = inspectOnnx(readFileSync(BROKEN_MODEL_SOURCE)).card!.features
  const rows = Array.from({ length: 8 }, (_, i) =>
    [i, ...features.map((_f, j) => ((i * 7 + j * 3) % 11) / 10 - 0.5), i % 2 ? 'fires' : 'quiet'].join(','),
  )
  data = writeInput(dir, 'rows.csv', [['time', ...features, 'label'].join(','), ...rows].join('\n') + '\n')
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Exit 2 and exactly one stderr line, beginning with the command and naming the model file, free of ONNX Runtime's log. */
function refusedInOneLine(r: CliRun, command: string, model: string): string {
  expect(r.stderr).not.toContain('\x1b[')
  expect(r.stderr).not.toContain('/onnxruntime_src/')
  expect(r.stderr).not.toMatch(/\[[EWI]:onnxruntime/)
  expect(r.stderr.endsWith('\n') && r.stderr.indexOf('\n') === r.stderr.length - 1).toBe(true)
  expect(r.stderr.startsWith(`armada ${command}: `)).toBe(true)
  expect(r.stderr).toContain(model)
  expect(r.stdout).toBe('')
  expect(r.code).toBe(2)
  return r.stderr.trim()
}

describe('a broken model is bad input: exit 2 with one line, never ONNX Runtime log lines or an exit 1', () => {
  for (const broken of brokenModels()) {
    it(`${broken.name} (${broken.what}): ml predict, ml eval and models import each refuse it; nothing is registered`, () => {
      const model = writeInput(dir, broken.name, broken.bytes)
      refusedInOneLine(runArmada(['ml', 'predict', '--model', model, '--data', data]), 'ml predict', model)
      refusedInOneLine(
        runArmada(['ml', 'eval', '--model', model, '--data', data, '--label', 'label']),
        'ml eval',
        model,
      )
      const line = refusedInOneLine(runArmada(['models', 'import', model, '--db', db()]), 'models import', model)
      expect(line).toMatch(new RegExp(`^armada models import: ${model}: refused: `))
      const h = openDatabase(db())
      expect(h.prepare('SELECT count(*) AS n FROM models').get()).toEqual({ n: 0 })
      h.close()
    })
  }

  it('the reasons say what is wrong in the model, in its terms', () => {
    const reasons = Object.fromEntries(
      brokenModels().map((b) => {
        const model = writeInput(dir, b.name, b.bytes)
        return [
          b.name,
          runArmada(['ml', 'predict', '--model', model, '--data', data]).stderr.trim().replace(`${model}`, 'M'),
        ]
      }),
    )
    expect(reasons['truncated.onnx']).toMatch(/^armada ml predict: M: not an ONNX model: protobuf decoding failed/)
    expect(reasons['wrong-input-shape.onnx']).toBe(
      'armada ml predict: model M: graph input "input" has shape [N, 5]; its card says [N, 19]',
    )
    expect(reasons['cut-initializer.onnx']).toMatch(
      /^armada ml predict: onnxruntime cannot load model M: .*data field count \(1\) does not match expected count from shape \(4\)$/,
    )
    expect(reasons['future-opset.onnx']).toMatch(
      /^armada ml predict: onnxruntime cannot load model M: ONNX Runtime only \*guarantees\* support for models stamped with official released onnx opset versions\. Opset 999/,
    )
    expect(reasons['future-ir.onnx']).toMatch(
      /^armada ml predict: onnxruntime cannot load model M: Unsupported model IR version: 99, max supported IR version: \d+$/,
    )
  })
})
