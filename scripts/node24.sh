#!/usr/bin/env bash
# Runs a command under Node >= 24, which n8n 2.x (n8n-core, isolated-vm) requires.
# On a machine whose Node is older, Node 24 comes from the npm registry's `node` package, put
# first in PATH (so `npm`, `npx` and scripts the command starts get it too).
set -euo pipefail
major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$major" -ge 24 ]; then
  exec "$@"
fi
# The `node` package fetches its binary in an install script: the repo's .npmrc turns scripts
# off, so they are turned on for this one npx call only (not for the command). The spec is
# node@24.x, not node@24: an npx cache entry installed with scripts off (no binary) is not reused.
node24=$(npm_config_ignore_scripts=false npx -y -p node@24.x -- node -p 'process.execPath' 2>/dev/null | tail -1)
[ -x "$node24" ] && [ "$("$node24" -p 'process.versions.node.split(".")[0]')" -ge 24 ] \
  || { echo "node24.sh: could not get Node 24 from the npm registry (npx -p node@24.x)" >&2; exit 1; }
PATH="$(dirname "$node24"):$PATH" exec "$@"
