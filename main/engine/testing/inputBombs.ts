/** Hostile rollout YAMLs for the input-limit tests (CLI and IPC). */

/** 8 grid keys × 10 values: 10^8 variants from a file of a few hundred bytes. */
export const GRID_BOMB = `teams:
  grid_team:
    initial_message: "hi"
    base: { agent_id: agent_alpha }
    variants:
${Array.from({ length: 8 }, (_, k) => `      k${k}: [${Array.from({ length: 10 }, (_, v) => v).join(', ')}]`).join('\n')}
`

/** Nested YAML aliases ("billion laughs"): 10^7 nodes once resolved. */
export const ALIAS_BOMB = `a: &a ["x","x","x","x","x","x","x","x","x","x"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]
teams: [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]
`
