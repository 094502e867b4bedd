/** One failed call to the JSON Ledger API, as `ledger debug` shows it. */
export interface RecentLedgerError {
  /** ISO time of the answer (or of the failure to connect). */
  at: string
  method: string
  path: string
  /** HTTP status; 0 when the server could not be reached. */
  status: number
  /** Canton's error code (`USER_NOT_FOUND`, …) when the body was a JsCantonError. */
  code: string | null
  message: string
}

/** A small ring of the most recent ledger errors of one client (newest last). */
export class ErrorRing {
  private readonly items: RecentLedgerError[] = []

  constructor(private readonly size = 20) {}

  record(e: RecentLedgerError): void {
    this.items.push(e)
    if (this.items.length > this.size) this.items.splice(0, this.items.length - this.size)
  }

  list(): RecentLedgerError[] {
    return [...this.items]
  }
}

/** Reads the code and cause of an error body (JSON `JsCantonError` or plain text). */
export function summarizeBody(text: string): { code: string | null; message: string } {
  try {
    const b = JSON.parse(text) as { code?: unknown; cause?: unknown }
    if (typeof b.code === 'string') return { code: b.code, message: typeof b.cause === 'string' ? b.cause.slice(0, 500) : '' }
  } catch { /* plain text */ }
  return { code: null, message: text.slice(0, 500) }
}
