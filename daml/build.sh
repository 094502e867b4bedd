#!/bin/sh
# Builds the Daml 3 / Canton 3 model into daml/v3/.daml/dist/p2engine-ledger-1.0.0.dar.
# Needs dpm (Daml 3.4+) or the daml assistant (3.3). The SDK 2.10 model in daml/ is left as it is.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/v3"
if command -v dpm >/dev/null 2>&1; then
  dpm build
elif command -v daml >/dev/null 2>&1; then
  daml build
else
  echo "Neither dpm nor daml is on PATH. Install dpm (https://docs.digitalasset.com/build/3.5/dpm/dpm.html)" >&2
  echo "or the Daml SDK 3.x, then run: sh daml/build.sh" >&2
  exit 1
fi
echo "Built: $here/v3/.daml/dist/p2engine-ledger-1.0.0.dar"
