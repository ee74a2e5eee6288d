#!/usr/bin/env bash
# n8n's own checks on the package as it would be published (npm run scan):
#   1. build (skip with N8N_SKIP_BUILD=1) and `npm pack` (scripts/n8n-app/lib.sh's pack_package);
#   2. the tarball holds only dist/, README.md, LICENSE, package.json, and every file the n8n
#      section of package.json names;
#   3. @n8n/scan-community-package's analyzePackage() on the extracted tarball and on the
#      sources, plus a negative control (scripts/n8n-app/scan.mjs). Its CLI needs the internet
#      (the registry's copy of the package, npm provenance); the analysis itself needs none and
#      runs in a network namespace without network where the machine allows it. The scanner is
#      installed once from the npm registry into a cache outside the repo (N8N_APP_CACHE), as
#      `npm ci` installs the rest: a fresh machine needs nothing else;
#   4. npm run lint passes with zero errors, and eslint.config.mjs is n8n's config unchanged.
# Runs under Node 24 (scripts/node24.sh on an older Node). Ends with `N passed, N failed`.
# Env: N8N_SCANNER_VERSION (0.32.0), and those of scripts/n8n-app/lib.sh.
set -euo pipefail
. "$(dirname "$0")/n8n-app/lib.sh"
check_begin scan
use_node24 "$@"
app_workdir feishu-scan
SCANNER_VERSION=${N8N_SCANNER_VERSION:-0.32.0}
SCANNER_DIR="$CACHE_ROOT/scan-community-package-$SCANNER_VERSION"

pack_package

step "tarball contents"
tar -tzf "$PACKAGE_TARBALL" | sed 's#^package/##' | sort >"$WORK/files.txt"
sed 's/^/  /' "$WORK/files.txt"
unexpected=$(grep -vE '^(dist/.+|README\.md|LICENSE|package\.json)$' "$WORK/files.txt" || true)
if [ -z "$unexpected" ]; then
  check_pass "the tarball holds only dist/, README.md, LICENSE, package.json"
else
  check_fail "the tarball holds files outside dist/, README.md, LICENSE, package.json: $(echo $unexpected)"
  main_file=$(node -p 'require("./package.json").main || ""')
  if [ -n "$main_file" ] && echo "$unexpected" | grep -qxF "$main_file"; then
    echo "  note: npm always packs the file named by package.json \"main\" ($main_file), whatever \"files\" says"
  fi
fi
missing=$(node -e '
  const n = require("./package.json").n8n;
  for (const f of ["package.json", "README.md", "LICENSE", ...n.nodes, ...n.credentials]) console.log(f);
' | grep -vxFf "$WORK/files.txt" || true)
if [ -z "$missing" ]; then
  check_pass "the tarball holds package.json, README.md, LICENSE and every file package.json's n8n section names"
else
  check_fail "the tarball lacks $(echo $missing)"
fi

step "@n8n/scan-community-package@$SCANNER_VERSION (offline analyzePackage)"
cache_install "$SCANNER_DIR" "@n8n/scan-community-package@$SCANNER_VERSION"
SCANNER_MJS="$SCANNER_DIR/node_modules/@n8n/scan-community-package/scanner/scanner.mjs"
[ -f "$SCANNER_MJS" ] || fail "no scanner at $SCANNER_MJS"
unpack_package "$WORK/tarball"
# The source leg: what the provenance-attested checkout would hold (package.json, nodes/, credentials/).
mkdir -p "$WORK/source"
cp -r package.json nodes credentials "$WORK/source/"
netns=()
if unshare -n true 2>/dev/null; then
  netns=(unshare -n)
  echo "(the analysis runs in a network namespace without network)"
fi
counted "${netns[@]}" node scripts/n8n-app/scan.mjs "$SCANNER_MJS" "$WORK/tarball" "$WORK/source"

step "lint (npm run lint)"
if npm run --silent lint >"$WORK/lint.out" 2>&1; then
  grep -v 'npm warn' "$WORK/lint.out" || true
  check_pass "npm run lint: exit 0 (0 errors; eslint exits non-zero on any error)"
else
  grep -v 'npm warn' "$WORK/lint.out" || true
  check_fail "npm run lint: $(grep -Eo '[0-9]+ problems? \([0-9]+ errors?, [0-9]+ warnings?\)' "$WORK/lint.out" || echo 'failed, see above')"
fi
counted node scripts/n8n-app/lint-config-check.mjs
