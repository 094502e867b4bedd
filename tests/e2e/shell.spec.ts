import { appendFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test, type Page, type TestInfo, type WebSocketRoute } from '@playwright/test'
import { saveDocShot } from './docShots'
import { serveRelease, sha256Of, standInRelease } from '../../main/ledger/canton/install/testing/standInRelease'

// Runs after chat.spec.ts and rollouts.spec.ts on the same host; moves no money (wallets.spec.ts
// expects untouched balances).
const token = process.env.E2E_TOKEN!

/** The host serves an EMPTY home: these are agents.yml's agents plus the system ones. */
const CONFIGURED = ['agent_alpha', 'agent_beta', 'agent_helper', 'treasurer', 'agent_lemy', 'child']

async function shot(page: Page, testInfo: TestInfo, name: string, fullPage = true): Promise<void> {
  const file = testInfo.outputPath(`${name}.png`)
  await page.screenshot({ path: file, fullPage })
  saveDocShot(file, name)
}

async function setTheme(page: Page, theme: 'light' | 'dark'): Promise<void> {
  if ((await page.locator('html').getAttribute('data-theme')) !== theme) await page.getByRole('button', { name: `Switch to ${theme} theme` }).click()
  await expect(page.locator('html')).toHaveAttribute('data-theme', theme)
}

/** Light then dark screenshot of the current screen: NAME.png and NAME-dark.png. */
async function bothThemes(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  await setTheme(page, 'light')
  await shot(page, testInfo, name)
  await setTheme(page, 'dark')
  await shot(page, testInfo, `${name}-dark`)
}

test('first start: an empty home has agents and wallets with no CLI step, and Get started leads into each screen', async ({ page }, testInfo) => {
  await page.goto(`/?token=${token}`)
  // The app opens on Get started.
  await expect(page.getByRole('heading', { name: 'Get started', level: 1 })).toBeVisible()
  const wallets = page.getByTestId('fact-wallets')
  await expect(wallets).toContainText('Created 6 wallets')
  await expect(wallets).toContainText(`One per configured agent, 100.00 each: ${CONFIGURED.join(', ')}.`)
  await expect(page.getByTestId('fact-model')).toContainText('Offline scripted model answers')

  // The model pill is on every screen and links to Settings.
  const pill = page.getByTestId('model-pill')
  await expect(pill).toHaveText(/offline scripted model\s*·\s*Configure/)
  await expect(pill).toHaveAttribute('title', /no OPENAI_API_KEY and no local server at https:\/\/api\.openai\.com\/v1/)
  await page.setViewportSize({ width: 1360, height: 860 })
  await bothThemes(page, testInfo, 'get-started')
  await pill.getByRole('link', { name: 'Configure' }).click()
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible()
  await expect(page.getByTestId('model-pill')).toBeVisible()

  // "Make a transfer": the Wallets screen with the form filled in (not sent).
  await page.keyboard.press('0')
  await page.getByRole('button', { name: 'Make a transfer' }).click()
  await expect(page.getByRole('heading', { name: 'Wallets', level: 1 })).toBeVisible()
  for (const agent of CONFIGURED) await expect(page.getByTestId(`balance-${agent}`)).toHaveText('100.00')
  const form = page.getByRole('form', { name: 'Transfer funds' })
  await expect(form.getByLabel('From')).toHaveValue('agent_alpha')
  await expect(form.getByLabel('To')).toHaveValue('agent_beta')
  await expect(form.getByLabel('Amount')).toHaveValue('10')
  await expect(form.getByRole('button', { name: 'Send transfer' })).toBeFocused()

  // "Run rollout_joke.yml": the Rollouts screen with that spec open.
  await page.keyboard.press('0')
  await page.getByRole('button', { name: 'Run rollout_joke.yml' }).click()
  await expect(page.getByRole('heading', { name: 'Rollouts', level: 1 })).toBeVisible()
  await expect(page.getByRole('combobox').filter({ has: page.locator('option:checked', { hasText: 'rollout_joke.yml' }) })).toBeVisible()

  // "Chat with agent_alpha": a new conversation with that agent, ready for a message.
  await page.keyboard.press('0')
  await page.getByRole('button', { name: 'Chat with agent_alpha' }).click()
  const conversation = page.getByRole('region', { name: 'Conversation' })
  await expect(conversation.locator('.chat-sub')).toContainText('with agent_alpha')
})

