#!/usr/bin/env bash
# npm run demo, from a fresh clone: installs when needed, builds dist/ (what n8n would load), then
# runs demo/index.js under Node 24: the emulator, every operation of demo/sample-workflow.json in
# n8n's engine, the files in demo-output/.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/ensure-deps.sh
ensure_deps
scripts/node24.sh npm run --silent build >/dev/null
exec scripts/node24.sh node demo/index.js "$@"
