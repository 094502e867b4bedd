import { expect, test, type Page, type TestInfo } from '@playwright/test'
import { saveDocShot } from './docShots'

const token = process.env.E2E_TOKEN!

async function shot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const file = testInfo.outputPath(`${name}.png`)
  await page.screenshot({ path: file })
  saveDocShot(file, name)
}

const messages = (page: Page) => page.getByTestId('message-list')

/** Light and dark screenshots of what is on screen, for the README. */
async function themedShots(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  for (const theme of ['light', 'dark'] as const) {
    if ((await page.locator('html').getAttribute('data-theme')) !== theme) await page.getByRole('button', { name: `Switch to ${theme} theme` }).click()
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme)
    await shot(page, testInfo, theme === 'light' ? name : `${name}-dark`)
  }
}

async function newChat(page: Page, agent: string): Promise<void> {
  await page.goto(`/?token=${token}#/chat`)
  const form = page.getByRole('form', { name: 'New chat' })
  await form.getByLabel('Agent').selectOption(agent)
  await form.getByRole('button', { name: 'Start chat' }).click()
  await expect(page.getByText(`Say hello to ${agent}`)).toBeVisible()
}

async function ask(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Message' })
  await expect(box).toBeEnabled()
  const answers = messages(page).locator('[data-kind="answer"]')
  const before = await answers.count()
  await box.fill(text)
  await box.press('Enter')
  await expect(messages(page).getByText(text, { exact: true })).toBeVisible()
  await expect(answers).toHaveCount(before + 1)
  await expect(page.getByText('answered', { exact: true })).toBeVisible()
}

const noHorizontalOverflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)

test('a turn is the question, one step per tool call (delegations nested) and the answer', async ({ page }) => {
  await newChat(page, 'agent_alpha')
  await ask(page, 'What is the weather in Paris?')
  const list = messages(page)
  const rows = list.getByTestId('message')
  await expect(rows).toHaveCount(3)
  await expect(rows.nth(0)).toHaveAttribute('data-kind', 'user')
  await expect(rows.nth(1)).toHaveAttribute('data-kind', 'step')
  await expect(rows.nth(2)).toHaveAttribute('data-kind', 'answer')
  await expect(list.getByText(/Waiting for/)).toHaveCount(0)
  await expect(rows.nth(2)).toContainText("It's 71.6 °F in Paris.")
  // "offline" is said once, in the header, not on every answer.
  await expect(rows.nth(2).getByText('offline scripted model')).toHaveCount(0)
  await expect(page.locator('.chat-header').getByText('offline', { exact: true })).toHaveCount(1)

  // The step opens in place with pretty-printed arguments and result.
  const step = list.getByRole('button', { name: /^Used get_weather, ok/ })
  await step.click()
  const details = list.getByRole('group', { name: 'Used get_weather details' })
  await expect(details.getByText('Arguments')).toBeVisible()
  await expect(details.locator('pre').first()).toHaveText('{\n  "location": "Paris"\n}')
  await expect(details.getByText('Result')).toBeVisible()
  await step.click()
  await expect(details).toHaveCount(0)
  // Esc closes an open step and leaves focus on its line.
  await step.click()
  await expect(details).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(details).toHaveCount(0)
  await expect(step).toBeFocused()

  // A delegation is one step; its child's own tool call is nested inside it.
  await ask(page, 'Ask agent_helper: what is the weather in Tokyo?')
  const asked = list.getByRole('button', { name: /^Asked agent_helper/ })
  await expect(asked).toHaveCount(1)
  await asked.click()
  const nested = list.getByRole('group', { name: 'Asked agent_helper details' })
  await expect(nested.getByRole('button', { name: /^Used get_weather, ok/ })).toBeVisible()
  await expect(nested.getByText('what is the weather in Tokyo?').first()).toBeVisible()
  // Esc closes the innermost open step first: the child's step, then the delegation.
  await nested.getByRole('button', { name: /^Used get_weather, ok/ }).click()
  await expect(nested.getByRole('group', { name: 'Used get_weather details' })).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(nested.getByRole('group', { name: 'Used get_weather details' })).toHaveCount(0)
  await expect(nested).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(nested).toHaveCount(0)
  await asked.click()

  // The header names the model that answers, with a picker.
  await expect(page.getByRole('combobox', { name: 'Model' })).toContainText('openai/gpt-4o')

  // The Branches screen also shows the delegated agent's stack.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /Branches/ }).click()
  await page.getByRole('combobox', { name: 'Agent' }).selectOption('agent_helper')
  await expect(page.getByRole('tree', { name: 'Branch tree' }).getByRole('treeitem', { name: /^Branch main, checked out, \d+ entries: what is the weather in Tokyo\?/ })).toBeVisible()
})

