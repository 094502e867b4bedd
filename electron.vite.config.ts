import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import react from '@vitejs/plugin-react'

const r = (p: string): string => resolve(import.meta.dirname, p)

/** Builds the Electron main process, the headless CLI, every piscina worker, the preload and the renderer. */
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      externalizeDeps: { exclude: ['commander', 'picocolors', 'cli-table3', 'cli-progress', 'zod', 'yaml', 'dotenv', 'openai', 'openapi-fetch', '@opentelemetry/api', 'ws', 'tar', 'rotating-file-stream'] },
      rolldownOptions: {
        input: {
          index: r('main/index.ts'),
          cli: r('main/cli/index.ts'),
          runVariant: r('workers/runVariant.ts'),
          modelCalls: r('workers/modelCalls.ts'),
        },
      },
    },
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
