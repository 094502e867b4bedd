import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import react from '@vitejs/plugin-react'
import { BUNDLED_DEPS, buildCliBundle } from './scripts/cliBundle'

const r = (p: string): string => resolve(import.meta.dirname, p)

/**
 * Builds the Electron main process, the headless CLI (also as one CommonJS bundle, out/main/cli.cjs:
 * see scripts/cliBundle.ts), every piscina worker, the preload and the renderer.
 */
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      externalizeDeps: { exclude: [...BUNDLED_DEPS] },
      rolldownOptions: {
        input: {
          index: r('main/index.ts'),
          cli: r('main/cli/index.ts'),
          runVariant: r('workers/runVariant.ts'),
          modelCalls: r('workers/modelCalls.ts'),
        },
      },
    },
    plugins: [{ name: 'p2engine-cli-bundle', apply: 'build', closeBundle: () => buildCliBundle(r('.')) }],
  },
  preload: {
    // CommonJS so the preload can run with `sandbox: true` (an ESM preload cannot).
    build: { outDir: 'out/preload', rolldownOptions: { input: { index: r('preload/index.ts') }, output: { format: 'cjs', entryFileNames: '[name].cjs' } } },
  },
  renderer: {
    root: 'renderer',
    build: { outDir: r('out/renderer'), rolldownOptions: { input: { index: r('renderer/index.html') } } },
    plugins: [react()],
  },
})