test('answers render as Markdown (never raw HTML) with a copy button', async ({ page }) => {
  await page.goto(`/?token=${token}#/chat`)
  await page.getByRole('button', { name: /^formatted answer/ }).click()
  const answer = messages(page).locator('[data-kind="answer"]')
  await expect(answer.getByRole('heading', { name: 'Options' })).toBeVisible()
  await expect(answer.locator('strong')).toHaveText('save')
  await expect(answer.locator('em')).toHaveText('spend')
  await expect(answer.locator('li')).toHaveCount(2)
  await expect(answer.locator('code').first()).toHaveText('100.0')
  const link = answer.getByRole('link', { name: 'the docs' })
  await expect(link).toHaveAttribute('href', 'https://example.com/docs')
  await expect(link).toHaveAttribute('rel', 'noopener noreferrer')
  await expect(answer.locator('pre')).toHaveText('{"balance": "100.0"}')
  await expect(answer.getByRole('button', { name: /^Copy message/ })).toBeVisible()
})

test('Edit & resend forks and keeps the original; the rail shows both branches by their text', async ({ page }, testInfo) => {
  await newChat(page, 'agent_beta')
  await ask(page, 'What is my balance?')
  await ask(page, 'Tell me something else')
  const list = messages(page)
  const second = list.locator('[data-kind="user"]').filter({ hasText: 'Tell me something else' })
  const index = await second.getAttribute('aria-label').then((l) => Number(/message (\d+)/.exec(l!)![1]))
  await second.hover()
  await page.getByRole('button', { name: `Edit and resend message ${index}` }).click()
  // Esc closes the edit box without sending; open it again.
  await page.keyboard.press('Escape')
  await expect(page.getByRole('textbox', { name: 'Edited message' })).toHaveCount(0)
  await second.hover()
  await page.getByRole('button', { name: `Edit and resend message ${index}` }).click()
  await page.getByRole('textbox', { name: 'Edited message' }).fill('Tell me a different thing')
  await page.getByRole('button', { name: 'Send on a new branch' }).click()
  await expect(list.getByText('Tell me a different thing', { exact: true })).toBeVisible()
  await expect(list.getByText('Tell me something else', { exact: true })).toHaveCount(0)
  await expect(page.getByText('answered', { exact: true })).toBeVisible()

  const rail = page.getByRole('tree', { name: 'Branch tree' })
  await expect(rail.getByRole('treeitem')).toHaveCount(2)
  await expect(rail.getByRole('treeitem', { name: /checked out: Tell me a different thing/ })).toBeVisible()
  await themedShots(page, testInfo, 'chat')

  // The original is still there.
  await rail.getByRole('treeitem', { name: /^Branch main: What is my balance\?/ }).click()
  await expect(list.getByText('Tell me something else', { exact: true })).toBeVisible()
  await expect(list.getByText('Tell me a different thing', { exact: true })).toHaveCount(0)

  // The conversation is titled by its first message, and can be found, renamed and deleted.
  const pane = page.getByRole('complementary', { name: 'Conversations' })
  await pane.getByRole('searchbox', { name: 'Search conversations' }).fill('my balance')
  await expect(pane.getByRole('button', { name: /^What is my balance\?/ })).toBeVisible()
  await expect(pane.getByRole('button', { name: /long conversation/ })).toHaveCount(0)
  const row = pane.locator('.conv-row').filter({ hasText: 'What is my balance?' })
  await row.getByRole('button', { name: 'Rename' }).click()
  await pane.getByRole('textbox', { name: 'New name' }).fill('Balance questions')
  await pane.getByRole('button', { name: 'Save' }).click()
  await pane.getByRole('searchbox', { name: 'Search conversations' }).fill('')
  await expect(page.getByRole('heading', { name: 'Balance questions', level: 1 })).toBeVisible()
  await pane.locator('.conv-row').filter({ hasText: 'Balance questions' }).getByRole('button', { name: 'Delete' }).click()
  await pane.getByRole('group', { name: 'Delete Balance questions?' }).getByRole('button', { name: 'Delete' }).click()
  await expect(pane.getByRole('button', { name: /^Balance questions/ })).toHaveCount(0)
  await expect(page.getByText('Pick a conversation')).toBeVisible()
})

