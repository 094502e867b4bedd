import { existsSync } from 'node:fs'
import { parse } from 'dotenv'
import { readLimited } from './readLimited'

/** A parsed `.env` file. Values are never copied into `process.env`. */
export interface DotenvFile {
  /** Absolute path, or null when no file was found. */
  path: string | null
  values: Record<string, string>
  /** 1-based line where `key` is assigned (last assignment wins, as in dotenv). */
  lineOf(key: string): number | undefined
  /** Set when the file exists but was refused (not a regular file, over the size limit, unreadable). */
  problem?: { path: string; message: string }
}

/** An empty layer (no `.env`). */
export const NO_DOTENV: DotenvFile = { path: null, values: {}, lineOf: () => undefined }

/**
 * Reads a `.env` file with dotenv's parser. Odd lines (like the original's
 * `OBS_ENABLED=true OBS_BACKEND=rerun`) become odd values of keys nobody reads; nothing throws.
 * A file that is not a regular file or is over 5 MB is not read: `problem` says why.
 */
export function readDotenv(path: string): DotenvFile {
  if (!existsSync(path)) return NO_DOTENV
  const r = readLimited(path)
  if (!('text' in r)) return { ...NO_DOTENV, problem: { path, message: r.problem } }
  const text = r.text
  const lines = text.split(/\r?\n/)
  return {
    path,
    values: parse(text),
    lineOf(key) {
      const re = new RegExp(`^\\s*(?:export\\s+)?${key.replace(/[^\w]/g, '\\$&')}\\s*[=:]`)
      for (let i = lines.length - 1; i >= 0; i--) if (re.test(lines[i]!)) return i + 1
      return undefined
    },
  }
}
