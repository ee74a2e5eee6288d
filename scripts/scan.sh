#!/usr/bin/env bash
# n8n's own checks on the package as it would be published (npm run scan):
#   1. npm run build (skip with N8N_SKIP_BUILD=1), then `npm pack`;
#   2. the tarball holds only dist/, README.md, LICENSE, package.json;
#   3. @n8n/scan-community-package's analyzePackage() on the extracted tarball and on the
#      sources (offline: its CLI needs the registry and npm provenance). The scanner is installed
#      once into a cache folder outside the repo (N8N_APP_CACHE, default ~/.cache/n8n-nodes-feishu-images);
#   4. npm run lint passes with zero errors, and eslint.config.mjs is n8n's config unchanged.
# Runs under Node 24 through scripts/node24.sh. Exit 0 and a PASS line when everything passes.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

SCANNER_VERSION=${N8N_SCANNER_VERSION:-0.32.0}
N8N_NPM_BEFORE=${N8N_NPM_BEFORE:-2026-09-30T00:00:00Z}
CACHE_ROOT=${N8N_APP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-feishu-images}
SCANNER_DIR="$CACHE_ROOT/scan-community-package-$SCANNER_VERSION"
run24="$ROOT/scripts/node24.sh"

step() { echo "::: $*"; }
die() { echo "scan: FAIL: $*" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/feishu-scan.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
failures=()

if [ "${N8N_SKIP_BUILD:-0}" != 1 ]; then
  step "build"
  $run24 npm run build >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; die "npm run build failed"; }
fi
[ -f dist/nodes/FeishuImages/FeishuImages.node.js ] || die "dist/ is missing: run npm run build"

step "npm pack"
tarball=$(npm pack --pack-destination "$WORK" --loglevel=error 2>/dev/null | tail -1)
[ -f "$WORK/$tarball" ] || die "npm pack produced no tarball"
echo "$tarball ($(stat -c %s "$WORK/$tarball") bytes)"

step "tarball contents"
tar -tzf "$WORK/$tarball" | sed 's#^package/##' | sort >"$WORK/files.txt"
sed 's/^/  /' "$WORK/files.txt"
unexpected=$(grep -vE '^(dist/.+|README\.md|LICENSE|package\.json)$' "$WORK/files.txt" || true)
for required in package.json README.md LICENSE; do
  grep -qx "$required" "$WORK/files.txt" || failures+=("tarball lacks $required")
done
# Every file the n8n section of package.json names must be in the tarball.
while IFS= read -r declared; do
  grep -qx "$declared" "$WORK/files.txt" || failures+=("package.json n8n section names $declared, not in the tarball")
done < <(node -e 'const n=require("./package.json").n8n; for (const f of [...n.nodes, ...n.credentials]) console.log(f)')
if [ -n "$unexpected" ]; then
  failures+=("tarball holds files outside dist/, README.md, LICENSE, package.json: $(echo $unexpected)")
  if echo "$unexpected" | grep -qx "$(node -p 'require("./package.json").main || ""')"; then
    echo "  note: npm always packs the file named by package.json \"main\" ($(node -p 'require("./package.json").main')), whatever \"files\" says"
  fi
fi

step "@n8n/scan-community-package@$SCANNER_VERSION (offline analyzePackage)"
if [ ! -f "$SCANNER_DIR/.install-complete" ]; then
  echo "installing the scanner into $SCANNER_DIR"
  rm -rf "$SCANNER_DIR" && mkdir -p "$SCANNER_DIR"
  echo '{ "name": "scanner-for-tests", "private": true }' >"$SCANNER_DIR/package.json"
  # --ignore-scripts: eslint-plugin-n8n-nodes-base's preinstall insists on pnpm.
  (cd "$SCANNER_DIR" && $run24 npm install "@n8n/scan-community-package@$SCANNER_VERSION" --ignore-scripts \
      --no-audit --no-fund --loglevel=error --before="$N8N_NPM_BEFORE" >"$SCANNER_DIR/npm-install.log" 2>&1) \
    || { tail -20 "$SCANNER_DIR/npm-install.log" >&2; die "installing @n8n/scan-community-package failed"; }
  touch "$SCANNER_DIR/.install-complete"
fi
SCANNER_MJS="$SCANNER_DIR/node_modules/@n8n/scan-community-package/scanner/scanner.mjs"
[ -f "$SCANNER_MJS" ] || die "no scanner at $SCANNER_MJS"
mkdir -p "$WORK/tarball" "$WORK/source"
tar -xzf "$WORK/$tarball" -C "$WORK/tarball" --strip-components=1
# The source leg: what the provenance-attested checkout would hold (package.json, nodes/, credentials/).
cp -r package.json nodes credentials "$WORK/source/"
# The analysis itself needs no network: run it in a private network namespace (loopback only)
# when the machine allows it, to show that.
NODE24=$($run24 node -p 'process.execPath' 2>/dev/null | tail -1)
netns=()
if unshare -n true 2>/dev/null; then
  netns=(unshare -n)
  echo "(analysis runs in a network namespace without network)"
fi
if ! "${netns[@]}" "$NODE24" scripts/n8n-app/scan.mjs "$SCANNER_MJS" "$WORK/tarball" "$WORK/source"; then
  failures+=("@n8n/scan-community-package analysis failed")
fi

step "lint (npm run lint)"
if $run24 npm run --silent lint >"$WORK/lint.out" 2>&1; then
  grep -v 'npm warn' "$WORK/lint.out" || true
  echo "npm run lint: exit 0 (0 errors; eslint exits non-zero on any error)"
else
  grep -v 'npm warn' "$WORK/lint.out" || true
  failures+=("npm run lint failed: $(grep -Eo '[0-9]+ problems? \([0-9]+ errors?, [0-9]+ warnings?\)' "$WORK/lint.out" || echo 'see above')")
fi
$run24 node scripts/n8n-app/lint-config-check.mjs || failures+=("eslint.config.mjs is not n8n's config unchanged")

echo
if [ ${#failures[@]} -eq 0 ]; then
  echo "PASS scan: tarball holds only dist/, README.md, LICENSE, package.json; @n8n/scan-community-package@$SCANNER_VERSION analyzePackage passed (tarball + source); lint 0 errors with n8n's config unchanged"
  exit 0
fi
echo "FAIL scan:"
for f in "${failures[@]}"; do echo "  - $f"; done
exit 1
