# Sourced by scripts/demo.sh, scripts/test.sh and scripts/n8n-app/lib.sh: installs the
# dependencies (npm ci, under Node 24 through scripts/node24.sh) when node_modules does not hold
# what package-lock.json says, so a fresh clone needs no install step of its own. .npmrc sets
# ignore-scripts=true: no dependency needs an install script.
# Compared by content (npm's record of what it installed, node_modules/.package-lock.json,
# against package-lock.json), not by file times: a fresh checkout beside an existing
# node_modules (a git worktree sharing it) would otherwise reinstall it under everyone's feet.
ensure_deps() {
  local root
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  if node -e '
    const fs = require("node:fs");
    const read = (f) => JSON.parse(fs.readFileSync(f, "utf8")).packages;
    const want = read(process.argv[1] + "/package-lock.json");
    const have = read(process.argv[1] + "/node_modules/.package-lock.json");
    for (const [key, p] of Object.entries(want)) {
      if (key === "" || p.link) continue;
      if (have[key]?.version !== p.version && !p.optional) process.exit(1);
    }
    for (const [key, p] of Object.entries(have)) if (want[key]?.version !== p.version) process.exit(1);
  ' "$root" 2>/dev/null; then
    return 0
  fi
  echo "::: installing dependencies (npm ci, Node 24)" >&2
  (cd "$root" && scripts/node24.sh npm ci --no-audit --no-fund --loglevel=error >&2)
}
