// The CLI as bundled CommonJS files, built by `npm run build` next to the electron-vite output:
// out/main/cli.cjs (every command) and out/main/cli-<group>.cjs for the command groups whose cold
// start is a target (only that group's code). bin/p2engine.cjs runs one through a V8 code cache
// (bin/codeCache.cjs): Node 20 has no compile cache for ES modules, and compiling the loaded
// JavaScript was the largest single cost of a cold `p2engine agent list`.
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { Plugin } from 'esbuild'

/**
 * Pure-JavaScript dependencies bundled into the main and CLI builds; every other dependency
 * (native addons, worker-spawning or file-reading packages) stays external and is loaded from
 * node_modules at run time.
 */
export const BUNDLED_DEPS = [
  'commander', 'picocolors', 'cli-table3', 'cli-progress', 'zod', 'yaml', 'dotenv', 'openai', 'openapi-fetch',
  '@opentelemetry/api', 'ws', 'tar',
] as const

/** Dependencies bundled into the one-file CLI but external in the electron-vite builds. */
const CLI_ALSO_BUNDLED = new Set(['pino'])

/** Where the bundle and its code caches go, relative to the project root. */
export const CLI_BUNDLE = join('out', 'main', 'cli.cjs')
export const CLI_CACHE_DIR = join('out', 'main', 'cli-cache')

/**
 * Command groups with a bundle of their own (out/main/cli-<group>.cjs), and the services their
 * actions need (as declared in main/cli/commandGroups.ts; its test checks they agree). A run whose
 * command line loads only that group reads and deserializes only its code: `ledger` is a third of
 * the whole CLI.
 */
export const GROUP_BUNDLES = { ledger: 'state', agent: 'config' } as const

/** The bundle of one command group, relative to the project root. */
export const groupBundle = (group: string): string => join('out', 'main', `cli-${group}.cjs`)

/**
 * Bundles main/cli/index.ts into out/main/cli.cjs and into one bundle per {@link GROUP_BUNDLES}
 * entry (CommonJS, so it can run through `vm.Script` with cached data; `import.meta.url`/`dirname`
 * map to the bundle's own path, which sits beside out/main/cli.js, so file lookups relative to the
 * code find the same files) and removes the code caches of the previous build.
 */
export async function buildCliBundle(root: string): Promise<void> {
  const { build } = await import('esbuild')
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }
  const bundled = new Set<string>(BUNDLED_DEPS)
  // pino too (the CLI uses no pino transport, whose worker needs a real file): it and its helpers
  // then come from the code cache instead of ~15 files through the CommonJS loader.
  const external = [...Object.keys(pkg.dependencies).filter((d) => !bundled.has(d) && !CLI_ALSO_BUNDLED.has(d)), 'electron']
  rmSync(join(root, CLI_CACHE_DIR), { recursive: true, force: true })
  const entry = join(root, 'main', 'cli', 'index.ts')
  const outputs = [
    { outfile: join(root, CLI_BUNDLE), only: undefined },
    ...Object.entries(GROUP_BUNDLES).map(([group, needs]) => ({ outfile: join(root, groupBundle(group)), only: { group, needs } })),
  ]
  await Promise.all(outputs.map(async (o) => {
    await build(cliBundleOptions({ root, entry, outfile: o.outfile, external, only: o.only }))
    asciiOnly(o.outfile)
  }))
}

/**
 * The esbuild options of a bundle (exported for its test): CommonJS for Node 20 with `import()`
 * lowered to `require()`, `import.meta` mapped to the bundle's own path, zod's messages in English
 * only, and with `only`, the code of that one command group (see {@link onlyGroup}).
 */
