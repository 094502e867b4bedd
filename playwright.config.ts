import { randomBytes } from 'node:crypto'
import { defineConfig } from '@playwright/test'

// One port and token per run. The config is evaluated again in each worker; the env carries the
// runner's choice over, so the server and the tests agree.
process.env.E2E_PORT ??= String(41000 + Math.floor(Math.random() * 9000))
process.env.E2E_TOKEN ??= randomBytes(24).toString('base64url')
const port = Number(process.env.E2E_PORT)

/** Playwright against the browser host (`p2engine ui`) with Debian's Chromium; never downloads browsers. */
export default defineConfig({
  testDir: 'tests/e2e',
  workers: 1,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    headless: true,
    viewport: { width: 1360, height: 900 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-sync',
      ],
    },
  },
  // One server and one P2ENGINE_HOME for the whole run: the screens that check a fresh home
  // (first start, untouched 100.00 balances) run first; chat and rollouts (which move money) after.
  projects: [
    { name: 'fresh home', testMatch: /(shell|wallets)\.spec\.ts$/ },
    { name: 'chat and rollouts', testMatch: /(chat|rollouts|bundles)\.spec\.ts$/, dependencies: ['fresh home'] },
    // Starts its own host on its own seeded home (a 10k-entry conversation, a 2,000-variant rollout).
    { name: 'large lists', testMatch: /largeLists\.spec\.ts$/ },
  ],
  webServer: {
    // Builds the renderer, then serves it and the contract from a temp P2ENGINE_HOME.
    command: 'npx electron-vite build --logLevel warn && npx tsx tests/e2e/serve.ts',
    // 401 without the token still means "up" to Playwright.
    url: `http://127.0.0.1:${port}/`,
    reuseExistingServer: false,
    timeout: 60_000,
    env: { E2E_PORT: String(port), E2E_TOKEN: process.env.E2E_TOKEN },
  },
})
