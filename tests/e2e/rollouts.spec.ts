import { readFileSync } from 'node:fs'
import { expect, test, type Page } from '@playwright/test'
import { saveDocShot } from './docShots'

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

/** Two teams: one judged by the (offline) judge, one by a check no answer passes (every cell fails). */
const TWO_TEAMS = `teams:
  weather_team:
    initial_message: "What's the weather in Tokyo right now?"
    base:
      agent_id: agent_alpha
      model: openai/gpt-4.1
    variants:
      - tools: ["get_weather"]
      - tools: ["get_weather", "delegate"]
    eval:
      evaluator_id: gpt4_judge
      judge_version: "0.4"
      metric: score
  strict_team:
    initial_message: "What's the weather in Paris right now?"
    base:
      agent_id: agent_alpha
      model: openai/gpt-4.1
    variants:
      - id: strict_variant_with_a_very_long_identifier_001
        tools: ["get_weather", "delegate"]
    eval:
      evaluator_id: contains
      params: { text: "zebra-quartz-7" }
`


/** The page never scrolls sideways: wide tables scroll inside their own box. */
const noHorizontalOverflow = async (page: Page) => {
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth }))
  expect(scrollWidth).toBeLessThanOrEqual(clientWidth)
  const main = await page.evaluate(() => { const m = document.getElementById('main')!; return { scrollWidth: m.scrollWidth, clientWidth: m.clientWidth } })
  expect(main.scrollWidth).toBeLessThanOrEqual(main.clientWidth)
}

/** Rows of a JSON export, read from the downloaded file. */
const downloadExport = async (page: Page, button: string) => {
  const download = page.waitForEvent('download')
  await page.getByRole('button', { name: button, exact: true }).click()
  const file = await download
  return { name: file.suggestedFilename(), text: readFileSync((await file.path())!, 'utf8') }
}

const LONG = 'strict_variant_with_a_very_long_identifier_001'

/** Runs TWO_TEAMS from the UI (3 variants: weather_team v000 and v001, strict_team LONG). */
const startTwoTeams = async (page: Page) => {
  await page.goto(`/?token=${token}#/rollouts`)
  const spec = page.getByRole('region', { name: 'Rollout spec' })
  await spec.getByTestId('spec-file-input').setInputFiles({ name: 'two_teams.yml', mimeType: 'application/yaml', buffer: Buffer.from(TWO_TEAMS) })
  await expect(spec.getByText('valid', { exact: true })).toBeVisible()
  // Once a spec is loaded, the right-hand side says what it will run (not "No rollout selected").
  const ready = page.getByRole('region', { name: 'Ready to run' })
  await expect(ready).toContainText('two_teams.yml runs 3 variants in 2 teams')
  await expect(page.getByText('No rollout selected')).toHaveCount(0)
  // One worker thread: it boots once and runs the three (offline, fast) variants in turn.
  await spec.getByLabel('Variants at once').fill('1')
  await spec.getByRole('button', { name: 'Start rollout' }).click()
  const view = page.getByTestId('rollout-view')
  await expect(view).toHaveAttribute('data-status', 'done', { timeout: 60_000 })
  return view
}

/** The finished TWO_TEAMS rollout: an earlier test's (picked from Recent rollouts), else a new run. */
const openTwoTeams = async (page: Page) => {
  await page.goto(`/?token=${token}#/rollouts`)
  const recent = page.getByRole('region', { name: 'Recent rollouts' })
  await expect(recent.getByText(/None yet|·/).first()).toBeVisible()
  const done = recent.getByRole('button').filter({ hasText: /^two_teams · .*done/ })
  if (!(await done.count())) return startTwoTeams(page)
  await done.first().click()
  const view = page.getByTestId('rollout-view')
  await expect(view).toHaveAttribute('data-status', 'done')
  return view
}

