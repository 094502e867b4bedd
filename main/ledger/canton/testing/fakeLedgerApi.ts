import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { components } from '../generated/ledgerApi'
import { OpenApiValidator } from './openapiValidator'
import { cantonError, DamlRejection, FakeDamlEngine } from './fakeDamlEngine'

type JsCantonError = components['schemas']['JsCantonError']

export interface FakeLedgerOptions {
  /** When set, every request must carry `Authorization: Bearer <token>`. */
  token?: string
  /** false: the participant starts without the Daml model (commands fail until a DAR is uploaded). Default true (`--dar`). */
  darPreloaded?: boolean
  /** `http-list-max-elements-limit`: list answers longer than this are refused with 413. */
  maxListElements?: number
  /** The server's own cap on `limit` for `/v2/updates` ("ignored if bigger than server setting"). */
  updatesPageCap?: number
  /**
   * With `token`: the token is a user token of this (existing, non-admin) user. The participant
   * then refuses admin calls (creating users, granting rights, allocating a party for another
   * user) and takes the user id of commands from the token.
   */
  tokenUser?: string
}

/** A failure to inject into the next matching request(s). */
export interface InjectedFault {
  path: string
  /** `before`: fail without effect; `after`: apply the command, then answer with the error (a lost reply). */
  when: 'before' | 'after'
  status: number
  error: JsCantonError
  times: number
}

/**
 * A fake JSON Ledger API v2 server (127.0.0.1, random port) with ledger semantics for the
 * endpoints CantonLedger uses. Every request and response is validated against the vendored
 * OpenAPI schemas; violations are answered with 400/500 and collected in {@link violations}.
 */
export class FakeLedgerApi {
  readonly engine: FakeDamlEngine
  readonly violations: string[] = []
  readonly requests: string[] = []
  private readonly faults: InjectedFault[] = []
  private server?: Server
  private readonly validator = OpenApiValidator.shared()

  constructor(private readonly options: FakeLedgerOptions = {}) {
    this.engine = new FakeDamlEngine({ darPreloaded: options.darPreloaded })
  }

  get url(): string {
    const a = this.server?.address() as AddressInfo | null
    if (!a) throw new Error('fake ledger not started')
    return `http://127.0.0.1:${a.port}`
  }

