#!/usr/bin/env bash
# P2Engine's one entry point.
#   ./run_project.sh            install what is missing, build, start the product (embedded ledger, no key needed)
#   ./run_project.sh test       the whole test suite (what CI runs); ends with "N passed, N failed"
#   ./run_project.sh bench      the benchmarks (npm run bench)
#   ./run_project.sh cli ARGS   run the p2engine CLI with ARGS
set -uo pipefail
cd "$(dirname "$0")"
export ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm_config_audit=false npm_config_fund=false
mode="${1:-start}"; [ $# -gt 0 ] && shift

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf '\033[31merror: %s\033[0m\n' "$*" >&2; exit 1; }

need_node() {
  command -v node >/dev/null || die "Node.js 20.19+ is required (https://nodejs.org), then run ./run_project.sh again"
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \
    || die "Node.js 20.19+ is required, found $(node -v)"
}

# npm ci when node_modules is missing or older than the lockfile; the native SQLite module compiles once (~60 s).
ensure_deps() {
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "installing dependencies (npm ci; the native SQLite module compiles once, about a minute)"
    mkdir -p .ci-out
    npm ci --no-audit --no-fund >.ci-out/npm-ci.log 2>&1 || { grep -v EBADENGINE .ci-out/npm-ci.log | tail -30; die "npm ci failed (log: .ci-out/npm-ci.log)"; }
  fi
  node -e "new (require('better-sqlite3'))(':memory:').close()" 2>/dev/null || die "better-sqlite3 does not load; delete node_modules and run again"
}

# Rebuild out/ when any source is newer than the last build.
ensure_build() {
  if [ ! -f out/main/cli.js ] || [ -n "$(find main preload renderer workers electron.vite.config.ts package.json -newer out/main/cli.js -print -quit 2>/dev/null)" ]; then
    say "building (electron-vite: main, preload, renderer, workers)"
    npx electron-vite build >.ci-out/build.log 2>&1 || { tail -30 .ci-out/build.log; die "build failed (log: .ci-out/build.log)"; }
  fi
}

apt_install() { # installs Debian packages when missing and we are root (CI and fresh dev machines)
  local pkgs=("$@")
  [ ${#pkgs[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing ${pkgs[*]} (apt)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null 2>&1; apt-get install -y -qq "${pkgs[@]}" >.ci-out/apt.log 2>&1 || { tail -20 .ci-out/apt.log; return 1; }
  else
    echo "note: ${pkgs[*]} missing; install them to run every test" >&2
  fi
}

p2e() { node bin/p2engine.cjs "$@"; }

case "$mode" in
  start)
    need_node; mkdir -p .ci-out; ensure_deps; ensure_build
    if [ -z "$(p2e ledger balance --json 2>/dev/null | tr -d '[:space:][]')" ]; then
      say "first start: creating wallets for the configured agents (embedded ledger)"
      p2e ledger init || die "ledger init failed"
    fi
    say "P2Engine is ready (state in ${P2ENGINE_HOME:-the OS app-data folder}; embedded ledger, no API key needed)"
    p2e ledger overview
    cat <<'TXT'

The CLI works alongside the app:
  npx p2engine --help                        every command
  npx p2engine chat with agent_alpha         chat in the terminal
  npx p2engine rollout start config/demo_rollout.yml --follow
  npx p2engine ledger audit                  event trail + invariant check
  npx p2engine doctor                        health check (database, disk, permissions)
  npx p2engine logs --follow                 the log files of app, CLI, workers and Canton
TXT
    # The desktop app when Electron's binary is installed and a display exists; otherwise the same
    # UI in the browser, served on 127.0.0.1 with a one-time token in the printed URL.
    if [ -f node_modules/electron/path.txt ] && { [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] || [ "$(uname)" = Darwin ]; }; then
      say "opening the desktop app"
      exec npx electron .
    fi
    say "starting the UI in your browser (Electron's binary is not installed here); Ctrl-C stops it"
    exec node bin/p2engine.cjs ui
    ;;
  test)
    need_node; rm -rf .ci-out; mkdir -p .ci-out
    t0=$SECONDS
    missing=()
    [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing+=(chromium)
    command -v redis-server >/dev/null || missing+=(redis-server)
    apt_install "${missing[@]}" || echo "warning: apt install failed; browser/Redis tests may fail" >&2
    ensure_deps
    say "build";     npx electron-vite build >.ci-out/build.log 2>&1 || { tail -30 .ci-out/build.log; echo "0 passed, 1 failed"; exit 1; }
    say "typecheck"; npm run -s typecheck || { echo "0 passed, 1 failed"; exit 1; }
    RDIR=$(mktemp -d)
    if command -v redis-server >/dev/null; then
      RPORT=$((20000 + RANDOM % 20000))
      redis-server --port "$RPORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
        --pidfile "$RDIR/redis.pid" --logfile "$RDIR/redis.log" --dir "$RDIR" >/dev/null && export REDIS_URL="redis://127.0.0.1:$RPORT"
      for _ in $(seq 50); do redis-cli -p "$RPORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
    fi
    # Stop Redis and wait for it to exit before removing its folder (it writes its last log lines as it goes).
    trap 'if [ -s "$RDIR/redis.pid" ]; then rp=$(cat "$RDIR/redis.pid"); kill "$rp" 2>/dev/null; for _ in $(seq 50); do kill -0 "$rp" 2>/dev/null || break; sleep 0.1; done; fi; rm -rf "$RDIR"' EXIT
    say "unit + integration tests (vitest)"
    npx vitest run --reporter=default --reporter=json --outputFile.json=.ci-out/vitest.json; vrc=$?
    prc=0
    if [ -f playwright.config.ts ]; then
      say "browser tests (playwright + ${CHROMIUM_PATH:-/usr/bin/chromium})"
      PLAYWRIGHT_JSON_OUTPUT_NAME=.ci-out/playwright.json npx playwright test --reporter=list,json; prc=$?
    fi
    node scripts/summary.mjs .ci-out/vitest.json .ci-out/playwright.json "$vrc" "$prc"
    echo "total $((SECONDS - t0))s"
    [ "$vrc" -eq 0 ] && [ "$prc" -eq 0 ]
    ;;
  bench) need_node; mkdir -p .ci-out; ensure_deps; npm run -s bench ;;
  cli) need_node; mkdir -p .ci-out; ensure_deps; ensure_build; p2e "$@" ;;
  *) die "unknown mode '$mode'; use: ./run_project.sh [start|test|bench|cli ARGS]" ;;
esac