test('run a rollout: live cells, a readable name, the spec folded away, and exports carry the answers', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 })
  const view = await startTwoTeams(page)

  // The spec folded into a summary bar; the rollout has a readable name beside its id.
  const bar = page.getByRole('region', { name: 'Rollout spec' })
  await expect(bar).toHaveClass(/spec-bar/)
  await expect(bar.getByRole('button', { name: 'Edit spec' })).toBeVisible()
  await expect(view.getByTestId('rollout-name')).toHaveText(/^two_teams · \d{4}-\d\d-\d\d \d\d:\d\d$/)
  const recent = page.getByRole('region', { name: 'Recent rollouts' })
  await expect(recent.getByText(/^two_teams · /).first()).toBeVisible()
  await expect(recent).toBeInViewport()

  const cells = page.getByTestId('variant-cell')
  await expect(cells).toHaveCount(3)
  for (let i = 0; i < 3; i++) await expect(cells.nth(i)).toHaveAttribute('data-phase', 'done')
  await expect(page.getByTestId('progress-text')).toHaveText('3/3 finished')
  // A long variant id is cut, its status badge stays inside the cell.
  const long = page.locator(`[data-testid="variant-cell"][data-key="strict_team/${LONG}"]`)
  const [cellBox, badgeBox] = [await long.boundingBox(), await long.locator('.badge').boundingBox()]
  expect(badgeBox!.x + badgeBox!.width).toBeLessThanOrEqual(cellBox!.x + cellBox!.width)
  await noHorizontalOverflow(page)
  // Offline results are labelled once for the screen, not on every row.
  await expect(view.getByText('offline · scripted')).toHaveCount(1)
  await expect(view.getByText('Offline results')).toHaveCount(1)

  const json = await downloadExport(page, 'Export JSON')
  expect(json.name).toMatch(/^ro_.*\.json$/)
  const rows = JSON.parse(json.text) as Record<string, string | number | null>[]
  expect(rows.map((r) => `${r.team}/${r.variant}`)).toEqual(['weather_team/v000', 'weather_team/v001', `strict_team/${LONG}`])
  for (const r of rows) expect(typeof r.answer === 'string' && r.answer.length > 0).toBe(true)
  expect(rows.map((r) => r.initial_message)).toEqual(["What's the weather in Tokyo right now?", "What's the weather in Tokyo right now?", "What's the weather in Paris right now?"])
  const csv = await downloadExport(page, 'Export CSV')
  expect(csv.text.split('\n')[0]).toMatch(/,initial_message,answer,judge_comment,/)
})

test('click a cell: the answer and the judge comment as exported, tokens, latency, transfers; Open transcript', async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 1440, height: 900 })
  await openTwoTeams(page)
  // The exported rows are what the app holds: compare the panel with them.
  const rows = JSON.parse((await downloadExport(page, 'Export JSON')).text) as Record<string, string | number | null>[]
  const weather = rows.find((r) => r.team === 'weather_team' && r.variant === 'v000')!
  expect(typeof weather.answer === 'string' && weather.answer.length > 0).toBe(true)
  expect(typeof weather.judge_comment === 'string' && weather.judge_comment.length > 0).toBe(true)

  await page.locator('[data-testid="variant-cell"][data-key="weather_team/v000"]').click()
  const panel = page.getByRole('dialog', { name: 'Variant weather_team/v000' })
  await expect(panel).toBeVisible()
  await expect(panel.getByRole('region', { name: 'Initial message' })).toContainText("What's the weather in Tokyo right now?")
  await expect(panel.getByTestId('panel-answer')).toHaveText(String(weather.answer))
  await expect(panel.getByTestId('judge-comment')).toHaveText(String(weather.judge_comment))
  await expect(panel.getByRole('region', { name: 'Usage' })).toContainText(`${Number(weather.tokens).toLocaleString('en-US')} `)
  await expect(panel.getByRole('region', { name: 'Usage' })).toContainText('Elapsed')
  await expect(panel.getByRole('region', { name: 'Transfers' })).toBeVisible()
  // → steps to the next variant; Esc closes.
  await panel.press('ArrowRight')
  await expect(page.getByRole('dialog', { name: 'Variant weather_team/v001' })).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(page.getByRole('dialog')).toHaveCount(0)

  // Light and dark screenshots of the finished rollout with a cell open.
  await page.locator('[data-testid="variant-cell"][data-key="weather_team/v000"]').click()
  await expect(panel).toBeVisible()
  for (const theme of ['light', 'dark'] as const) {
    if ((await page.locator('html').getAttribute('data-theme')) !== theme) await page.getByRole('button', { name: `Switch to ${theme} theme` }).click()
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme)
    const shot = testInfo.outputPath(`rollouts-${theme}.png`)
    await page.screenshot({ path: shot })
    saveDocShot(shot, theme === 'light' ? 'rollouts' : 'rollouts-dark')
  }

  // "Open transcript" shows the variant's conversation in Chat.
  await panel.getByRole('button', { name: 'Open transcript' }).click()
  await expect(page).toHaveURL(/#\/chat$/)
  // The chat header titles a conversation by its first message (the variant's initial message).
  await expect(page.getByRole('heading', { level: 1, name: String(weather.initial_message) })).toBeVisible()
})

