# Sourced by scripts/demo.sh, scripts/test.sh and .ci/run: installs the dependencies (npm ci,
# under Node 24 through scripts/node24.sh) when node_modules is missing or older than
# package-lock.json, so a fresh clone needs no install step of its own. .npmrc sets
# ignore-scripts=true: no dependency needs an install script.
ensure_deps() {
  local root
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  if [ -f "$root/node_modules/.package-lock.json" ] && [ "$root/node_modules/.package-lock.json" -nt "$root/package-lock.json" ]; then
    return 0
  fi
  echo "::: installing dependencies (npm ci, Node 24)" >&2
  (cd "$root" && scripts/node24.sh npm ci --no-audit --no-fund --loglevel=error >&2)
}
