import { createHash, randomBytes } from 'node:crypto'
import { formatDecimal, parseDecimal } from '../../../engine/ledger/decimal'
import type { components } from '../generated/ledgerApi'
import { cantonError, DamlRejection } from './fakeErrors'
import { FakeUsers } from './fakeUsers'

type S = components['schemas']
type JsTransaction = S['JsTransaction']
type CreatedEvent = S['CreatedEvent']
type Event = S['Event']

const PACKAGE_ID = createHash('sha256').update('p2engine-ledger-1.0.0').digest('hex')
const DAML_PRIM = createHash('sha256').update('daml-prim').digest('hex')
const SYNCHRONIZER = 'sandbox::1220' + '0'.repeat(60)

export { cantonError, DamlRejection }

interface Contract {
  id: string
  template: 'AgentWallet' | 'TransferRecord'
  args: Record<string, string>
  created: CreatedEvent
  createdOffset: number
  archivedOffset?: number
  workflowId?: string
}

const assertFailed = (msg: string) => new DamlRejection(409, cantonError(
  'UNHANDLED_EXCEPTION',
  `Interpretation error: Error: Unhandled Daml exception: DA.Exception.AssertionFailed:AssertionFailed@3f4deaf1{ message = "${msg}" }`,
  9, 9,
))
const notFound = (id: string) => new DamlRejection(404, cantonError('CONTRACT_NOT_FOUND', `Contract could not be found with id ${id}`, 11, 5, { contract_id: id }))
const invalid = (cause: string) => new DamlRejection(422, cantonError('INVALID_ARGUMENT', `The submitted request has invalid arguments: ${cause}`, 8, 3))

/** Daml Numeric 10 as Canton renders it: always 10 fractional digits. */
const numeric = (units: bigint): string => {
  const [i, f = ''] = formatDecimal(units).split('.')
  return `${i}.${f.padEnd(10, '0')}`
}

/**
 * The ledger behind the fake server: the `P2Engine.Ledger` templates of `daml/v3` with their
 * Daml semantics (ensure clause, consuming `Transfer` with its assertions and fetch), an active
 * contract set with offsets, and command deduplication by change id (userId, actAs, commandId).
 */
export class FakeDamlEngine {
  end = 0
  readonly transactions: Array<{ tx: JsTransaction; actAs: string[] }> = []
  private readonly contracts = new Map<string, Contract>()
  private readonly partySet: string[] = []
  private readonly changes = new Map<string, string>()
  darUploads = 0
  /** The participant's users (a user must exist before a party is allocated for it or rights are granted). */
  readonly users = new FakeUsers((p) => this.partySet.includes(p))

  /** `darPreloaded: false` models a participant without the model: commands fail until a DAR is uploaded. */
  constructor(private readonly options: { darPreloaded?: boolean } = {}) {}

  parties(): string[] { return [...this.partySet] }

  /**
   * Allocates `<hint>::1220…`. With `userId`, that user gets CanActAs on the new party, and it
   * must exist: like Canton, the party is allocated and then granting fails with USER_NOT_FOUND.
   */
  allocateParty(hint?: string, userId?: string): string {
    if (hint !== undefined && !/^[A-Za-z0-9 :_-]{1,255}$/.test(hint)) throw invalid(`Invalid field party_id_hint: "${hint}" is not a valid party name`)
    const party = `${hint || 'party-' + randomBytes(4).toString('hex')}::1220${createHash('sha256').update(hint ?? '').digest('hex').slice(0, 60)}`
    if (this.partySet.includes(party)) throw new DamlRejection(409, cantonError('PARTY_ALREADY_EXISTS', `Party already exists: ${party}`, 10, 6))
    this.partySet.push(party)
    if (userId) this.users.grant(userId, [{ kind: { CanActAs: { value: { party } } } }])
    return party
  }

  uploadDar(bytes: Buffer): void {
    if (!bytes?.length) throw invalid('empty DAR')
    this.darUploads++
  }

  /** The participant's packages: the daml-prim stand-in, plus the model once known. */
  packageIds(): string[] {
    return this.modelKnown ? [DAML_PRIM, PACKAGE_ID] : [DAML_PRIM]
  }

  private get modelKnown(): boolean {
    return this.options.darPreloaded !== false || this.darUploads > 0
  }

