/**
 * Terminal-safe text: control characters in values that came from data (a transfer reason set by
 * a model, a conversation name, an error message quoting user input) are shown escaped instead of
 * being sent to the terminal, where they could clear the screen, move the cursor or set the
 * window title. Stored values are never changed; only what is printed.
 */

/** SGR colour codes (`ESC [ … m`), the only escape sequences the CLI itself writes. */
const SGR = /\u001b\[[0-9;]*m/y

/** C0 controls but newline, DEL, C1 controls, and bidi overrides/isolates (which reorder text). */
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/

const NAMED: Record<string, string> = { '\u001b': '\\e', '\t': '\\t', '\r': '\\r', '\b': '\\b' }

/** How one unsafe character is shown: `\e`, `\t`, `\r`, `\b`, `\xNN` or `\uNNNN`. */
function escapeChar(ch: string): string {
  const named = NAMED[ch]
  if (named) return named
  const cp = ch.codePointAt(0)!
  return cp <= 0xff ? `\\x${cp.toString(16).padStart(2, '0')}` : `\\u${cp.toString(16).padStart(4, '0')}`
}

export interface SafeTextOptions {
  /** Keep well-formed SGR colour codes (`ESC[…m`) as they are: for text the CLI coloured itself. */
  keepColour?: boolean
  /** Keep tabs (harmless to a terminal; a model's code in `chat` keeps its indentation). */
  keepTabs?: boolean
}

/**
 * `text` with every control character but newline escaped (ESC as `\e`, tab as `\t`, others as
 * `\xNN`, bidi controls as `\uNNNN`). With `keepColour`, SGR colour codes pass unchanged; with
 * `keepTabs`, tabs do.
 */
export function safeText(text: string, opts: SafeTextOptions = {}): string {
  if (!UNSAFE.test(text)) return text
  let out = ''
  for (let i = 0; i < text.length; ) {
    if (opts.keepColour && text[i] === '\u001b') {
      SGR.lastIndex = i
      const m = SGR.exec(text)
      if (m) {
        out += m[0]
        i += m[0].length
        continue
      }
    }
    const ch = String.fromCodePoint(text.codePointAt(i)!)
    out += UNSAFE.test(ch) && !(opts.keepTabs && ch === '\t') ? escapeChar(ch) : ch
    i += ch.length
  }
  return out
}
