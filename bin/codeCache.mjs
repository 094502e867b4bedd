// The code cache helpers of bin/codeCache.cjs (CommonJS, for the launcher) for ES modules and tests.
export { bundleGroup, cacheFileFor, commandWord, compileWithCodeCache, runWithCodeCache } from './codeCache.cjs'