  /** `#p2engine-ledger:Mod:T` or `<pkg>:Mod:T` → our template name. */
  private template(id: string): 'AgentWallet' | 'TransferRecord' | undefined {
    const m = /^(#p2engine-ledger|[0-9a-f]{64}):P2Engine\.Ledger:(AgentWallet|TransferRecord)$/.exec(id)
    if (m && m[1] !== '#p2engine-ledger' && m[1] !== PACKAGE_ID) return undefined
    return m?.[2] as 'AgentWallet' | 'TransferRecord' | undefined
  }

  submit(cmds: S['JsCommands'], format?: S['TransactionFormat']): JsTransaction {
    const actAs = [...new Set(cmds.actAs)].sort()
    const changeId = JSON.stringify([cmds.userId ?? '', actAs, cmds.commandId])
    const existing = this.changes.get(changeId)
    if (existing) {
      throw new DamlRejection(409, cantonError('DUPLICATE_COMMAND', 'A command with the given command id has already been successfully processed', 10, 6, { existing_submission_id: existing }))
    }
    for (const p of actAs) if (!this.partySet.includes(p)) throw invalid(`unknown party ${p}`)
    if (!this.modelKnown) {
      throw new DamlRejection(404, cantonError('PACKAGE_NAMES_NOT_FOUND', 'The following package names do not match upgradable packages uploaded on this participant: [p2engine-ledger].', 11, 5))
    }
    const offset = this.end + 1
    const events: Event[] = []
    const created: Contract[] = []
    const archived: Contract[] = []
    let node = 0
    const active = (id: string) => {
      const c = this.contracts.get(id)
      if (!c || c.archivedOffset !== undefined || archived.includes(c)) throw notFound(id)
      return c
    }
    const create = (template: Contract['template'], args: Record<string, string>) => {
      if (!actAs.includes(args.party!)) throw new DamlRejection(403, cantonError('DAML_AUTHORIZATION_ERROR', `requires authorizers ${args.party}`, 9, 9))
      const id = '00' + randomBytes(33).toString('hex')
      const ev: CreatedEvent = {
        offset, nodeId: node++, contractId: id, templateId: `${PACKAGE_ID}:P2Engine.Ledger:${template}`, createArgument: args,
        witnessParties: [args.party!], signatories: [args.party!], observers: [], createdAt: new Date().toISOString(),
        packageName: 'p2engine-ledger', representativePackageId: PACKAGE_ID, acsDelta: true,
      }
      const c: Contract = { id, template, args, created: ev, createdOffset: offset, workflowId: cmds.workflowId }
      created.push(c)
      events.push({ CreatedEvent: ev })
      return c
    }
    const archive = (c: Contract) => {
      archived.push(c)
      events.push({ ArchivedEvent: { offset, nodeId: node++, contractId: c.id, templateId: c.created.templateId, witnessParties: [c.args.party!], packageName: 'p2engine-ledger' } })
    }
    for (const cmd of cmds.commands) {
      if ('CreateCommand' in cmd) {
        const t = this.template(cmd.CreateCommand.templateId)
        if (!t) throw invalid(`unknown template ${cmd.CreateCommand.templateId}`)
        const a = cmd.CreateCommand.createArguments as Record<string, string>
        if (t === 'AgentWallet') {
          const balance = parseDecimal(a.balance!)
          if (balance < 0n) throw new DamlRejection(409, cantonError('TEMPLATE_PRECONDITION_VIOLATED', 'Template precondition violated: AgentWallet', 9, 9))
          create(t, { party: a.party!, agent: a.agent!, balance: numeric(balance), created: String(a.created) })
        } else {
          create(t, { ...a, amount: numeric(parseDecimal(a.amount!)), timestamp: String(a.timestamp) })
        }
      } else if ('ExerciseCommand' in cmd) {
        const x = cmd.ExerciseCommand
        if (this.template(x.templateId) !== 'AgentWallet' || x.choice !== 'Transfer') throw invalid(`unknown choice ${x.templateId} ${x.choice}`)
        const self = active(x.contractId)
        const arg = x.choiceArgument as Record<string, string>
        const amount = parseDecimal(arg.amount!)
        const balance = parseDecimal(self.args.balance!)
        archive(self) // consuming choice: archived before the body runs
        if (!(amount > 0n)) throw assertFailed('Amount must be positive')
        if (!(balance >= amount)) throw assertFailed('Insufficient balance')
        const to = active(arg.toWalletId!)
        create('AgentWallet', { ...self.args, balance: numeric(balance - amount) })
        archive(to)
        create('AgentWallet', { ...to.args, balance: numeric(parseDecimal(to.args.balance!) + amount) })
        create('TransferRecord', {
          party: self.args.party!, fromAgent: self.args.agent!, toAgent: to.args.agent!, amount: numeric(amount), reason: arg.reason!, timestamp: String(arg.timestamp),
        })
      } else {
        throw invalid('unsupported command')
      }
    }
    // Commit.
    this.end = offset
    for (const c of archived) c.archivedOffset = offset
    for (const c of created) this.contracts.set(c.id, c)
    const updateId = '1220' + createHash('sha256').update(`${offset}:${cmds.commandId}`).digest('hex')
    const tx: JsTransaction = {
      updateId, commandId: cmds.commandId, workflowId: cmds.workflowId ?? '', effectiveAt: new Date().toISOString(), events,
      offset, synchronizerId: SYNCHRONIZER, recordTime: new Date().toISOString(),
    }
    this.transactions.push({ tx, actAs })
    this.changes.set(changeId, cmds.submissionId ?? updateId)
    return this.view(tx, actAs, format?.eventFormat, format?.transactionShape)!
  }

  /** The transaction as seen through an event format (party filter + template filters). */
  private view(tx: JsTransaction, actAs: string[], format: S['EventFormat'] | undefined, shape?: string): JsTransaction | undefined {
    if (shape && shape !== 'TRANSACTION_SHAPE_ACS_DELTA') throw invalid('the fake supports only TRANSACTION_SHAPE_ACS_DELTA')
    const events = tx.events.filter((ev) => {
      const e = 'CreatedEvent' in ev ? ev.CreatedEvent : 'ArchivedEvent' in ev ? ev.ArchivedEvent : undefined
      return e ? this.visible(e.witnessParties, e.templateId, format) : false
    })
    if (!events.length) return undefined
    const parties = Object.keys(format?.filtersByParty ?? {})
    const submitterView = parties.some((p) => actAs.includes(p))
    return { ...tx, events, commandId: submitterView ? tx.commandId : undefined, workflowId: tx.workflowId }
  }

  private visible(witnesses: string[], templateId: string, format: S['EventFormat'] | undefined): boolean {
    if (!format) return true
    const t = this.template(templateId)
    const matches = (f: S['Filters'] | undefined) => {
      const list = f?.cumulative ?? []
      if (!list.length) return true
      return list.some((c) => {
        const i = c.identifierFilter
        if (!i || 'WildcardFilter' in i || 'Empty' in i) return true
        return 'TemplateFilter' in i && this.template(i.TemplateFilter.value.templateId) === t
      })
    }
    if (format.filtersForAnyParty && matches(format.filtersForAnyParty)) return true
    return Object.entries(format.filtersByParty ?? {}).some(([p, f]) => witnesses.includes(p) && matches(f))
  }

  activeContracts(req: S['GetActiveContractsRequest']): S['JsGetActiveContractsResponse'][] {
    if (req.activeAtOffset > this.end) throw new DamlRejection(422, cantonError('PARTICIPANT_PRUNED_DATA_ACCESSED', `offset ${req.activeAtOffset} is after the ledger end ${this.end}`, 12, 11))
    const out: S['JsGetActiveContractsResponse'][] = []
    for (const c of this.contracts.values()) {
      if (c.createdOffset > req.activeAtOffset || (c.archivedOffset !== undefined && c.archivedOffset <= req.activeAtOffset)) continue
      if (!this.visible(c.created.witnessParties, c.created.templateId, req.eventFormat)) continue
      out.push({ workflowId: c.workflowId ?? '', contractEntry: { JsActiveContract: { createdEvent: c.created, synchronizerId: SYNCHRONIZER, reassignmentCounter: 0 } } })
    }
    return out
  }

  updates(req: S['GetUpdatesRequest'], limit: number): S['JsGetUpdatesResponse'][] {
    if (req.endInclusive === undefined) throw invalid('the fake requires endInclusive (an open HTTP stream never ends)')
    if (req.endInclusive > this.end) throw invalid(`endInclusive ${req.endInclusive} is after the ledger end ${this.end}`)
    const format = req.updateFormat?.includeTransactions
    const out: S['JsGetUpdatesResponse'][] = []
    for (const { tx, actAs } of this.transactions) {
      if (tx.offset <= req.beginExclusive || tx.offset > req.endInclusive) continue
      const v = this.view(tx, actAs, format?.eventFormat, format?.transactionShape)
      if (v) out.push({ update: { Transaction: { value: v } } })
      if (out.length >= limit) break
    }
    return out
  }
}
