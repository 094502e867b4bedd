import { useEffect, useState } from 'react'
import { useChatStore } from '../features/chat'
import { useRolloutsStore } from '../features/rollouts'
import { prefillTransfer } from '../features/wallets'
import { getClient } from '../shared/client'
import { formatMoney } from '../shared/format'
import { useHostStore } from '../shared/host'
import { Alert, Button, Icon, type IconName } from '../shared/ui'
import { navigate } from './useRoute'
import './start.css'

const CHAT_AGENT = 'agent_alpha'
const ROLLOUT_FILE = 'rollout_joke.yml'
const FIRST_TRANSFER = { from: 'agent_alpha', to: 'agent_beta', amount: '10', reason: 'My first transfer' }

interface Step {
  icon: IconName
  title: string
  text: string
  button: string
  run: () => Promise<string | null>
}

/** Each step takes the user to its screen with everything filled in; resolves to an error message or null. */
const STEPS: Step[] = [
  {
    icon: 'chat',
    title: 'Chat with an agent',
    text: `Open a conversation with ${CHAT_AGENT}. Ask for the weather in Paris, or ask it to pay agent_beta: tool calls, delegations and payments show inline.`,
    button: `Chat with ${CHAT_AGENT}`,
    async run() {
      const id = await useChatStore.getState().create(CHAT_AGENT)
      navigate('chat')
      return id ? null : useChatStore.getState().error?.message ?? `Could not start a chat with ${CHAT_AGENT}.`
    },
  },
  {
    icon: 'rollouts',
    title: 'Run a rollout',
    text: `Open ${ROLLOUT_FILE}: three variants of a joke-writing team, each scored by a judge. It opens checked and ready; press Start rollout.`,
    button: `Run ${ROLLOUT_FILE}`,
    async run() {
      const files = await getClient().invoke('rollouts:files', {})
      const file = files.find((f) => f.name === ROLLOUT_FILE)
      if (!file) return `${ROLLOUT_FILE} is not in the config folder; open any rollout YAML on the Rollouts screen.`
      const opening = useRolloutsStore.getState().open({ name: file.name, text: file.text, source: 'config' })
      navigate('rollouts')
      await opening
      return null
    },
  },
  {
    icon: 'wallets',
    title: 'Make a transfer',
    text: `Send ${formatMoney(FIRST_TRANSFER.amount)} from ${FIRST_TRANSFER.from} to ${FIRST_TRANSFER.to} on the ledger. The form opens filled in; every change is audited.`,
    button: 'Make a transfer',
    async run() {
      prefillTransfer(FIRST_TRANSFER)
      navigate('wallets')
      return null
    },
  },
]

/** The first-run view: what the first start set up, which model answers, and three ways in. */
export function GetStarted() {
  const info = useHostStore((s) => s.info)
  const model = useHostStore((s) => s.model)
  const [wallets, setWallets] = useState<number | null>(null)
  const [busy, setBusy] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    getClient().invoke('ledger:wallets', {}).then((w) => setWallets(w.length), () => setWallets(null))
  }, [])

  const go = async (step: Step) => {
    setBusy(step.button)
    setError(null)
    try {
      setError(await step.run())
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err))
    } finally {
      setBusy(null)
    }
  }

  const first = info?.firstStart
  return (
    <div className="screen start">
      <header className="screen-header">
        <div>
          <h1>Get started</h1>
          <p className="muted">A workbench for multi-agent systems: chat with agents, branch conversations, run rollouts and watch payments on the ledger.</p>
        </div>
      </header>

      <section className="start-facts" aria-label="Setup">
        <div className="fact" data-testid="fact-wallets">
          <span className="fact-icon"><Icon name="wallets" /></span>
          <div>
            <strong>{first?.created.length ? `Created ${first.created.length} wallets` : wallets !== null ? `${wallets} wallets on the ${info?.ledgerBackend ?? 'embedded'} ledger` : 'Ledger'}</strong>
            <p className="faint">
              {first?.created.length
                ? `One per configured agent, ${formatMoney(first.balance ?? '0')} each: ${first.created.join(', ')}.`
                : first?.error ?? 'Wallets for the configured agents are created on the first start.'}
            </p>
          </div>
        </div>
        <div className="fact" data-testid="fact-model">
          <span className="fact-icon"><Icon name="model" /></span>
          <div>
            <strong>{!model ? 'Model' : model.offline ? 'Offline scripted model answers' : `${model.model} answers`}</strong>
            <p className="faint">
              {!model ? '…' : model.offline
                ? <>No API key or local model server yet ({model.reason}). Replies are scripted and labelled. <a href="#/settings">Add a key or a server in Settings</a>.</>
                : model.reason}
            </p>
          </div>
        </div>
      </section>

      {first?.error && <Alert tone="error" title="Wallets were not created">{first.error}</Alert>}
      {error && <Alert tone="error" title="That did not open">{error}</Alert>}

      <section className="start-steps" aria-label="First steps">
        {STEPS.map((step, i) => (
          <article key={step.title} className="card start-step">
            <div className="start-step-num" aria-hidden="true">{i + 1}</div>
            <div className="start-step-body">
              <h2><Icon name={step.icon} /> {step.title}</h2>
              <p className="muted">{step.text}</p>
            </div>
            <div className="start-step-action">
              <Button variant={i === 0 ? 'primary' : 'secondary'} busy={busy === step.button} onClick={() => void go(step)}>
                {step.button} <Icon name="arrow" size={16} />
              </Button>
            </div>
          </article>
        ))}
      </section>

      <section className="card start-more" aria-label="More">
        <div className="card-body">
          <h2 className="card-title">Also good to know</h2>
          <ul>
            <li>Press <kbd>?</kbd> for keyboard shortcuts, <kbd>1</kbd>–<kbd>6</kbd> to switch screens and <kbd>0</kbd> to come back here.</li>
            <li>The same engine has a CLI: <code>npx p2engine chat with agent_alpha</code>, <code>npx p2engine ledger audit</code>, <code>npx p2engine --help</code>.</li>
            {info && <li>State lives in <code>{info.home}</code>; config in <code>{info.configDir}</code>.</li>}
          </ul>
        </div>
      </section>
    </div>
  )
}
