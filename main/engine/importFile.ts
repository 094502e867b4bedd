import { pathToFileURL } from 'node:url'

/** What bin/p2engine.cjs provides to the one-file CLI bundle (see {@link importFile}). */
declare global {
  var __p2engineImport: ((url: string) => Promise<unknown>) | undefined
}

/**
 * Imports a JavaScript module file at run time (custom evaluators in `config/evaluators/`). The
 * one-file CLI (out/main/cli.cjs) runs through `vm.Script` with a V8 code cache, where Node 20
 * cannot run `import()` (a cached script loses its import callback), so its launcher provides the
 * import as `globalThis.__p2engineImport`; everywhere else this is a plain `import()`.
 */
export function importFile(file: string): Promise<unknown> {
  const url = pathToFileURL(file).href
  return globalThis.__p2engineImport ? globalThis.__p2engineImport(url) : import(url)
}