test('rewind in the UI forks and keeps the original; the Branches tree shows message text', async ({ page }, testInfo) => {
  await newChat(page, 'agent_beta')
  await ask(page, 'First question here')
  await ask(page, 'Second question here')
  const list = messages(page)
  await expect(list.getByTestId('message')).toHaveCount(4)

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /Branches/ }).click()
  await expect(page.getByRole('heading', { name: 'Branches', level: 1 })).toBeVisible()
  const tree = page.getByRole('tree', { name: 'Branch tree' })
  await expect(tree.getByRole('treeitem')).toHaveCount(1)
  await expect(tree.getByRole('treeitem', { name: /^Branch main, checked out, 4 entries: First question here/ })).toBeVisible()
  await page.getByLabel('Rewind to entry').fill('1')
  await page.getByRole('button', { name: 'Rewind', exact: true }).click()
  await expect(tree.getByRole('treeitem')).toHaveCount(2)
  // main keeps all four entries; the new branch has two and is checked out.
  await expect(tree.getByRole('treeitem', { name: /^Branch main, 4 entries/ })).toBeVisible()
  await expect(tree.getByRole('treeitem', { name: /checked out, 2 entries: after “/ })).toBeVisible()

  // Compare follows the branch change.
  await tree.getByRole('treeitem', { name: /^Branch main/ }).click()
  await page.getByRole('button', { name: 'Compare' }).click()
  const compare = page.getByRole('region', { name: 'Compare branches' })
  await expect(compare.getByRole('region', { name: 'Branch main' })).toContainText('Second question here')
  await themedShots(page, testInfo, 'branches')

  await page.getByRole('button', { name: 'Checkout' }).click()
  await expect(tree.getByRole('treeitem', { name: /^Branch main, checked out/ })).toBeVisible()
  await page.keyboard.press('1')
  await expect(list.getByText('Second question here', { exact: true })).toBeVisible()
})

test('a branch stuck on a tool call offers Resume and Cancel, and both work', async ({ page }) => {
  await page.goto(`/?token=${token}#/chat`)
  const pane = page.getByRole('complementary', { name: 'Conversations' })
  await pane.getByRole('button', { name: /^stuck on a tool call/ }).click()
  const banner = page.getByRole('status', { name: 'This branch is stuck' })
  await expect(banner).toContainText('get_weather')
  await expect(page.getByText('running tools…')).toHaveCount(0)
  await page.getByRole('textbox', { name: 'Message' }).fill('Can I ask something new?')
  await expect(page.getByRole('button', { name: 'Send', exact: true })).toBeDisabled()
  await banner.getByRole('button', { name: 'Resume' }).click()
  await expect(banner).toHaveCount(0)
  await expect(page.getByText('answered', { exact: true })).toBeVisible()
  await expect(messages(page).getByRole('button', { name: /^Used get_weather, ok/ })).toBeVisible()
  await expect(messages(page).locator('[data-kind="answer"]')).toHaveCount(1)
  await expect(page.getByRole('button', { name: 'Send', exact: true })).toBeEnabled()

  await pane.getByRole('button', { name: /^stuck, to cancel/ }).click()
  await expect(banner).toBeVisible()
  await banner.getByRole('button', { name: 'Cancel' }).click()
  await expect(banner).toHaveCount(0)
  await expect(messages(page).getByRole('button', { name: /^Used get_weather, error/ })).toContainText('cancelled')
  await page.getByRole('textbox', { name: 'Message' }).fill('Next question')
  await expect(page.getByRole('button', { name: 'Send', exact: true })).toBeEnabled()
})

