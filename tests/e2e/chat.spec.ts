import { copyFileSync, mkdirSync } from 'node:fs'
import { expect, test, type Page, type TestInfo } from '@playwright/test'

const token = process.env.E2E_TOKEN!

async function shot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  mkdirSync('docs/screenshots', { recursive: true })
  const file = testInfo.outputPath(`${name}.png`)
  await page.screenshot({ path: file })
  copyFileSync(file, `docs/screenshots/${name}.png`)
}

const messages = (page: Page) => page.getByTestId('message-list')

test('chat round trip with a tool call, then fork from an earlier message and switch branches', async ({ page }, testInfo) => {
  await page.goto(`/?token=${token}#/chat`)
  const newChat = page.getByRole('form', { name: 'New chat' })
  await newChat.getByLabel('Agent').selectOption('agent_alpha')
  await newChat.getByRole('button', { name: 'Start chat' }).click()
  await expect(page.getByText('Say hello to agent_alpha')).toBeVisible()

  const box = page.getByRole('textbox', { name: 'Message' })
  await box.fill('What is the weather in Paris?')
  await box.press('Enter')

  const list = messages(page)
  await expect(list.locator('[data-kind="tool_call"]')).toContainText('get_weather')
  await expect(list.locator('[data-kind="tool_result"]')).toContainText('result')
  const answers = list.locator('[data-kind="assistant_message"]')
  await expect(answers.last()).toContainText("It's 71.6 °F in Paris.")
  await expect(answers.last().getByText('offline scripted model')).toBeVisible()
  await expect(page.getByText('answered', { exact: true })).toBeVisible()

  // Tool details expand in place.
  const call = list.locator('[data-kind="tool_call"]')
  await call.getByRole('button', { name: 'Details' }).click()
  await expect(call.getByRole('group', { name: 'Message details' })).toContainText('"Paris"')

  await box.fill('Tell me something else')
  await box.press('Enter')
  await expect(list.getByText('Tell me something else', { exact: true })).toBeVisible()
  await expect(answers.last()).toContainText('You said: "Tell me something else"')
  await shot(page, testInfo, 'chat')

  // Fork from the first answer: the later question is not on the new branch.
  const firstAnswerIndex = await answers.nth(1).getAttribute('aria-label').then((l) => Number(/message (\d+)/.exec(l!)![1]))
  await page.getByRole('button', { name: `Fork from message ${firstAnswerIndex}` }).click()
  await expect(list.getByText('Tell me something else', { exact: true })).toHaveCount(0)
  const branchSelect = page.getByRole('combobox', { name: 'Branch' })
  await expect(branchSelect.locator('option')).toHaveCount(2)
  const forkBranch = await branchSelect.inputValue()
  expect(forkBranch).toMatch(/^[0-9a-f]{8}$/)
  await box.fill('A different follow-up')
  await box.press('Enter')
  await expect(answers.last()).toContainText('You said: "A different follow-up"')

  // Branches screen: tree, compare, checkout main.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /Branches/ }).click()
  await expect(page.getByRole('heading', { name: 'Branches', level: 1 })).toBeVisible()
  const tree = page.getByRole('tree', { name: 'Branch tree' })
  await expect(tree.getByRole('treeitem')).toHaveCount(2)
  await tree.getByRole('treeitem', { name: /^Branch main/ }).click()
  await page.getByRole('button', { name: 'Compare' }).click()
  const compare = page.getByRole('region', { name: 'Compare branches' })
  await expect(compare.getByRole('region', { name: 'Branch main' })).toContainText('Tell me something else')
  await expect(compare.getByRole('region', { name: `Branch ${forkBranch}` })).toContainText('A different follow-up')
  await shot(page, testInfo, 'branches')
  await page.getByRole('button', { name: 'Checkout' }).click()
  await expect(tree.getByRole('treeitem', { name: /^Branch main, checked out/ })).toBeVisible()

  // Back in chat, main is checked out again with its own follow-up.
  await page.keyboard.press('1')
  await expect(branchSelect).toHaveValue('main')
  await expect(list.getByText('Tell me something else', { exact: true })).toBeVisible()
  await expect(list.getByText('A different follow-up', { exact: true })).toHaveCount(0)
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

test('artifacts: filter, view JSON and diff two', async ({ page }, testInfo) => {
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
  await shot(page, testInfo, 'artifacts')
})

test('settings: test connection shows a clear failure for an unreachable URL', async ({ page }, testInfo) => {
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
  await shot(page, testInfo, 'settings')
})