test('wallets: the ledger badge turns grey and every screen says so while the host is unreachable', async ({ page }) => {
  // The socket to the host goes through this route, so the test can cut it like a stopped host.
  let refuse = false
  const live: WebSocketRoute[] = []
  await page.routeWebSocket(/\/ws/, (ws) => {
    if (refuse) return void ws.close({ code: 1011, reason: 'host stopped' })
    ws.connectToServer()
    live.push(ws)
  })
  await page.goto(`/?token=${token}#/wallets`)
  const badge = page.getByTestId('ledger-badge')
  await expect(badge).toHaveText('embedded ledger · ready')
  await expect(page.locator('.badge').filter({ has: badge })).toHaveClass(/badge-good/)
  await expect(page.getByTestId('disconnected-banner')).toHaveCount(0)

  refuse = true
  for (const ws of live) await ws.close({ code: 1011, reason: 'host stopped' })
  await expect(page.getByTestId('disconnected-banner')).toContainText('Disconnected from the P2Engine host')
  await expect(page.getByTestId('connection')).toHaveText('disconnected')
  await expect(badge).toHaveText('embedded ledger · disconnected')
  await expect(page.locator('.badge').filter({ has: badge })).toHaveClass(/badge-neutral/)
  // The last data stays, marked stale, instead of an empty state.
  await expect(page.getByTestId('balance-agent_alpha')).toHaveText('100.00')
  await expect(page.getByText('No wallets yet')).toHaveCount(0)
  for (const [key, heading] of [['5', 'Artifacts'], ['6', 'Settings'], ['0', 'Get started']] as const) {
    await page.keyboard.press(key)
    await expect(page).toHaveURL(new RegExp(`#/${heading === 'Get started' ? 'start' : heading.toLowerCase()}$`))
    await expect(page.getByTestId('disconnected-banner')).toBeVisible()
  }
})

test('artifacts: the Type filter lists stored types with counts; conversations by name; Esc closes the viewer', async ({ page }, testInfo) => {
  await page.goto(`/?token=${token}#/artifacts`)
  await expect(page.getByRole('heading', { name: 'Artifacts', level: 1 })).toBeVisible()
  const rows = page.getByTestId('artifact-row')
  await expect(rows.first()).toBeVisible()

  // Conversations are listed and shown by name, not by raw id.
  const conversation = page.getByLabel('Conversation')
  const names = (await conversation.locator('option').allTextContents()).slice(1)
  expect(names).toEqual(expect.arrayContaining(['long conversation (10k)', 'short conversation']))
  expect(names.some((n) => /^chat_[0-9a-f-]{8,}$/.test(n))).toBe(false)
  const type = page.getByLabel('Type')
  // Unfiltered: only stored types, each with its count, adding up to the total.
  const counts = (await type.locator('option').allTextContents()).map((o) => /^(.+) \(([\d,]+)\)$/.exec(o)!).map((m) => [m[1]!, Number(m[2]!.replace(/,/g, ''))] as const)
  expect(counts[0]![0]).toBe('All types')
  expect(counts.slice(1).every(([, n]) => n > 0)).toBe(true)
  expect(counts.slice(1).reduce((n, [, c]) => n + c, 0)).toBe(counts[0]![1])

  // The seeded short conversation holds 4 user/assistant states and nothing else: only that type is offered.
  await conversation.selectOption({ label: 'short conversation' })
  await expect(type.locator('option')).toHaveText(['All types (4)', 'state (4)'])
  await type.selectOption('state')
  await expect(page.getByRole('region', { name: 'Artifact list' }).getByRole('heading')).toHaveText('4 artifacts')
  await expect(rows).toHaveCount(4)
  await expect(rows.first()).toContainText('short conversation')
  const header = page.getByRole('columnheader', { name: 'Conversation' })
  const agentHeader = page.getByRole('columnheader', { name: 'Agent' })
  const [h1, h2] = [(await header.boundingBox())!, (await agentHeader.boundingBox())!]
  expect(h1.x + h1.width).toBeLessThanOrEqual(h2.x)

  // Esc closes the open artifact.
  await rows.first().click()
  const viewer = page.getByRole('region', { name: 'Artifact viewer' })
  await expect(viewer.getByRole('group', { name: 'Payload' })).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(viewer.getByText('Select a row to see its header and payload.')).toBeVisible()

  // A diff of two artifacts wraps its long lines.
  await rows.nth(0).getByRole('checkbox').check()
  await rows.nth(1).getByRole('checkbox').check()
  await page.getByRole('button', { name: 'Diff 2/2' }).click()
  const diff = page.getByLabel('Diff', { exact: true })
  await expect(diff).toContainText('@@')
  expect(await diff.evaluate((el) => getComputedStyle(el).whiteSpace)).toBe('pre-wrap')
  await bothThemes(page, testInfo, 'artifacts')
  await page.keyboard.press('Escape')
  await expect(diff).toHaveCount(0)
})

