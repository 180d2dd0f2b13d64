// Layer boundaries of STYLE.md, enforced by `npm run lint`. Deny by default: an import is legal only when an
// `allowed` rule matches it, and no `forbidden` rule does. A new folder needs a new row here, reviewed like code.
const MAIN = '^src-main/'
// Test files and their support modules (`x.test.ts`, `test-support.ts`, `x.test-support.ts`).
const TEST = '(\\.test\\.ts|test-support\\.ts)$'
const may = (from, folders) => ({
  from: { path: `${MAIN}${from}/` },
  to: { path: `^src-main/(${folders.join('|')})/` },
})

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'electron-only-in-shells',
      comment:
        "Only the Electron shell and the preload import 'electron' (the CLI, server and tests must run without it).",
      severity: 'error',
      from: { pathNot: '^(src-main/electron|src-preload)/' },
      to: { path: '^electron$|node_modules/electron/' },
    },
    {
      name: 'sqlite-only-in-store',
      severity: 'error',
      from: { pathNot: ['^src-main/store/', TEST] },
      to: { path: 'node_modules/better-sqlite3/' },
    },
    {
      name: 'onnxruntime-only-in-ml',
      severity: 'error',
      from: { pathNot: ['^src-main/ml/', TEST] },
      to: { path: 'node_modules/onnxruntime-node/' },
    },
    {
      name: 'no-node-builtins-in-browser-code',
      comment: 'src-shared, src-renderer and src-preload run without Node.',
      severity: 'error',
      from: { path: '^(src-shared|src-renderer|src-preload)/', pathNot: TEST },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'fixtures-only-in-tests',
      severity: 'error',
      from: { pathNot: [TEST, '^src-main/testing/', '^bench/', '^e2e/'] },
      to: { path: '^src-main/testing/' },
    },
    {
      name: 'cli-changes-through-the-api',
      comment:
        'The CLI changes state only through the WorkstationApi of the core it opens, so every write is validated and ' +
        'published once (a promotion moves the alias and tells the Models view). Reads go through the core as well: ' +
        "LocalWorkstationApi's modelRecords (the registry's records as stored, which `models list|show|history|export` " +
        'print) and core.bars (whole stored series for `bars` and `features`, which the capped getBars cannot page), so ' +
        'no read module needs an exception. Tests and their support may seed and inspect databases directly.',
      severity: 'error',
      from: { path: '^src-main/cli/', pathNot: TEST },
      to: { path: '^src-main/(registry|store)/' },
    },
    {
      name: 'enter-folders-through-index',
      comment: 'Another folder is entered through its index.ts (STYLE.md rule 4).',
      severity: 'error',
      from: { path: `${MAIN}([^/]+)/` },
      to: { path: MAIN, pathNot: [`${MAIN}$1/`, `${MAIN}[^/]+/index\\.ts$`] },
    },
    {
      name: 'enter-data-subfolders-through-index',
      comment: 'data/import, data/live and data/replay reach each other through their index.ts, as folders do.',
      severity: 'error',
      from: { path: '^src-main/data/([^/]+)/' },
      to: { path: '^src-main/data/[^/]+/', pathNot: ['^src-main/data/$1/', '^src-main/data/[^/]+/index\\.ts$'] },
    },
  ],
  allowed: [
    {
      comment: 'inside a folder',
      from: { path: '^(src-main/[^/]+|src-shared|src-renderer|src-preload)/' },
      to: { path: '^$1/' },
    },
    {
      comment: 'everyone may use the shared contract',
      from: { path: '^(src-main|src-renderer|src-preload|src-shared)/' },
      to: { path: '^src-shared/' },
    },
    {
      comment: 'packages and node built-ins (restricted by the forbidden rules)',
      from: {},
      to: { dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'core', 'npm-no-pkg', 'npm-unknown'] },
    },
    { comment: 'package.json for the version', from: { path: '^src-main/core/' }, to: { path: '^package\\.json$' } },
    { comment: 'tests use the test support', from: { path: TEST }, to: { path: '^src-main/testing/' } },
    may('(data)', ['store']),
    may('(registry)', ['ml', 'store']),
    may('(predictors)', ['features', 'ml', 'registry', 'store']),
    may('(strategies)', ['predictors', 'features']),
    may('(backtest)', ['strategies', 'predictors', 'features', 'ml', 'registry', 'store']),
    may('(trading)', ['backtest', 'strategies', 'predictors', 'features', 'ml', 'registry', 'store']),
    may('(api|core|cli|electron)', ['[^/]+']),
  ],
  allowedSeverity: 'error',
  options: {
    parser: 'swc',
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(out|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.node.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'],
    },
  },
}
