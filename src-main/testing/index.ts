/** Test and bench support (see README.md): the repository's test data, the real CLI, hostile inputs. */
export {
  REPO_ROOT,
  testData,
  readTestText,
  ARMADA_CLI_ARGS,
  runArmada,
  writeDamagedBtcCsv,
  type CliRun,
  type DamagedCsv,
} from './repository'
export {
  brokenModels,
  deflateOfZeros,
  gzipOfZeros,
  runArmadaMeasured,
  writeInput,
  zipArchive,
  BROKEN_MODEL_SOURCE,
  type BrokenModel,
  type MeasuredCliRun,
} from './hostile-inputs'
export { freePort, redisServerPath, redisUnavailable, startRedis, type TestRedis } from './redis-server'