test('at 1024×700 Chat and Branches fit without horizontal scrolling', async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 700 })
  await newChat(page, 'agent_alpha')
  await ask(page, 'What is the weather in Reykjavik today, and should I bring a very warm coat for the evening walk?')
  await page.getByRole('button', { name: 'Overrides' }).click()
  const overrides = page.getByRole('form', { name: 'Overrides' })
  for (const field of ['Model', 'Persona']) {
    const box = await overrides.getByLabel(field, { exact: true }).boundingBox()
    expect(box!.height, `${field} field height`).toBeLessThan(50)
  }
  const title = await page.getByRole('heading', { level: 1 }).boundingBox()
  expect(title!.height).toBeLessThan(40)
  expect(await noHorizontalOverflow(page)).toBe(true)
  // Esc closes the Overrides panel.
  await page.keyboard.press('Escape')
  await expect(overrides).toHaveCount(0)
  await expect(page.getByRole('button', { name: 'Overrides' })).toHaveAttribute('aria-expanded', 'false')
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /Branches/ }).click()
  await expect(page.getByRole('tree', { name: 'Branch tree' })).toBeVisible()
  expect(await noHorizontalOverflow(page)).toBe(true)
})

test('a 10k-entry conversation renders only the visible rows and scrolls to the start', async ({ page }) => {
  await page.goto(`/?token=${token}#/chat`)
  await page.getByRole('button', { name: /long conversation \(10k\)/ }).click()
  const list = messages(page)
  await expect(list).toHaveAttribute('aria-label', 'Conversation, 10000 messages')
  await expect(list.getByText('answer 5000', { exact: true })).toBeVisible()
  expect(await list.getByTestId('message').count()).toBeLessThan(60)
  await list.evaluate((el) => { el.scrollTop = 0 })
  await expect(list.getByText('question 1', { exact: true })).toBeVisible()
  expect(await list.getByTestId('message').count()).toBeLessThan(60)
})

test('artifacts: filter, view JSON and diff two', async ({ page }) => {
  await page.goto(`/?token=${token}#/artifacts`)
  await expect(page.getByRole('heading', { name: 'Artifacts', level: 1 })).toBeVisible()
  const rows = page.getByTestId('artifact-row')
  await expect(rows.first()).toBeVisible()
  await page.getByRole('searchbox', { name: 'Search' }).fill('tool_call')
  await expect(rows.first()).toContainText('tool_call')
  await page.getByRole('searchbox', { name: 'Search' }).fill('')
  await rows.nth(0).click()
  await expect(page.getByRole('group', { name: 'Payload' })).toContainText('kind')
  await rows.nth(0).getByRole('checkbox').check()
  await rows.nth(1).getByRole('checkbox').check()
  await page.getByRole('button', { name: 'Diff 2/2' }).click()
  await expect(page.getByLabel('Diff', { exact: true })).toContainText('@@')
})

test('settings: test connection shows a clear failure for an unreachable URL', async ({ page }) => {
  await page.goto(`/?token=${token}#/settings`)
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible()
  await expect(page.getByText('Keys are kept in memory for this session only')).toBeVisible()
  await page.getByLabel('OpenAI-compatible base URL').fill('http://127.0.0.1:9/v1')
  await page.getByRole('button', { name: 'Test model connection' }).click()
  const alert = page.getByRole('alert').filter({ hasText: 'Connection failed' })
  await expect(alert).toContainText('Nothing answered at http://127.0.0.1:9/v1/models')
  await page.getByLabel('Redis URL').fill('redis://127.0.0.1:9')
  await page.getByRole('button', { name: 'Test Redis connection' }).click()
  await expect(page.getByRole('alert').filter({ hasText: 'connection refused' })).toBeVisible()
})
