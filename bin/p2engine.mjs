#!/usr/bin/env node
// The `p2engine` launcher as an ES module, for scripts that run this path: it only loads
// bin/p2engine.cjs, the launcher package.json names (which starts faster, without the ES-module loader).
import './p2engine.cjs'
