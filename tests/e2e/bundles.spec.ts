import { readFileSync } from 'node:fs'
import { expect, test, type Page } from '@playwright/test'
import { unzip } from '../../main/bundles/read'
import { zipBundle } from '../../main/bundles/write'

const token = process.env.E2E_TOKEN!

/** The same bundle as if made on another machine: the manifest names another source machine. */
async function fromAnotherMachine(bytes: Buffer): Promise<Buffer> {
  const files = await unzip(bytes, 'b')
  const manifest = JSON.parse(files.get('manifest.json')!.toString('utf8')) as Parameters<typeof zipBundle>[0]
  files.delete('manifest.json')
  return zipBundle({ ...manifest, sourceMachine: `m_${'e2e0'.repeat(8)}` }, [...files.entries()])
}

/** Drops a file on the window as a user dragging it from the desktop would (dragenter, dragover, drop with a DataTransfer). */
async function dropFile(page: Page, name: string, bytes: Buffer): Promise<void> {
  const transfer = await page.evaluateHandle(({ name, b64 }) => {
    const bin = atob(b64)
    const data = new Uint8Array(bin.length)
    for (let i = 0; i < bin.length; i++) data[i] = bin.charCodeAt(i)
    const dt = new DataTransfer()
    dt.items.add(new File([data], name, { type: 'application/zip' }))
    return dt
  }, { name, b64: bytes.toString('base64') })
  await page.dispatchEvent('main', 'dragenter', { dataTransfer: transfer })
  await expect(page.getByTestId('bundle-drop-overlay')).toBeVisible()
  await page.dispatchEvent('main', 'dragover', { dataTransfer: transfer })
  await page.dispatchEvent('main', 'drop', { dataTransfer: transfer })
  await expect(page.getByTestId('bundle-drop-overlay')).toHaveCount(0)
}

test('export a conversation bundle (download), import it via the file chooser and via drag-and-drop with a preview', async ({ page }) => {
  await page.goto(`/?token=${token}#/chat`)
  const form = page.getByRole('form', { name: 'New chat' })
  await form.getByLabel('Agent').selectOption('agent_alpha')
  await form.getByRole('button', { name: 'Start chat' }).click()
  const box = page.getByRole('textbox', { name: 'Message' })
  await expect(box).toBeEnabled()
  await box.fill('What is the weather in Paris?')
  await box.press('Enter')
  await expect(page.getByText('answered', { exact: true })).toBeVisible()

  // Export: the browser downloads NAME.p2bundle.
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('.chat-header').getByRole('button', { name: 'Export bundle' }).click()])
  expect(download.suggestedFilename()).toMatch(/\.p2bundle$/)
  const bytes = readFileSync((await download.path())!)

  // Import into the same home via the file chooser: the preview says it is already here; importing changes nothing.
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: 'Import bundle' }).click()])
  await chooser.setFiles({ name: download.suggestedFilename(), mimeType: 'application/zip', buffer: bytes })
  const dialog = page.getByRole('dialog', { name: 'Import bundle' })
  await expect(dialog.getByTestId('bundle-preview')).toBeVisible()
  await expect(dialog.getByTestId('count-conversations')).toHaveText('1')
  await expect(dialog.getByText('Already here, skipped:')).toBeVisible()
  await dialog.getByRole('button', { name: 'Import', exact: true }).click()
  await expect(dialog.getByTestId('bundle-imported')).toContainText('Nothing changed')
  await dialog.getByRole('button', { name: 'Close', exact: true }).click()
  await expect(dialog).toHaveCount(0)

  // The same bundle as if from another machine, dropped on the window: the name is taken, so it is imported under a new one, with its origin.
  await dropFile(page, 'elsewhere.p2bundle', await fromAnotherMachine(bytes))
  await expect(dialog.getByTestId('bundle-preview')).toBeVisible()
  await expect(dialog.getByTestId('count-conversations')).toHaveText('1')
  await expect(dialog.getByText(/name taken here: becomes “agent_alpha .* \(imported\)”/)).toBeVisible()
  await dialog.getByRole('button', { name: 'Import', exact: true }).click()
  await expect(dialog.getByTestId('bundle-imported')).toContainText(/Imported conversation agent_alpha .* \(imported\)/)
  await dialog.getByRole('button', { name: 'Close', exact: true }).click()
  await page.locator('button.conv[title$="(imported)"]').click()
  await expect(page.getByTestId('bundle-origin')).toHaveText('imported from bundle elsewhere.p2bundle')
  await expect(page.getByTestId('message-list').getByText("It's 71.6 °F in Paris.")).toBeVisible()
})
