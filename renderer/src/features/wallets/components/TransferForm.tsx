import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { formatMoney, shortId } from '../../../shared/format'
import { Alert, Button, Card, Field } from '../../../shared/ui'
import { selectAgents, useWalletsStore } from '../store'
import { newCommandId, validateTransfer, type DraftErrors, type TransferDraft } from '../validate'

const emptyDraft: TransferDraft = { from: '', to: '', amount: '', reason: '' }

/** Send funds between two wallets. Field errors show inline; the ledger's refusal shows below. */
export function TransferForm() {
  const agents = useWalletsStore(useShallow(selectAgents))
  const wallets = useWalletsStore((s) => s.wallets)
  const pending = useWalletsStore((s) => s.transferPending)
  const serverError = useWalletsStore((s) => s.transferError)
  const last = useWalletsStore((s) => s.lastTransfer)
  const transfer = useWalletsStore((s) => s.transfer)
  const clearFeedback = useWalletsStore((s) => s.clearTransferFeedback)

  const [draft, setDraft] = useState<TransferDraft>(emptyDraft)
  const [errors, setErrors] = useState<DraftErrors>({})
  // One id per draft: resubmitting after a lost reply is deduplicated by the ledger.
  const [commandId, setCommandId] = useState(newCommandId)
  const balances = useMemo(() => Object.fromEntries(wallets.map((w) => [w.agent, w.balance])), [wallets])
  const fromBalance = balances[draft.from]
  const prefill = useWalletsStore((s) => s.prefill)
  const sendRef = useRef<HTMLButtonElement>(null)

  // A draft from Get started: shown once, for the user to review and send.
  useEffect(() => {
    if (!prefill || !agents.length) return
    setDraft({ ...prefill, from: agents.includes(prefill.from) ? prefill.from : '', to: agents.includes(prefill.to) ? prefill.to : '' })
    setErrors({})
    setCommandId(newCommandId())
    useWalletsStore.setState({ prefill: null })
    sendRef.current?.scrollIntoView({ block: 'center' })
    sendRef.current?.focus()
  }, [prefill, agents])

  const update = (key: keyof TransferDraft) => (value: string) => {
    setDraft((d) => ({ ...d, [key]: value }))
    setErrors((e) => ({ ...e, [key]: undefined }))
    setCommandId(newCommandId())
    if (serverError || last) clearFeedback()
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    const { input, errors: found } = validateTransfer(draft, agents, balances)
    setErrors(found)
    if (!input) return
    const ok = await transfer({ ...input, commandId })
    if (ok) {
      setDraft((d) => ({ ...d, amount: '', reason: '' }))
      setCommandId(newCommandId())
    }
  }

  return (
    <Card title="Transfer" label="Transfer">
      <form className="transfer-form" onSubmit={(e) => void submit(e)} noValidate aria-label="Transfer funds">
        <div className="form-row">
          <Field label="From" error={errors.from} hint={fromBalance ? `Available ${formatMoney(fromBalance)}` : undefined}>
            <select value={draft.from} onChange={(e) => update('from')(e.target.value)}>
              <option value="">Choose sender…</option>
              {agents.map((a) => <option key={a} value={a}>{a}</option>)}
            </select>
          </Field>
          <Field label="To" error={errors.to}>
            <select value={draft.to} onChange={(e) => update('to')(e.target.value)}>
              <option value="">Choose receiver…</option>
              {agents.map((a) => <option key={a} value={a} disabled={a === draft.from}>{a}</option>)}
            </select>
          </Field>
        </div>
        <div className="form-row">
          <Field label="Amount" error={errors.amount}>
            <input inputMode="decimal" autoComplete="off" placeholder="10.00" value={draft.amount} onChange={(e) => update('amount')(e.target.value)} />
          </Field>
          <Field label="Reason" error={errors.reason} hint="Optional; recorded on the transfer.">
            <input placeholder="Manual transfer" value={draft.reason} onChange={(e) => update('reason')(e.target.value)} />
          </Field>
        </div>
        <div className="form-actions">
          <Button ref={sendRef} type="submit" variant="primary" busy={pending}>Send transfer</Button>
        </div>
        {serverError && (
          <Alert tone="error" title="The ledger refused the transfer">
            {serverError.message} <span className="faint">({serverError.code})</span>
          </Alert>
        )}
        {last && (
          <Alert tone="success" title={last.deduplicated ? 'Already committed' : 'Transfer committed'}>
            {formatMoney(last.amount)} from {last.from} to {last.to}. New balances: {last.from} {formatMoney(last.fromBalance)}, {last.to} {formatMoney(last.toBalance)}.
            <span className="faint mono"> tx {shortId(last.transactionId)}</span>
          </Alert>
        )}
      </form>
    </Card>
  )
}