test('the Outputs matrix filters by failed, team and text, sorts, and compares two variants side by side', async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 1440, height: 900 })
  await openTwoTeams(page)
  const outputs = page.getByRole('region', { name: 'Results' })
  await expect(outputs.getByRole('tab', { name: 'Outputs' })).toHaveAttribute('aria-selected', 'true')
  const rows = outputs.getByTestId('output-row')
  const cells = outputs.getByTestId('output-cell')
  await expect(outputs.getByTestId('output-team')).toHaveText([/^weather_team/, /^strict_team/])
  await expect(rows).toHaveCount(3)
  await expect(cells).toHaveCount(3)
  await expect(outputs.getByTestId('outputs-count')).toHaveText('3 of 3 outputs')
  // Every cell shows a non-empty answer.
  for (const a of await outputs.getByTestId('output-answer').allTextContents()) expect(a.trim().length).toBeGreaterThan(0)

  // Failed only: the strict team's cell (its check never passes) matches; passing cells are dimmed.
  await outputs.getByLabel('Failed only').check()
  const matching = outputs.locator('[data-testid="output-cell"][data-match="true"]')
  await expect(outputs.locator(`[data-testid="output-cell"][data-key="strict_team/${LONG}"]`)).toHaveAttribute('data-match', 'true')
  for (const failing of await matching.evaluateAll((els) => els.map((e) => e.getAttribute('data-failing')))) expect(failing).toBe('true')
  await outputs.getByLabel('Failed only').uncheck()

  // Team: one column.
  await outputs.getByLabel('Filter by team').selectOption('weather_team')
  await expect(outputs.getByTestId('output-team')).toHaveText([/^weather_team/])
  await expect(cells).toHaveCount(2)
  await expect(outputs.locator('[data-testid="output-cell"][data-key^="strict_team/"]')).toHaveCount(0)

  // Text: the start of an answer finds its row; nonsense finds nothing.
  const answer = (await outputs.locator('[data-testid="output-cell"][data-key="weather_team/v001"]').getByTestId('output-answer').textContent())!.trim()
  await outputs.getByLabel('Search outputs').fill(answer.slice(0, 24))
  await expect(outputs.locator('[data-testid="output-cell"][data-key="weather_team/v001"]')).toHaveAttribute('data-match', 'true')
  await outputs.getByLabel('Search outputs').fill('zz-no-output-says-this')
  await expect(outputs.getByTestId('outputs-empty')).toBeVisible()
  await expect(rows).toHaveCount(0)
  await outputs.getByLabel('Search outputs').fill('')
  await outputs.getByLabel('Filter by team').selectOption('')
  await expect(rows).toHaveCount(3)

  // Sorting by score puts the rows in score order, both ways.
  const scores = async () => (await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-score')))).map(Number)
  await outputs.getByLabel('Sort outputs').selectOption('score-desc')
  const desc = await scores()
  expect(desc).toEqual([...desc].sort((a, b) => b - a))
  await outputs.getByLabel('Sort outputs').selectOption('score-asc')
  const asc = await scores()
  expect(asc).toEqual([...desc].reverse())

  // By tokens: the rows' token counts descend; back to variant order.
  await outputs.getByLabel('Sort outputs').selectOption('tokens-desc')
  const tokens = (await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-tokens')))).map(Number)
  expect(tokens).toEqual([...tokens].sort((a, b) => b - a))
  await outputs.getByLabel('Sort outputs').selectOption('position')
  expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-variant')))).toEqual(['v000', LONG, 'v001'])

  const shot = testInfo.outputPath('rollout-outputs.png')
  await outputs.screenshot({ path: shot })
  saveDocShot(shot, 'rollout-outputs')

  // A cell opens the same panel as the grid.
  await outputs.locator(`[data-testid="output-cell"][data-key="strict_team/${LONG}"]`).getByRole('button').click()
  await expect(page.getByRole('dialog', { name: `Variant strict_team/${LONG}` })).toBeVisible()
  await page.keyboard.press('Escape')

  // Side by side: two variants' answers and comments, the differing config key named.
  await outputs.getByRole('tab', { name: 'Compare' }).click()
  const sbs = outputs.getByTestId('side-by-side')
  await outputs.getByLabel('Pick variant A').selectOption('weather_team/v000')
  await outputs.getByLabel('Pick variant B').selectOption('weather_team/v001')
  await expect(sbs).toContainText('differ in tools')
  const a = (await sbs.getByTestId('sbs-A').getByTestId('sbs-answer').textContent())!.trim()
  const b = (await sbs.getByTestId('sbs-B').getByTestId('sbs-answer').textContent())!.trim()
  expect(a.length).toBeGreaterThan(0)
  expect(b.length).toBeGreaterThan(0)
  await expect(sbs.getByTestId('sbs-A').getByTestId('sbs-comment')).toHaveCount(1)
  // The same answers as the Outputs matrix holds for these variants.
  await outputs.getByRole('tab', { name: 'Outputs' }).click()
  await expect(outputs.locator('[data-testid="output-cell"][data-key="weather_team/v000"]').getByTestId('output-answer')).toHaveText(a)
})