test('settings: a bad value marks its field; a connection test result clears when the URL changes', async ({ page }, testInfo) => {
  await page.goto(`/?token=${token}#/settings`)
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible()
  await bothThemes(page, testInfo, 'settings')

  const baseUrl = page.getByLabel('OpenAI-compatible base URL')
  const model = page.getByLabel('Default model')
  await baseUrl.fill('not a url')
  await model.fill('gpt4')
  await page.getByRole('button', { name: 'Save settings' }).click()
  await expect(baseUrl).toHaveAttribute('aria-invalid', 'true')
  await expect(model).toHaveAttribute('aria-invalid', 'true')
  await expect(page.getByText('Expected a URL such as "http://127.0.0.1:11434/v1".')).toBeVisible()
  await expect(page.getByText('Expected a "provider/model" id such as "openai/gpt-4o" or "ollama/llama3".')).toBeVisible()
  await expect(page.getByRole('alert').filter({ hasText: 'Not saved' })).toHaveText(/Fix the 2 marked fields and save again\./)
  await expect(page.getByText('settings:set')).toHaveCount(0)
  // Editing a field clears its mark (only its own).
  await model.fill('openai/gpt-4o')
  await expect(model).not.toHaveAttribute('aria-invalid', 'true')
  await expect(baseUrl).toHaveAttribute('aria-invalid', 'true')

  await baseUrl.fill('http://127.0.0.1:9/v1')
  await page.getByRole('button', { name: 'Test model connection' }).click()
  const failed = page.getByRole('alert').filter({ hasText: 'Connection failed' })
  await expect(failed).toContainText('http://127.0.0.1:9/v1')
  await baseUrl.fill('http://127.0.0.1:8/v1')
  await expect(failed).toHaveCount(0)
})

test('keyboard: ? lists the shortcuts, Esc closes the list', async ({ page }) => {
  await page.goto(`/?token=${token}#/wallets`)
  await expect(page.getByRole('heading', { name: 'Wallets', level: 1 })).toBeVisible()
  await page.keyboard.press('?')
  const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' })
  await expect(dialog).toBeVisible()
  await expect(dialog).toContainText('Switch light / dark theme')
  await expect(dialog).toContainText('Close the open panel or dialog')
  await page.keyboard.press('Escape')
  await expect(dialog).toHaveCount(0)
  // The ? button in the top bar opens it too; typing ? in a field does not.
  await page.getByRole('button', { name: 'Keyboard shortcuts' }).click()
  await expect(dialog).toBeVisible()
  await page.keyboard.press('Escape')
  await page.getByRole('form', { name: 'Transfer funds' }).getByLabel('Reason').fill('what?')
  await expect(dialog).toHaveCount(0)
})

test('the sidebar collapses to icons below 1200 px and keeps its names', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 })
  await page.goto(`/?token=${token}#/wallets`)
  const sidebar = page.getByRole('complementary', { name: 'Sidebar' })
  await expect(page.getByRole('heading', { name: 'Wallets', level: 1 })).toBeVisible()
  expect((await sidebar.boundingBox())!.width).toBeGreaterThan(200)
  await expect(sidebar.getByText('Artifacts', { exact: true })).toBeVisible()
  await page.setViewportSize({ width: 1100, height: 800 })
  await expect.poll(async () => (await sidebar.boundingBox())!.width).toBeLessThan(80)
  await expect(sidebar.getByText('Artifacts', { exact: true })).not.toBeInViewport()
  await sidebar.getByRole('link', { name: /Artifacts/ }).click()
  await expect(page.getByRole('heading', { name: 'Artifacts', level: 1 })).toBeVisible()
})

test('the favicon is served and no asset is missing', async ({ page }) => {
  const missing: string[] = []
  page.on('response', (r) => { if (r.status() >= 400) missing.push(`${r.status()} ${r.url()}`) })
  await page.goto(`/?token=${token}`)
  await expect(page.getByRole('heading', { name: 'Get started', level: 1 })).toBeVisible()
  const href = await page.locator('link[rel="icon"]').evaluate((l) => (l as HTMLLinkElement).href)
  const res = await page.request.get(href)
  expect([res.status(), res.headers()['content-type']]).toEqual([200, 'image/svg+xml'])
  expect(missing).toEqual([])
})

for (const [route, heading] of [['wallets', 'Wallets'], ['artifacts', 'Artifacts'], ['settings', 'Settings'], ['start', 'Get started']] as const) {
  test(`1024×700: ${heading} has no horizontal overflow`, async ({ page }) => {
    await page.setViewportSize({ width: 1024, height: 700 })
    await page.goto(`/?token=${token}#/${route}`)
    await expect(page.getByRole('heading', { name: heading, level: 1 })).toBeVisible()
    await page.waitForLoadState('networkidle')
    const overflow = await page.evaluate(() => {
      const over = (el: Element) => el.scrollWidth - el.clientWidth
      return { page: over(document.documentElement), main: over(document.getElementById('main')!) }
    })
    expect(overflow).toEqual({ page: 0, main: 0 })
  })
}