  /** Listens on 127.0.0.1 (`port` 0 = a free one). */
  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res))
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve))
    return this
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()))
    this.server?.closeAllConnections()
  }

  /** Fails the next `times` requests to `path`. */
  inject(fault: Omit<InjectedFault, 'times'> & { times?: number }): void {
    this.faults.push({ times: 1, ...fault })
  }

  private takeFault(path: string, when: 'before' | 'after'): InjectedFault | undefined {
    const f = this.faults.find((x) => x.path === path && x.when === when && x.times > 0)
    if (f) f.times--
    return f
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const method = req.method ?? 'GET'
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const raw = Buffer.concat(chunks)
    const contentType = req.headers['content-type']
    const { route, params } = this.route(method, url.pathname) ?? {}
    this.requests.push(`${method} ${url.pathname}`)
    const send = (status: number, body: unknown, type = 'application/json') => {
      if (route) {
        try {
          this.validator.validateResponse(method, route, status, type, body)
        } catch (err) {
          this.violations.push((err as Error).message)
          status = 500; body = (err as Error).message; type = 'text/plain'
        }
      }
      if (type === 'none') { res.writeHead(status); res.end(); return }
      res.writeHead(status, { 'Content-Type': type })
      res.end(type === 'application/json' ? JSON.stringify(body) : String(body))
    }
    if (!route) return send(404, `no route ${method} ${url.pathname}`, 'text/plain')
    if (this.options.token && req.headers.authorization !== `Bearer ${this.options.token}`) {
      return send(401, cantonError('UNAUTHENTICATED', 'The command is missing a (valid) JWT token', 6, 16))
    }
    let body: unknown
    try {
      const isJson = (contentType ?? '').startsWith('application/json')
      body = raw.length === 0 ? undefined : isJson ? JSON.parse(raw.toString('utf8')) : raw
      this.validator.validateRequest(method, route, url.searchParams, isJson ? body : undefined, raw.length ? contentType : undefined)
    } catch (err) {
      this.violations.push((err as Error).message)
      return send(400, (err as Error).message, 'text/plain')
    }
    const denied = this.deniedForUser(method, route, body, params ?? {})
    if (denied) return send(403, cantonError('PERMISSION_DENIED', denied, 7, 7))
    const before = this.takeFault(route, 'before')
    if (before) return send(before.status, before.error)
    try {
      const [status, out, type] = this.dispatch(method, route, url.searchParams, body, params ?? {})
      if (Array.isArray(out) && this.options.maxListElements !== undefined && out.length > this.options.maxListElements) {
        return send(413, cantonError('HTTP_LIST_MAX_ELEMENTS_LIMIT', `the answer has more than http-list-max-elements-limit=${this.options.maxListElements} elements`, 8, 8))
      }
      const after = this.takeFault(route, 'after')
      if (after) return send(after.status, after.error)
      send(status, out, type)
    } catch (err) {
      if (err instanceof DamlRejection) return send(err.status, err.error)
      send(500, cantonError('INTERNAL', (err as Error).message, 4, 13))
    }
  }

  /** Why a non-admin user token may not make this call (Canton's authorization rules), or undefined. */
  private deniedForUser(method: string, route: string, body: any, params: Record<string, string>): string | undefined {
    const self = this.options.tokenUser
    if (!self) return undefined
    const need = 'HasRight(ParticipantAdmin)'
    switch (`${method} ${route}`) {
      case 'POST /v2/users': return `creating a user requires ${need}`
      case 'POST /v2/users/{user-id}/rights': return `granting rights requires ${need}`
      case 'POST /v2/parties': return body?.userId === self ? undefined : `allocating a party requires ${need} or IsAuthenticatedUser(user_id) with user_id = "${self}"`
      case 'GET /v2/users/{user-id}':
      case 'GET /v2/users/{user-id}/rights': return params['user-id'] === self ? undefined : `reading another user requires ${need}`
      case 'POST /v2/commands/submit-and-wait-for-transaction': {
        if (body?.commands?.userId && body.commands.userId !== self) return `the command's user id "${body.commands.userId}" is not the token's user "${self}"`
        const rights = this.engine.users.has(self) ? this.engine.users.rights(self).map((r) => JSON.stringify(r.kind)) : []
        const missing = ((body?.commands?.actAs ?? []) as string[]).filter((p) => !rights.includes(JSON.stringify({ CanActAs: { value: { party: p } } })))
        return missing.length ? `user "${self}" may not act as ${missing.join(', ')}` : undefined
      }
    }
    return undefined
  }

  private route(method: string, path: string): { route: string; params: Record<string, string> } | undefined {
    for (const r of ROUTES) {
      const [m, template] = r.split(' ') as [string, string]
      if (m !== method) continue
      const names: string[] = []
      const re = new RegExp(`^${template.replace(/\{([^}]+)\}/g, (_x, n: string) => { names.push(n); return '([^/]+)' })}$`)
      const hit = re.exec(path)
      if (hit) return { route: template, params: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(hit[i + 1]!)])) }
    }
    return undefined
  }

  private dispatch(method: string, route: string, q: URLSearchParams, body: any, params: Record<string, string>): [number, unknown, string?] {
    const e = this.engine
    switch (`${method} ${route}`) {
      case 'GET /livez': return [200, undefined, 'none'] // the spec declares no body for 200
      case 'GET /readyz': return [200, 'ready', 'text/plain']
      case 'GET /v2/version': return [200, VERSION]
      case 'GET /v2/parties': return [200, { partyDetails: e.parties().map((party) => ({ party, isLocal: true, identityProviderId: '' })), nextPageToken: '' }]
      case 'POST /v2/parties': return [200, { partyDetails: { party: e.allocateParty(body?.partyIdHint, body?.userId || undefined), isLocal: true, identityProviderId: '' } }]
      case 'POST /v2/users': return [200, { user: e.users.create(body) }]
      case 'GET /v2/users/{user-id}': return [200, { user: e.users.get(params['user-id']!) }]
      case 'GET /v2/users/{user-id}/rights': return [200, { rights: e.users.rights(params['user-id']!) }]
      case 'POST /v2/users/{user-id}/rights': {
        if (body.userId !== params['user-id']) throw new DamlRejection(422, cantonError('INVALID_ARGUMENT', `The submitted request has invalid arguments: user id in the path (${params['user-id']}) and body (${body.userId}) differ`, 8, 3))
        return [200, { newlyGrantedRights: e.users.grant(body.userId, body.rights) }]
      }
      case 'POST /v2/dars': e.uploadDar(body as Buffer); return [200, {}]
      case 'GET /v2/packages': return [200, { packageIds: e.packageIds() }]
      case 'GET /v2/state/ledger-end': return [200, { offset: e.end }]
      case 'POST /v2/state/active-contracts': return [200, e.activeContracts(body)]
      case 'POST /v2/updates': return [200, e.updates(body, Math.min(Number(q.get('limit') ?? '1000'), this.options.updatesPageCap ?? Infinity))]
      case 'POST /v2/commands/submit-and-wait-for-transaction': return [200, { transaction: e.submit(body.commands, body.transactionFormat) }]
    }
    throw new Error(`unhandled ${method} ${route}`)
  }
}

const ROUTES = [
  'GET /livez', 'GET /readyz', 'GET /v2/version', 'GET /v2/parties', 'POST /v2/parties', 'POST /v2/dars', 'GET /v2/packages',
  'POST /v2/users', 'GET /v2/users/{user-id}', 'GET /v2/users/{user-id}/rights', 'POST /v2/users/{user-id}/rights',
  'GET /v2/state/ledger-end', 'POST /v2/state/active-contracts', 'POST /v2/updates',
  'POST /v2/commands/submit-and-wait-for-transaction',
]

export { cantonError }

const VERSION = {
  version: '3.6.0-fake',
  features: {
    experimental: {},
    userManagement: { supported: true, maxRightsPerUser: 1000, maxUsersPageSize: 1000 },
    partyManagement: { maxPartiesPageSize: 10000 },
    offsetCheckpoint: { maxOffsetCheckpointEmissionDelay: { seconds: 75, nanos: 0, unknownFields: { fields: {} } } },
    packageFeature: { maxVettedPackagesPageSize: 100 },
  },
}