test('1024×700: nothing overflows sideways, tables scroll in their own box', async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 700 })
  await openTwoTeams(page)
  await noHorizontalOverflow(page)
  const results = page.getByRole('region', { name: 'Results' })
  for (const tab of ['Outputs', 'Charts', 'Metrics', 'Teams & ledger', 'Configuration', 'Compare']) {
    await results.getByRole('tab', { name: tab }).click()
    await noHorizontalOverflow(page)
  }
  await page.getByRole('region', { name: 'Rollout spec' }).getByRole('button', { name: /^(Edit spec|Open a spec)$/ }).click()
  await expect(page.getByLabel('From the config folder')).toBeVisible()
  await noHorizontalOverflow(page)
  await page.locator('[data-testid="variant-cell"]').first().click()
  await expect(page.getByRole('dialog')).toBeVisible()
  await noHorizontalOverflow(page)
})

test('a bad YAML shows its error at the key, and nothing starts', async ({ page }, testInfo) => {
  await page.goto(`/?token=${token}#/rollouts`)
  await expect(page.getByText('No rollout selected')).toBeVisible()
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
  // A bad value in `base` is reported once for the team, not once per variant.
  await expect(spec.getByTestId('spec-errors')).toContainText('line 5 · teams.demo_team.base.agent_id · team demo_team')
  await expect(spec.getByTestId('spec-errors')).toContainText('unknown agent "agent_nobody"; configured agents: agent_alpha')
  await expect(spec.getByTestId('spec-errors')).not.toContainText('variant v000')
  await expect(spec.getByRole('button', { name: 'Start rollout' })).toBeDisabled()
  await expect(page.getByText('Fix bad_rollout.yml to run it')).toBeVisible()

  const shot = testInfo.outputPath('rollout-error.png')
  await page.screenshot({ path: shot, fullPage: true })
  saveDocShot(shot, 'rollout-error')
})

