import { config } from 'zod/v4/core'

// A CLI command validates its config once: zod's JIT (a parser compiled with `new Function` per
// object schema, on its first parse) costs more than it saves there (~4 ms of a cold command).
// zod reads this setting when a schema is built, so this module is the CLI entry's first import,
// before any module that builds one.
config({ jitless: true })
