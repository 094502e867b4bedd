import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Ajv, type ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'
import { parse } from 'yaml'

/** The vendored JSON Ledger API v2 specification the generated types were made from. */
export const OPENAPI_FILE = fileURLToPath(new URL('../spec/json-ledger-api-v2.openapi.yaml', import.meta.url))

/** The vendored spec in `main/ledger/canton/spec/`, or `CANTON_OPENAPI_FILE`. */
function specPath(): string {
  return process.env.CANTON_OPENAPI_FILE ?? OPENAPI_FILE
}

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')

interface Operation {
  parameters?: Array<{ name: string; in: string; required?: boolean; schema?: unknown }>
  requestBody?: { content: Record<string, { schema: unknown }> }
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>
}

/**
 * Validates requests and responses against the vendored OpenAPI schemas with ajv, so the fake
 * server (and through it the client) can't drift from the specification. Throws with the
 * operation, the location and ajv's messages.
 */
export class OpenApiValidator {
  private readonly ajv: Ajv
  private readonly doc: { paths: Record<string, Record<string, Operation>> }
  private readonly cache = new Map<string, ValidateFunction>()

  private static instance?: OpenApiValidator

  /** One compiled validator per process (compiling the spec takes a moment). */
  static shared(): OpenApiValidator {
    OpenApiValidator.instance ??= new OpenApiValidator()
    return OpenApiValidator.instance
  }

  constructor(file = specPath()) {
    this.doc = parse(readFileSync(file, 'utf8')) as typeof this.doc
    this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true })
    const addFormats = addFormatsModule as unknown as (ajv: Ajv) => void
    addFormats(this.ajv)
    this.ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) })
    this.ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && Math.abs(n) <= 2 ** 31 })
    this.ajv.addFormat('binary', true)
    this.ajv.addSchema(this.doc as object, 'canton')
  }

  private operation(method: string, path: string): Operation {
    const op = this.doc.paths[path]?.[method.toLowerCase()]
    if (!op) throw new Error(`OpenAPI: no operation ${method} ${path}`)
    return op
  }

  private validator(ref: string): ValidateFunction {
    let v = this.cache.get(ref)
    if (!v) {
      v = this.ajv.getSchema(`canton#/${ref}`)
      if (!v) throw new Error(`OpenAPI: no schema at ${ref}`)
      this.cache.set(ref, v)
    }
    return v
  }

  private check(ref: string, value: unknown, what: string): void {
    const v = this.validator(ref)
    if (!v(value)) {
      throw new Error(`OpenAPI violation in ${what}: ${this.ajv.errorsText(v.errors, { separator: '; ' })}`)
    }
  }

  /** Checks query parameter names/values and the JSON body of a request. */
  validateRequest(method: string, path: string, query: URLSearchParams, body: unknown, contentType: string | undefined): void {
    const op = this.operation(method, path)
    const declared = new Map((op.parameters ?? []).filter((p) => p.in === 'query').map((p) => [p.name, p]))
    for (const [name] of query) if (!declared.has(name)) throw new Error(`OpenAPI violation in ${method} ${path}: unknown query parameter ${name}`)
    for (const p of declared.values()) if (p.required && !query.has(p.name)) throw new Error(`OpenAPI violation in ${method} ${path}: missing query parameter ${p.name}`)
    if (!op.requestBody) {
      if (body !== undefined) throw new Error(`OpenAPI violation in ${method} ${path}: the operation takes no body`)
      return
    }
    const type = (contentType ?? '').split(';')[0]!.trim()
    if (!op.requestBody.content[type]) throw new Error(`OpenAPI violation in ${method} ${path}: content type "${type}" is not one of ${Object.keys(op.requestBody.content).join(', ')}`)
    if (type === 'application/json') {
      this.check(pointer('paths', path, method.toLowerCase(), 'requestBody', 'content', type, 'schema'), body, `${method} ${path} request`)
    }
  }

  /** Checks a response body against the declared response (status code or `default`); `none` = no body. */
  validateResponse(method: string, path: string, status: number, contentType: string, body: unknown): void {
    const op = this.operation(method, path)
    const key = op.responses[String(status)] ? String(status) : 'default'
    const content = op.responses[key]?.content
    if (contentType === 'none') {
      if (content) throw new Error(`OpenAPI violation in ${method} ${path} response ${status}: a body is declared (${Object.keys(content).join(', ')}) but none was sent`)
      return
    }
    if (!content?.[contentType]) throw new Error(`OpenAPI violation in ${method} ${path} response ${status}: content type ${contentType} not declared`)
    if (contentType === 'application/json') {
      this.check(pointer('paths', path, method.toLowerCase(), 'responses', key, 'content', contentType, 'schema'), body, `${method} ${path} response ${status}`)
    }
  }
}