export function cliBundleOptions(o: { root: string; entry: string; outfile: string; external: string[]; only?: { group: string; needs: string } }) {
  return {
    absWorkingDir: o.root,
    entryPoints: [o.entry],
    outfile: o.outfile,
    bundle: true,
    platform: 'node' as const,
    format: 'cjs' as const,
    target: 'node20',
    // import() becomes require(): a script run from V8 cached data cannot import on Node 20 (see
    // bin/codeCache.cjs). The one import of a file at run time goes through main/engine/importFile.ts.
    supported: { 'dynamic-import': false },
    external: o.external,
    logLevel: 'warning' as const,
    legalComments: 'none' as const,
    // Less source to read and hash on every start; names stay, so stack traces of bugs stay readable.
    minifyWhitespace: true,
    minifySyntax: true,
    define: { 'import.meta.url': '__p2eModuleUrl', 'import.meta.dirname': '__dirname' },
    banner: { js: 'const __p2eModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
    plugins: [englishZod, lazyBuiltins, sourcePatches, ...(o.only ? [onlyGroup(o.only.group, o.only.needs)] : [])],
  }
}

/**
 * zod's `z.locales` namespace holds the messages of ~50 languages (a quarter of the CLI's code);
 * nothing here uses them, and zod's default (English) is kept.
 */
const englishZod: Plugin = {
  name: 'p2engine-english-zod',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/]/.test(args.importer) ? { path: join(dirname(args.importer), '..', 'locales', 'en.js'), namespace: 'p2e-zod-locales' } : undefined)
    b.onLoad({ filter: /.*/, namespace: 'p2e-zod-locales' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)}\n`,
      resolveDir: dirname(args.path),
      loader: 'js',
    }))
  },
}

/**
 * Small source patches of bundled packages, each for a cost on every cold start. The build fails
 * if a patched line is not found (a new version), so no patch is ever silently lost.
 * - strip-ansi 6 (cli-table3's width measure, once per cell and line) builds ansi-regex's RegExp
 *   on every call: one global RegExp, built once (`replace` restarts a global RegExp at 0).
 * - @colors/colors (cli-table3's head and border colours) measures the colour support of
 *   `process.stdout` and `process.stderr` when it loads, which builds both streams (`net`, `tty`)
 *   at the first table printed; nothing reads those two values: getters instead.
 * - zod's `fromJSONSchema` module copies every schema and check constructor into an object of
 *   its own when it loads (~3 ms through the bundle's export getters); it is never called here:
 *   the object is made on first use.
 */
export const SOURCE_PATCHES = [
  {
    file: /[\\/]strip-ansi[\\/]index\.js$/,
    from: "module.exports = string => typeof string === 'string' ? string.replace(ansiRegex(), '') : string;",
    to: "const pattern = ansiRegex();\nmodule.exports = string => typeof string === 'string' ? string.replace(pattern, '') : string;",
  },
  {
    file: /[\\/]@colors[\\/]colors[\\/]lib[\\/]system[\\/]supports-colors\.js$/,
    from: '  stdout: getSupportLevel(process.stdout),\n  stderr: getSupportLevel(process.stderr),',
    to: '  get stdout() { return getSupportLevel(process.stdout); },\n  get stderr() { return getSupportLevel(process.stderr); },',
  },
  {
    file: /[\\/]zod[\\/]v4[\\/]classic[\\/]from-json-schema\.js$/,
    from: 'const z = {\n    ..._schemas,\n    ..._checks,\n    iso: _iso,\n};',
    to: 'let zLocal;\nconst z = new Proxy({}, { get: (_t, k) => (zLocal ??= { ..._schemas, ..._checks, iso: _iso })[k] });',
  },
] as const

/** The patches: one file each (esbuild takes the first loader that answers for a file). */
const sourcePatches: Plugin = {
  name: 'p2engine-source-patches',
  setup(b) {
    for (const patch of SOURCE_PATCHES) {
      b.onLoad({ filter: patch.file }, (args) => {
        const source = readFileSync(args.path, 'utf8')
        if (!source.includes(patch.from)) throw new Error(`${args.path}: "${patch.from}" not found; update SOURCE_PATCHES in scripts/cliBundle.ts`)
        return { contents: source.replace(patch.from, patch.to), loader: 'js' }
      })
    }
  },
}

/**
 * Built-in modules that bundled packages require when they load but use only in rare paths
 * (commander's executable subcommands, compression, sonic-boom's asserts, dotenv's
 * decryption and the ids' random prefix, drawn on first use):
 * Node 20 compiles each on first require (child_process alone pulls in net, dgram and streams), so
 * in the bundle they load on first use instead, through a stand-in that forwards every access.
 */
export const LAZY_BUILTINS = ['child_process', 'zlib', 'assert', 'crypto'] as const

const lazyBuiltins: Plugin = {
  name: 'p2engine-lazy-builtins',
  setup(b) {
    b.onResolve({ filter: new RegExp(`^(node:)?(${LAZY_BUILTINS.join('|')})$`) }, (args) =>
      args.namespace === 'p2e-lazy-builtin' ? { path: args.path, external: true } : { path: args.path.replace(/^node:/, ''), namespace: 'p2e-lazy-builtin' })
    b.onLoad({ filter: /.*/, namespace: 'p2e-lazy-builtin' }, (args) => ({
      contents: (({ keys, fns }) => lazyModuleSource(`node:${args.path}`, keys, fns))(builtinShape(`node:${args.path}`)),
      loader: 'js',
    }))
  },
}

/**
 * A CommonJS module standing for the built-in `name` until first used (exported for its test): a
 * callable proxy (assert is a function) that requires the module on its first call, `new` or
 * read of a value that is not a function. Reading one of its functions (`fns`, as this build's Node
 * lists them; a package may keep one, e.g. `createGzip`, when it loads) gives a
 * forwarder that loads the module when called. Its keys are the built-in's too (`keys`), so
 * esbuild's ES-module interop, which copies every key as a getter and reads whether each is
 * enumerable, does not load it either; `__esModule` is answered without loading it.
 */
export function lazyModuleSource(name: string, keys: readonly string[], fns: readonly string[]): string {
  return `let m;const load=()=>m??=require(${JSON.stringify(name)}),keys=${JSON.stringify(keys)},fns=new Set(${JSON.stringify(fns)}),fwd=new Map();