test('competitive payment: the tied solvers read "tie", not a best variant; the ledger flows show who was paid', async ({ page }) => {
  await page.goto(`/?token=${token}#/rollouts`)
  const spec = page.getByRole('region', { name: 'Rollout spec' })
  await spec.getByLabel('From the config folder').selectOption('rollout_competitive_payment.yml')
  await expect(spec.getByText('valid', { exact: true })).toBeVisible()
  await spec.getByLabel('Variants at once').fill('1')
  await spec.getByRole('button', { name: 'Start rollout' }).click()
  const view = page.getByTestId('rollout-view')
  await expect(view).toHaveAttribute('data-status', 'done', { timeout: 90_000 })
  const results = page.getByRole('region', { name: 'Results' })
  await results.getByRole('tab', { name: 'Teams & ledger' }).click()
  // The offline judge gives both solvers the same score: a tie, not a "best" solver.
  const solvers = page.getByTestId('team-table').getByRole('row').filter({ hasText: 'problem_solvers' })
  await expect(solvers.getByTestId('team-best')).toHaveText(/^tie \d\.\d{3} \(solver_alpha, solver_beta\)$/)
  // The rollout's own transfers: the treasurer paid agent_alpha 25.
  const flows = page.getByTestId('ledger-flows')
  await expect(flows.locator('[data-testid="flow-row"][data-agent="agent_alpha"]').getByRole('cell')).toHaveText(['agent_alpha', '0.00', '25.00', '+25.00'])
  await expect(flows.locator('[data-testid="flow-row"][data-agent="treasurer"]').getByRole('cell')).toHaveText(['treasurer', '25.00', '0.00', '-25.00'])
  await expect(page.getByTestId('flow-transfers')).toHaveText('1')
})

// Last: the big rollout is stopped at the end, but it is the heaviest test of the file.
// 2,400 variants one at a time outlast the Stop click on a busy CI machine; the grid renders the same rows in view at any size.
test('a 2,400-variant rollout: the grid renders only the cells in view, scrolls to the last one, and stops', async ({ page }) => {
  const grid = Array.from({ length: 48 }, (_, i) => (i * 0.04).toFixed(2)).join(', ')
  const topP = Array.from({ length: 50 }, (_, i) => ((i + 1) / 50).toFixed(2)).join(', ')
  const big = `teams:\n  big_team:\n    initial_message: "Weather in Oslo?"\n    base:\n      agent_id: agent_alpha\n    variants:\n      temperature: [${grid}]\n      top_p: [${topP}]\n`
  await page.goto(`/?token=${token}#/rollouts`)
  const spec = page.getByRole('region', { name: 'Rollout spec' })
  await spec.getByTestId('spec-file-input').setInputFiles({ name: 'big.yml', mimeType: 'application/yaml', buffer: Buffer.from(big) })
  await expect(spec.getByText('1 team, 2400 variants: big_team')).toBeVisible()
  await spec.getByLabel('Variants at once').fill('1')
  await spec.getByRole('button', { name: 'Start rollout' }).click()
  await expect(page.getByTestId('progress-text')).toContainText('/2400 finished', { timeout: 20_000 })

  // Stop at once: the workers go, the rollout waits to be resumed. One variant at a time, 2,400
  // offline variants take ~13 s on the 2-core CI machine; 600 took ~3.5 s, and a busy CI run once
  // clicked Stop later than that (the rollout was done, never interrupted).
  const view = page.getByTestId('rollout-view')
  await view.getByRole('button', { name: 'Stop', exact: true }).click()
  await expect(view.getByText('interrupted', { exact: true })).toBeVisible({ timeout: 15_000 })
  await expect(view.getByRole('button', { name: 'Resume' })).toBeVisible()

  // The grid of all 2,400 variants renders only the cells in view, down to the last one.
  const cells = page.getByTestId('variant-cell')
  await expect(cells.first()).toBeVisible()
  expect(await cells.count()).toBeLessThan(120)
  await page.getByTestId('variant-scroll').evaluate((el) => { el.scrollTop = el.scrollHeight })
  await expect(page.locator('[data-testid="variant-cell"][data-key="big_team/v2399"]')).toBeVisible()
  expect(await cells.count()).toBeLessThan(120)
})
