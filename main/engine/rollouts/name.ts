/** `demo_rollout · 2026-12-02 03:20`: the spec file's name (no folder, no extension) and the local start time. */
export function rolloutName(specFile: string, createdAt: number): string {
  const base = specFile.split(/[\\/]/).pop()!.replace(/\.ya?ml$/i, '') || 'rollout'
  const d = new Date(createdAt)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${base} · ${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`
}
