import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import nunjucks from 'nunjucks'
import { ConfigError, UserInputError, messageOf } from '../errors'
import { jinjaContext, jinjaSource } from './jinjaCompat'
import { pythonRepr } from './pythonRepr'
import { TEMPLATE_EXTENSIONS, templateFiles } from './templateFiles'

export interface TemplateRendererOptions {
  /** Jinja `trim_blocks` (default false, like the original agent templates). */
  trimBlocks?: boolean
  /** Jinja `lstrip_blocks` (default false). */
  lstripBlocks?: boolean
}

/**
 * Renders the Jinja2 templates of a folder with nunjucks, Jinja-compatible: autoescape off,
 * whitespace as configured (agent templates: no trim_blocks; the judge prompt: trim + lstrip),
 * no trailing newline, dicts printed as Python repr. Also offers a `pyrepr` filter.
 */
export class TemplateRenderer {
  readonly dir: string
  private readonly env: nunjucks.Environment

  constructor(dir: string, options: TemplateRendererOptions = {}) {
    this.dir = resolve(dir)
    const lexer = { trimBlocks: options.trimBlocks ?? false, lstripBlocks: options.lstripBlocks ?? false }
    const root = this.dir
    const loader: nunjucks.ILoader = {
      getSource(name: string) {
        const path = resolve(root, name)
        return { src: jinjaSource(readFileSync(path, 'utf8'), lexer), path, noCache: false }
      },
    }
    this.env = new nunjucks.Environment(loader, { autoescape: false, throwOnUndefined: false, ...lexer })
    this.env.addFilter('pyrepr', (v: unknown) => pythonRepr(v))
  }

  private listed: string[] | null = null

  /** Every template file under the folder, as relative paths with `/` separators, sorted (read once). */
  list(): string[] {
    this.listed ??= this.scan()
    return this.listed
  }

  private scan(): string[] {
    return templateFiles(this.dir)
  }

  /** The file a name refers to (`reflection/tool` or `reflection/tool.j2`), or null. */
  resolveName(name: string): string | null {
    const available = this.list()
    if (available.includes(name)) return name
    for (const ext of TEMPLATE_EXTENSIONS) if (available.includes(name + ext)) return name + ext
    return null
  }

  /**
   * Renders template `name` with `vars`.
   * @throws UserInputError when no such template exists (listing the available ones);
   * ConfigError when the template itself is broken.
   */
  renderTemplate(name: string, vars: Record<string, unknown> = {}): string {
    const file = this.resolveName(name)
    if (file === null) {
      const available = this.list()
      throw new UserInputError(
        `unknown template "${name}" in ${this.dir}; available: ${available.length ? available.join(', ') : '(none)'}`,
        'UNKNOWN_TEMPLATE',
      )
    }
    try {
      return this.env.render(file, jinjaContext(vars))
    } catch (err) {
      throw new ConfigError(`template ${join(this.dir, file)} failed to render: ${messageOf(err)}`, 'TEMPLATE')
    }
  }
}
