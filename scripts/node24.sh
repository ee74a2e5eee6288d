#!/usr/bin/env bash
# Runs a command under Node >= 24, which n8n 2.x (n8n-core, isolated-vm) requires.
# On a machine whose Node is older, Node 24 comes from the npm registry's `node` package.
set -euo pipefail
major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$major" -ge 24 ]; then
  exec "$@"
fi
exec npx -y -p node@24 -- "$@"
