// The public entry of the `p2engine` package: `import { defineTool } from 'p2engine'`.
// Plain JavaScript with no build step, so a tool file in config/tools/ can import it from a source
// checkout or an npm install. Types are in ./index.d.ts.

/**
 * Declares a custom tool for `config/tools/`. It returns the definition unchanged: P2Engine checks
 * it (names, schema, TTLs) when it loads the file, and `config validate` reports any problem.
 * The helper exists for editor types and autocompletion.
 * @template T
 * @param {T} tool
 * @returns {T}
 */
export function defineTool(tool) {
  if (typeof tool !== 'object' || tool === null) throw new TypeError('defineTool expects a tool object { name, description, parameters, run }')
  return tool
}