const forwarder=(k)=>{let f=fwd.get(k);if(!f){f=function(...a){const t=load()[k];return new.target?Reflect.construct(t,a,new.target):Reflect.apply(t,this,a)};fwd.set(k,f)}return f};
module.exports=new Proxy(()=>{},{
get:(_,k)=>k==="__esModule"?undefined:m===undefined&&fns.has(k)?forwarder(k):load()[k],
apply:(_,self,args)=>Reflect.apply(load(),self,args),
construct:(_,args)=>Reflect.construct(load(),args),
has:(_,k)=>keys.includes(k)||k in load(),
ownKeys:()=>[...keys],
getOwnPropertyDescriptor:(_,k)=>keys.includes(k)?{configurable:true,enumerable:true,get:()=>load()[k]}:undefined,
});
`
}

/** The keys of a built-in module and which of them are functions, as this Node has them. */
function builtinShape(name: string): { keys: string[]; fns: string[] } {
  const mod = createRequire(import.meta.url)(name) as Record<string, unknown>
  const keys = Object.keys(mod)
  return { keys, fns: keys.filter((k) => typeof mod[k] === 'function') }
}

/**
 * Leaves every other command group (and the services `needs` does not cover) out of a group's
 * bundle: their imports become a module that fails when loaded. bin/p2engine.cjs runs a group's
 * bundle only for a command line that loads just that group (main/cli/commandGroups.ts `groupsFor`).
 */
function onlyGroup(group: string, needs: string): Plugin {
  const missing = (what: string) => ({ path: what, namespace: 'p2e-not-in-bundle' })
  const services = needs === 'engine' ? ['state', 'engine'] : needs === 'state' ? ['state'] : []
  return {
    name: 'p2engine-only-group',
    setup(b) {
      b.onResolve({ filter: /^\.\/commands\/\w+$/ }, (args) =>
        /[\\/]cli[\\/]commandGroups\.ts$/.test(args.importer) && args.path !== `./commands/${group}` ? missing(`command group ${args.path.slice(11)}`) : undefined)
      b.onResolve({ filter: /^\.\/(state|engine)$/ }, (args) =>
        /[\\/]cli[\\/]services[\\/]load\.ts$/.test(args.importer) && !services.includes(args.path.slice(2)) ? missing(`services ${args.path.slice(2)}`) : undefined)
      // Live chat events are forwarded only for an engine (liveCli's `engine()`): a group without one
      // leaves out the event bridge, and with it the chat view, the model providers and the OpenAI SDK.
      b.onResolve({ filter: /^\.\.\/ipc\/engineEvents$/ }, (args) =>
        /[\\/]cli[\\/]liveCli\.ts$/.test(args.importer) && !services.includes('engine') ? missing('the engine event bridge') : undefined)
      b.onLoad({ filter: /.*/, namespace: 'p2e-not-in-bundle' }, (args) => ({
        contents: `throw new Error(${JSON.stringify(`internal error: ${args.path} is not in the bundle of the "${group}" commands`)})\n`,
        loader: 'js',
      }))
    },
  }
}

/**
 * Rewrites the non-ASCII characters esbuild leaves in regular expression literals as `\uXXXX`
 * escapes (same meaning there and in strings): an ASCII file is read into a one-byte string, which
 * Node decodes and V8 holds at half the cost of a two-byte one.
 */
export function asciiOnly(file: string): void {
  const text = readFileSync(file, 'utf8')
  // eslint-disable-next-line no-control-regex
  if (!/[^\x00-\x7f]/.test(text)) return
  writeFileSync(file, text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`))
}