test('the ledger panel keeps Canton as a collapsed, optional note when it is not installed', async ({ page }, testInfo) => {
  await page.goto(`/?token=${token}#/wallets`)
  const panel = page.getByRole('region', { name: 'Ledger backend' })
  const note = panel.getByTestId('canton-optional')
  await expect(note).toContainText('Optional: Canton backend')
  await expect(panel.getByRole('alert')).toHaveCount(0)
  await expect(panel.getByTestId('canton-install-hint')).toBeHidden()
  await expect(panel.getByTestId('canton-phase')).toHaveText('Canton stopped')
  await expect(panel.getByRole('radio', { name: /Embedded/ })).toBeChecked()
  await note.getByText('Optional: Canton backend').click()
  await expect(panel.getByTestId('canton-install-hint')).toContainText('Canton was not found (looked at CANTON_BIN, CANTON_HOME/bin/canton, P2ENGINE_HOME/canton/<version>, the app bundle, and canton or dpm on PATH).')
  await expect(panel.getByTestId('canton-install-hint')).toContainText('p2engine ledger canton start')

  await panel.scrollIntoViewIfNeeded()
  const file = testInfo.outputPath('ledger-panel.png')
  await panel.screenshot({ path: file })
  saveDocShot(file, 'ledger-panel')
})

test('installs Canton from the ledger panel (a local mirror serving a stand-in release), then offers to start it', async ({ page }) => {
  const body = await standInRelease('9.9.9')
  const mirror = await serveRelease(body)
  try {
    await page.goto(`/?token=${token}#/wallets`)
    const panel = page.getByRole('region', { name: 'Ledger backend' })
    await panel.getByText('Optional: Canton backend').click()
    const install = panel.getByTestId('canton-install')
    await expect(install).toContainText('Install Canton 3.4.9')
    await install.getByText('Mirror or other digest').click()
    await install.getByLabel('Mirror URL').fill(mirror.url)
    await install.getByLabel('Expected SHA-256').fill('0'.repeat(64))
    await install.getByRole('button', { name: 'Install Canton' }).click()
    await expect(panel.getByTestId('canton-install-error')).toContainText(`has SHA-256 ${sha256Of(body)}, expected ${'0'.repeat(64)}; nothing was installed`)
    await install.getByLabel('Expected SHA-256').fill(sha256Of(body))
    await install.getByRole('button', { name: 'Install Canton' }).click()
    await expect(panel.getByRole('button', { name: 'Start Canton' })).toBeVisible()
    await expect(panel).toContainText('installed by P2Engine')
  } finally {
    await mirror.close()
  }
})

test('the Logs drawer shows the host\'s own log lines, filters them and follows new ones', async ({ page }, testInfo) => {
  await page.goto(`/?token=${token}#/wallets`)
  await page.getByTestId('logs-button').click()
  const drawer = page.getByTestId('logs-drawer')
  await expect(drawer).toBeVisible()
  // Written by the host process itself at start (logs/app.log).
  const rows = drawer.getByTestId('logs-row')
  await expect(rows.filter({ hasText: 'process started' })).toHaveCount(1)
  await expect(rows.filter({ hasText: 'ledger wallet created' }).first()).toContainText('agent=')
  await expect(drawer).toContainText('Files: ')

  // Search narrows to matching lines; the level filter hides info lines.
  await drawer.getByRole('searchbox', { name: 'Search the logs' }).fill('process started')
  await expect(rows).toHaveCount(1)
  await rows.first().click()
  await expect(drawer.getByTestId('logs-detail')).toContainText('process started')
  await expect(drawer.getByTestId('logs-detail')).toContainText('version')
  await drawer.getByRole('combobox', { name: 'Lowest level shown' }).selectOption('warn')
  await expect(rows).toHaveCount(0)
  await expect(drawer).toContainText('No line matches the filters.')
  await drawer.getByRole('combobox', { name: 'Lowest level shown' }).selectOption('info')
  await drawer.getByRole('searchbox', { name: 'Search the logs' }).fill('')

  // Lines appended to the file while the drawer is open show up (polled every second), followed.
  const dir = ((await drawer.locator('.logs-foot').textContent()) ?? '').replace(/^Files: /, '').trim()
  const line = { level: 'warn', time: new Date().toISOString(), pid: 1, proc: 'e2e', msg: 'appended by the e2e test', marker: 'e2e-42' }
  appendFileSync(join(dir, 'app.log'), `${JSON.stringify(line)}\n`)
  await expect(rows.filter({ hasText: 'appended by the e2e test' })).toHaveCount(1)
  await expect(rows.last()).toContainText('marker=e2e-42')

  await drawer.screenshot({ path: testInfo.outputPath('logs-drawer.png') })
  saveDocShot(testInfo.outputPath('logs-drawer.png'), 'logs-drawer')
  await page.getByRole('button', { name: 'Close the logs' }).click()
  await expect(drawer).toBeHidden()
})
