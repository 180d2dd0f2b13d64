import pkg from '../../package.json'

/** Armada's version, from package.json. */
export const ARMADA_VERSION: string = pkg.version
