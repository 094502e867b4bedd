import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['main/**/*.test.ts', 'preload/**/*.test.ts', 'workers/**/*.test.ts', 'renderer/src/**/*.test.ts', 'tests/**/*.test.ts'],
    exclude: ['node_modules', 'out', 'tests/e2e/**'],
    environment: 'node',
    pool: 'forks',
  },
})
