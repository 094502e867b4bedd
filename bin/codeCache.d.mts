/** The cache file for `file` and `key` (see codeCache.mjs). */
export function cacheFileFor(file: string, cacheDir: string, key: string): string
/** Compiles the CommonJS `file` with the code cache in `cacheFile` (see codeCache.mjs). */
export function compileWithCodeCache(file: string, cacheFile: string | null): { used: boolean; save(): void; run(): unknown }
/** Runs the CommonJS `file` through a V8 code cache; returns whether a cache was used. */
export function runWithCodeCache(file: string, cacheDir: string, key: string): boolean
/** The cache key of a `p2engine` command line: its first word, skipping global options; `help` when none. */
export function commandWord(argv: readonly string[]): string
/** The command group a command line loads alone (its first word), or null when it loads every group. */
export function bundleGroup(argv: readonly string[]): string | null
