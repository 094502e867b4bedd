import { copyFileSync, mkdirSync } from 'node:fs'
import { expect, test } from '@playwright/test'

const token = process.env.E2E_TOKEN!

const BAD = `teams:
  demo_team:
    initial_message: "What's the weather in Tokyo right now?"
    base:
      agent_id: agent_nobody
      model: openai/gpt-4.1
    variants:
      - tools: ["get_weather"]
`

const save = async (shot: string, target: string) => {
  mkdirSync('docs/screenshots', { recursive: true })
  copyFileSync(shot, target)
}

test('run demo_rollout.yml and see the finished grid, tables and charts', async ({ page }, testInfo) => {
  await page.goto(`/?token=${token}#/rollouts`)
  await expect(page.getByRole('heading', { name: 'Rollouts', level: 1 })).toBeVisible()
  await expect(page.getByText('No rollout selected')).toBeVisible()

  const spec = page.getByRole('region', { name: 'Rollout spec' })
  await spec.getByLabel('From the config folder').selectOption('demo_rollout.yml')
  await expect(spec.getByText('valid', { exact: true })).toBeVisible()
  await expect(spec.getByText('1 team, 2 variants: demo_team')).toBeVisible()
  await expect(spec.getByRole('region', { name: 'YAML source' })).toContainText('agent_id: agent_alpha')
  await spec.getByRole('button', { name: 'Start rollout' }).click()

  const view = page.getByTestId('rollout-view')
  await expect(view).toHaveAttribute('data-status', 'done', { timeout: 60_000 })
  const cells = page.getByTestId('variant-cell')
  await expect(cells).toHaveCount(2)
  await expect(cells.nth(0)).toHaveAttribute('data-status', 'done')
  await expect(cells.nth(1)).toHaveAttribute('data-status', 'done')
  await expect(page.getByText('2/2 finished')).toBeVisible()
  // Offline results are labelled as such.
  await expect(view.getByText('offline · scripted')).toBeVisible()
  await expect(view.getByText('Offline results')).toBeVisible()

  const rows = page.getByTestId('metrics-row')
  await expect(rows).toHaveCount(2)
  await expect(rows.nth(0)).toContainText('demo_team')
  await expect(rows.nth(0)).toContainText('v000')
  await expect(rows.nth(0)).toContainText('(offline)')
  await expect(page.getByTestId('team-table')).toContainText('demo_team')
  await expect(page.getByRole('region', { name: 'Variant configuration' })).toContainText('get_weather')
  await expect(page.getByRole('region', { name: 'Ledger state changes' })).toBeVisible()
  await expect(page.getByRole('img', { name: /^Score: v000 / })).toBeVisible()
  await expect(page.getByRole('img', { name: /^Tokens: v000 / })).toBeVisible()
  await expect(page.getByRole('region', { name: 'Recent rollouts' }).getByText('demo_rollout.yml')).toBeVisible()

  // Export downloads the CSV.
  const download = page.waitForEvent('download')
  await page.getByRole('button', { name: 'Export CSV' }).click()
  expect((await download).suggestedFilename()).toMatch(/^ro_.*\.csv$/)

  await page.setViewportSize({ width: 1440, height: 1500 })
  const shot = testInfo.outputPath('rollouts.png')
  await page.screenshot({ path: shot, fullPage: true })
  await save(shot, 'docs/screenshots/rollouts.png')
})

test('a bad YAML shows its error at the key, and nothing starts', async ({ page }, testInfo) => {
  await page.goto(`/?token=${token}#/rollouts`)
  const spec = page.getByRole('region', { name: 'Rollout spec' })
  await spec.getByTestId('spec-file-input').setInputFiles({ name: 'bad_rollout.yml', mimeType: 'application/yaml', buffer: Buffer.from(BAD) })
  await expect(spec.getByText('bad_rollout.yml has 1 problem; fix it and check again')).toBeVisible()
  const inline = spec.getByTestId('spec-error-inline')
  await expect(inline).toHaveCount(1)
  await expect(inline).toContainText('teams.demo_team.base.agent_id')
  await expect(inline).toContainText('unknown agent "agent_nobody"')
  // The marked line is the key's line.
  await expect(spec.locator('.code-line.has-error')).toHaveAttribute('data-line', '5')
  await expect(spec.locator('.code-line.has-error')).toContainText('agent_id: agent_nobody')
  await expect(spec.getByTestId('spec-errors')).toContainText('line 5 · teams.demo_team.base.agent_id · team demo_team · variant v000')
  await expect(spec.getByRole('button', { name: 'Start rollout' })).toBeDisabled()

  const shot = testInfo.outputPath('rollout-error.png')
  await page.screenshot({ path: shot, fullPage: true })
  await save(shot, 'docs/screenshots/rollout-error.png')
})
