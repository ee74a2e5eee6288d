#!/usr/bin/env bash
# npm test, from a fresh clone: installs when needed, then runs jest under Node 24 (n8n-core 2.x
# needs it). Arguments go to jest (npm test -- --ci --json --outputFile=report.json).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/ensure-deps.sh
ensure_deps
exec scripts/node24.sh node node_modules/jest/bin/jest.js "$@"
