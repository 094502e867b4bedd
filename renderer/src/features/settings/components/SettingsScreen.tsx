import { useEffect, useState, type FormEvent } from 'react'
import type { ConnectionTest, SettingsView } from '../../../../../preload/contract'
import { Alert, Badge, Button, Card, Field, Spinner } from '../../../shared/ui'
import { useSettingsStore } from '../store'
import './settings.css'

type Draft = Omit<SettingsView, 'openaiApiKey' | 'keyStorage' | 'file' | 'restartRequired'> & { openaiApiKey: string }

function TestResult({ result }: { result: ConnectionTest | 'running' | undefined }) {
  if (!result) return null
  if (result === 'running') return <div className="test-result"><Spinner label="Testing connection" /> Testing…</div>
  return (
    <Alert tone={result.ok ? 'success' : 'error'} title={result.ok ? `Connected (${result.ms} ms)` : 'Connection failed'}>
      {result.message}
    </Alert>
  )
}

/** The Settings screen: providers, key, defaults, ledger and Redis, with connection tests. */
export function SettingsScreen() {
  const s = useSettingsStore()
  const [draft, setDraft] = useState<Draft | null>(null)

  useEffect(() => {
    void useSettingsStore.getState().load()
  }, [])
  useEffect(() => {
    if (s.view) {
      const { openaiApiKey: _key, keyStorage: _ks, file: _f, restartRequired: _r, ...rest } = s.view
      setDraft({ ...rest, openaiApiKey: '' })
    }
  }, [s.view])

  if (!s.view || !draft) {
    return (
      <div className="screen"><header className="screen-header"><h1>Settings</h1></header>
        {s.error ? <Alert tone="error" title="Could not read the settings">{s.error.message} <span className="faint">({s.error.code})</span></Alert> : <Spinner label="Loading settings" />}
      </div>
    )
  }
  const v = s.view
  const up = (k: keyof Draft) => (value: string) => {
    setDraft({ ...draft, [k]: value } as Draft)
    s.edited(k)
  }
  const fe = s.fieldErrors
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const { openaiApiKey, ...rest } = draft
    await s.save({ ...rest, ...(openaiApiKey.trim() ? { openaiApiKey: openaiApiKey.trim() } : {}) })
  }

  return (
    <div className="screen settings">
      <header className="screen-header">
        <div>
          <h1>Settings</h1>
          <p className="muted">Saved in <code>{v.file}</code>. API keys are never written there.</p>
        </div>
        {v.restartRequired && <Badge tone="warn" title="The running engine keeps its settings until restart">restart to apply</Badge>}
      </header>
      <form className="settings-grid" onSubmit={(e) => void submit(e)} aria-label="Settings" noValidate>
        <Card title="Model provider" label="Model provider">
          <div className="settings-fields">
            <Field label="OpenAI API key" error={fe.openaiApiKey} hint={v.openaiApiKey.set ? `A key is stored (${v.openaiApiKey.hint}). Type a new one to replace it.` : 'Leave empty to use a local server or the offline scripted model.'}>
              <input type="password" autoComplete="off" value={draft.openaiApiKey} placeholder={v.openaiApiKey.set ? `stored ${v.openaiApiKey.hint}` : 'sk-…'} onChange={(e) => up('openaiApiKey')(e.target.value)} />
            </Field>
            {v.keyStorage === 'memory' ? (
              <Alert tone="info" title="Keys are kept in memory for this session only">
                The browser host has no OS keychain, so a key entered here is forgotten when <code>p2engine ui</code> stops. The desktop app stores keys encrypted with the OS keychain.
              </Alert>
            ) : (
              <p className="faint small">Keys are encrypted with the OS keychain (safeStorage).</p>
            )}
            {v.openaiApiKey.set && <Button type="button" variant="ghost" onClick={() => void s.save({ openaiApiKey: null })}>Remove stored key</Button>}
            <Field label="OpenAI-compatible base URL" error={fe.baseUrl} hint="OpenAI: https://api.openai.com/v1 · Ollama: http://127.0.0.1:11434/v1 · LM Studio: http://127.0.0.1:1234/v1">
              <input value={draft.baseUrl} onChange={(e) => up('baseUrl')(e.target.value)} />
            </Field>
            <div className="test-row">
              <Button type="button" onClick={() => void s.test('model', draft.baseUrl)} busy={s.tests.model === 'running'} aria-label="Test model connection">Test connection</Button>
            </div>
            <TestResult result={s.tests.model} />
            <Field label="Default model" error={fe.defaultModel} hint='"provider/model", e.g. openai/gpt-4o, ollama/llama3, local/scripted'>
              <input value={draft.defaultModel} onChange={(e) => up('defaultModel')(e.target.value)} />
            </Field>
          </div>
        </Card>
        <Card title="Engine and ledger" label="Engine and ledger">
          <div className="settings-fields">
            <Field label="Duplicate tool calls" hint="none: allow · penalty: allow with a reward penalty · strict: refuse repeats">
              <select value={draft.dedupPolicy} onChange={(e) => up('dedupPolicy')(e.target.value)}>
                <option value="none">none</option><option value="penalty">penalty</option><option value="strict">strict</option>
              </select>
            </Field>
            <Field label="Ledger backend" hint="embedded: SQLite, no setup · canton: a Canton participant (see README)">
              <select value={draft.ledgerBackend} onChange={(e) => up('ledgerBackend')(e.target.value)}>
                <option value="embedded">embedded</option><option value="canton">canton</option>
              </select>
            </Field>
            <Field label="Redis URL" error={fe.redisUrl} hint="Optional, e.g. redis://127.0.0.1:6379">
              <input value={draft.redisUrl} placeholder="redis://127.0.0.1:6379" onChange={(e) => up('redisUrl')(e.target.value)} />
            </Field>
            <div className="test-row">
              <Button type="button" onClick={() => void s.test('redis', draft.redisUrl || undefined)} busy={s.tests.redis === 'running'} aria-label="Test Redis connection">Test connection</Button>
            </div>
            <TestResult result={s.tests.redis} />
          </div>
        </Card>
        <div className="settings-actions">
          {Object.keys(fe).length > 0 && <Alert tone="error" title="Not saved">Fix the {Object.keys(fe).length === 1 ? 'marked field' : `${Object.keys(fe).length} marked fields`} and save again.</Alert>}
          {s.error && <Alert tone="error" title="Not saved">{s.error.message}</Alert>}
          {s.saved && !s.error && <Alert tone="success" title="Saved">{v.restartRequired ? 'Restart the app to apply the changes to the running engine.' : 'Settings are in use.'}</Alert>}
          <Button type="submit" variant="primary" busy={s.saving}>Save settings</Button>
        </div>
      </form>
    </div>
  )
}
