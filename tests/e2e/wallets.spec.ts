import { expect, test } from '@playwright/test'
import { saveDocShot } from './docShots'

const token = process.env.E2E_TOKEN!

test('transfer funds and see both balances and the history change', async ({ page }, testInfo) => {
  const sent: string[] = []
  page.on('websocket', (ws) => ws.on('framesent', (f) => { if (String(f.payload).includes('"ledger:transfer"')) sent.push(String(f.payload)) }))
  await page.goto(`/?token=${token}`)
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /Wallets/ }).click()
  await expect(page.getByRole('heading', { name: 'Wallets', level: 1 })).toBeVisible()

  const alpha = page.getByTestId('balance-agent_alpha')
  const beta = page.getByTestId('balance-agent_beta')
  await expect(alpha).toHaveText('100.00')
  await expect(beta).toHaveText('100.00')
  await expect(page.getByText('No transfers yet')).toBeVisible()
  await expect(page.getByRole('region', { name: 'Audit' }).getByText('Invariants OK')).toBeVisible()

  const form = page.getByRole('form', { name: 'Transfer funds' })
  await form.getByLabel('From').selectOption('agent_alpha')
  await form.getByLabel('To').selectOption('agent_beta')
  await form.getByLabel('Amount').fill('10')
  await form.getByLabel('Reason').fill('e2e payment')
  await form.getByRole('button', { name: 'Send transfer' }).click()

  await expect(alpha).toHaveText('90.00')
  await expect(beta).toHaveText('110.00')
  await expect(form.getByText('Transfer committed')).toBeVisible()
  const rows = page.getByTestId('history-row')
  await expect(rows).toHaveCount(1)
  await expect(rows.first()).toContainText('agent_alpha → agent_beta')
  await expect(rows.first()).toContainText('10.00')
  await expect(rows.first()).toContainText('e2e payment')

  // Per-agent history: the receiver sees an incoming transfer.
  await page.getByTestId('wallet-agent_beta').getByRole('button', { name: 'agent_beta' }).click()
  await expect(page.getByRole('heading', { name: 'History · agent_beta' })).toBeVisible()
  await expect(rows.first()).toContainText('↓ from agent_alpha')
  await expect(rows.first()).toContainText('+10.00')
  // Esc goes back to everyone's history.
  await page.keyboard.press('Escape')
  await expect(page.getByRole('heading', { name: 'History · all agents' })).toBeVisible()

  // An overdraft is refused before anything is sent: the field names the available balance.
  const transfersSent = sent.length
  await form.getByLabel('Amount').fill('1000')
  await form.getByRole('button', { name: 'Send transfer' }).click()
  await expect(form.getByText('More than agent_alpha has: the available balance is 90.00.')).toBeVisible()
  await expect(form.getByLabel('Amount')).toHaveAttribute('aria-invalid', 'true')
  await expect(form.getByText('The ledger refused the transfer')).toHaveCount(0)
  await expect(alpha).toHaveText('90.00')
  expect(sent).toHaveLength(transfersSent)

  // A client-side check names the field.
  await form.getByLabel('Amount').fill('ten')
  await form.getByRole('button', { name: 'Send transfer' }).click()
  await expect(form.getByText('"ten" is not a positive number')).toBeVisible()
  await form.getByLabel('Amount').fill('')

  // Balances over time: one line per agent, named in the legend with its balance.
  await expect(page.getByRole('img', { name: 'Balances of 6 wallets over time, 1 transfer' })).toBeVisible()
  const legend = page.getByRole('list', { name: 'Legend' })
  await expect(legend.getByRole('listitem')).toHaveCount(6)
  await expect(legend.getByRole('button', { name: /agent_alpha 90\.00/ })).toBeVisible()
  await expect(legend.getByRole('button', { name: /agent_beta 110\.00/ })).toBeVisible()

  // Screenshots of both themes for CI output and the README.
  await page.setViewportSize({ width: 1360, height: 1240 })
  for (const theme of ['light', 'dark'] as const) {
    if ((await page.locator('html').getAttribute('data-theme')) !== theme) await page.getByRole('button', { name: `Switch to ${theme} theme` }).click()
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme)
    const shot = testInfo.outputPath(`wallets-${theme}.png`)
    await page.screenshot({ path: shot, fullPage: true })
    saveDocShot(shot, theme === 'light' ? 'wallets' : 'wallets-dark')
  }
})

test('keyboard: digits switch screens, arrows move through the nav', async ({ page }) => {
  await page.goto(`/?token=${token}#/wallets`)
  await expect(page.getByRole('heading', { name: 'Wallets', level: 1 })).toBeVisible()
  await page.keyboard.press('1')
  await expect(page.getByRole('form', { name: 'New chat' })).toBeVisible()
  await page.keyboard.press('6')
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible()
  const nav = page.getByRole('navigation', { name: 'Main' })
  await nav.getByRole('link', { name: /Settings/ }).focus()
  await page.keyboard.press('ArrowUp')
  await expect(nav.getByRole('link', { name: /Artifacts/ })).toBeFocused()
  await page.keyboard.press('Enter')
  await expect(page.getByRole('heading', { name: 'Artifacts', level: 1 })).toBeVisible()
})

test('a wrong token is refused', async ({ page }) => {
  const res = await page.goto('/?token=wrong')
  expect(res?.status()).toBe(401)
})
