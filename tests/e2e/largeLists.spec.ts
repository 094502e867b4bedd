import { spawn, type ChildProcess } from 'node:child_process'
import { expect, test } from '@playwright/test'

// Its own host (tests/fixtures/largeUiHost.ts) on a home seeded with a 10,000-entry conversation
// and a finished 2,000-variant rollout, so the shared e2e home stays as the other specs expect.
// Behaviour only; frame times are measured by `BENCH_ONLY=ui npm run bench`.
let host: ChildProcess | undefined
let url = ''

test.beforeAll(async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/fixtures/largeUiHost.ts'], { stdio: ['ignore', 'pipe', 'inherit'] })
  host = child
  url = await new Promise<string>((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /LARGE_UI_URL (\S+)/.exec(out)
      if (m) resolve(m[1]!)
    })
    child.once('exit', (code) => reject(new Error(`the large UI host exited with ${code} before serving`)))
  })
})

test.afterAll(() => {
  host?.kill('SIGTERM')
})

test('a 10,000-entry conversation opens at its last answer, scrolls to the first question and back, keeping few rows in the DOM', async ({ page }) => {
  await page.goto(`${url}#/chat`)
  await page.getByRole('button', { name: /huge conversation \(10k\)/ }).click()
  const list = page.getByTestId('message-list')
  await expect(list).toHaveAttribute('aria-label', 'Conversation, 10000 messages')
  await expect(list.getByText('answer 5000', { exact: true })).toBeVisible()
  expect(await list.getByTestId('message').count()).toBeLessThan(60)
  await list.evaluate((el) => { el.scrollTop = 0 })
  await expect(list.getByText('question 1', { exact: true })).toBeVisible()
  await list.evaluate((el) => { el.scrollTop = el.scrollHeight })
  await expect(list.getByText('answer 5000', { exact: true })).toBeVisible()
  expect(await list.getByTestId('message').count()).toBeLessThan(60)
})

test('a finished 2,000-variant rollout: the grid renders the cells in view and scrolls to the last row', async ({ page }) => {
  await page.goto(`${url}#/rollouts`)
  await page.locator('button[title*="ro_large_2000"]').click()
  const view = page.getByTestId('rollout-view')
  await expect(view).toHaveAttribute('data-status', 'done')
  const cells = page.getByTestId('variant-cell')
  await expect(page.locator('[data-testid="variant-cell"][data-key="grid_team/v000"]')).toBeVisible()
  expect(await cells.count()).toBeLessThan(120)
  await page.getByTestId('variant-scroll').evaluate((el) => { el.scrollTop = el.scrollHeight })
  const last = page.locator('[data-testid="variant-cell"][data-key="grid_team/v1999"]')
  await expect(last).toBeVisible()
  await expect(last).toHaveAttribute('data-status', 'done')
  expect(await cells.count()).toBeLessThan(120)
})
