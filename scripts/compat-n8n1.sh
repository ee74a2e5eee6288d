#!/usr/bin/env bash
# Does the BUILT package load and run in n8n 1.x? (npm run compat:n8n1)
# For each entry of the matrix below, installs n8n-core + n8n-workflow (once, into a cache outside
# the repo), unpacks the package's npm tarball next to them (so the package's
# require('n8n-workflow') gets that copy, as in an n8n install) and runs
# scripts/n8n-app/compat/run-n8n1.cjs under the given Node versions: n8n-core's WorkflowExecute with
# its real HTTP and binary helpers against the Feishu emulator on 127.0.0.1. Scenarios: whiteboard
# and message-image downloads (name, MIME type, bytes, json.fileSize), token saved and reused,
# expired-token refresh, a documented error, continue-on-fail, and no token sent on a redirect to
# another origin (sendCredentialsOnCrossOriginRedirect: false).
#
# Matrix entries: "<n8n-core> <n8n-workflow|dep> <node majors> <expect pass|fail> <label>" (dep:
# the n8n-workflow that n8n-core depends on). The first, "repo repo 24 ...", is a CONTROL: the
# same harness on the n8n-core/n8n-workflow 2.x of the repo's devDependencies, so a scenario that
# fails on 1.x AND on the control is a problem of the node, not of 1.x. Exit 0 when every "pass"
# entry passes; "fail" entries document where support ends and only get a NOTE if they
# unexpectedly pass. Override with N8N1_MATRIX (entries separated by ';').
# The real n8n 1.x app can be run too: N8N_APP_VERSION=1.123.81 npm run test:n8n.
# Env: N8N_APP_CACHE (~/.cache/n8n-nodes-feishu-images), N8N_NPM_BEFORE, N8N_SKIP_BUILD=1.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

DEFAULT_MATRIX="repo repo 24 pass control: 2.x from devDependencies;\
1.122.48 1.120.31 20,22 pass latest 1.x (n8n 1.123.x);\
1.122.18 dep 20 pass first n8n-core 1.x that honours sendCredentialsOnCrossOriginRedirect;\
1.84.0 1.83.0 20 fail n8n 1.85.3: first with NodeConnectionTypes, but its n8n-core forwards credentials on redirects;\
1.81.1 1.80.1 20 fail n8n 1.82.3: n8n-workflow without NodeConnectionTypes"
MATRIX=${N8N1_MATRIX:-$DEFAULT_MATRIX}
N8N_NPM_BEFORE=${N8N_NPM_BEFORE:-2026-09-30T00:00:00Z}
CACHE_ROOT=${N8N_APP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-feishu-images}

T0=$(date +%s.%N)
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
step() { echo "::: [$(elapsed "$T0")s] $*"; }
fail() { echo "FAIL compat:n8n1: $*" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/n8n1-compat.XXXXXX")
RUN_DIRS=()
cleanup() {
  local rc=$?
  rm -rf "$WORK"
  for d in "${RUN_DIRS[@]}"; do rm -rf "$d"; done
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# `node` of a given major: this machine's when it matches, else the npm registry's `node` package.
node_of() {
  local major=$1
  shift
  if [ "$(node -p 'process.versions.node.split(".")[0]')" = "$major" ]; then
    node "$@"
  else
    npx -y -p "node@$major" -- node "$@"
  fi
}

if [ "${N8N_SKIP_BUILD:-0}" != 1 ]; then
  step "build (Node 24)"
  scripts/node24.sh npm run build >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; fail "npm run build failed"; }
fi
[ -f dist/nodes/FeishuImages/FeishuImages.node.js ] || fail "dist/ is missing: run npm run build"

step "pack; compile the emulator"
tarball=$(npm pack --pack-destination "$WORK" --loglevel=error 2>/dev/null | tail -1)
[ -f "$WORK/$tarball" ] || fail "npm pack produced no tarball"
node "$ROOT/node_modules/typescript/bin/tsc" --outDir "$WORK/emu" --rootDir test --module commonjs \
  --target es2022 --moduleResolution node --esModuleInterop --skipLibCheck --types node --strict \
  test/emulator/index.ts >"$WORK/tsc.log" 2>&1 || { cat "$WORK/tsc.log"; fail "compiling the emulator failed"; }

summary=()
failures=0
CONTROL_FAILED=
IFS=';' read -r -a entries <<<"$MATRIX"
for entry in "${entries[@]}"; do
  entry=$(echo "$entry" | sed 's/^ *//')
  [ -n "$entry" ] || continue
  read -r core wf nodes expect label <<<"$entry"
  if [ "$core" = repo ]; then
    dir=$ROOT
    [ -d node_modules/n8n-core ] || fail "no node_modules/n8n-core: run npm ci first"
    mkdir -p "$ROOT/.tmp"
    step "control: n8n-core $(node -p 'require("n8n-core/package.json").version') + n8n-workflow $(node -p 'require("n8n-workflow/package.json").version') from the repo's devDependencies"
  else
    dir="$CACHE_ROOT/n8n1-core-$core-workflow-$wf"
    step "n8n-core $core + n8n-workflow $wf ($label)"
    if [ ! -f "$dir/.install-complete" ]; then
      echo "installing into $dir"
      rm -rf "$dir" && mkdir -p "$dir"
      echo '{ "name": "n8n1-compat", "private": true }' >"$dir/package.json"
      wf_spec=("n8n-workflow@$wf")
      [ "$wf" != dep ] || wf_spec=()
      (cd "$dir" && npm install "n8n-core@$core" "${wf_spec[@]}" --ignore-scripts --no-audit --no-fund \
          --loglevel=error --before="$N8N_NPM_BEFORE" >"$dir/npm-install.log" 2>&1) \
        || { tail -20 "$dir/npm-install.log"; fail "npm install n8n-core@$core n8n-workflow@$wf failed"; }
      touch "$dir/.install-complete"
    fi
  fi
  nested=$(find "$dir/node_modules" -path '*/node_modules/n8n-workflow/package.json' -not -path "$dir/node_modules/n8n-workflow/package.json" | head -3)
  [ -z "$nested" ] || echo "note: more than one n8n-workflow in this install: $nested"
  if [ "$core" = repo ]; then run_dir=$(mktemp -d "$ROOT/.tmp/compat-control.XXXXXX"); else run_dir=$(mktemp -d "$dir/run.XXXXXX"); fi
  RUN_DIRS+=("$run_dir")
  pkg="$run_dir/node_modules/n8n-nodes-feishu-images"
  mkdir -p "$pkg"
  tar -xzf "$WORK/$tarball" -C "$pkg" --strip-components=1
  for major in ${nodes//,/ }; do
    t=$(date +%s.%N)
    if node_of "$major" scripts/n8n-app/compat/run-n8n1.cjs "$dir" "$pkg" "$WORK/emu/emulator" >"$WORK/out.txt" 2>&1; then rc=0; else rc=$?; fi
    sed 's/^/    /' "$WORK/out.txt"
    node_v=$(grep -o 'Node [0-9][0-9.]*' "$WORK/out.txt" | head -1 || true)
    versions=$(grep -o 'n8n-core [0-9.]*, n8n-workflow [0-9.]*' "$WORK/out.txt" | head -1 | tr -d ',' || true)
    what="${versions:-n8n-core $core n8n-workflow $wf} on ${node_v:-Node $major}"
    failed_here=$(grep '^FAIL ' "$WORK/out.txt" | sed 's/^FAIL *//; s/ \[token requests[^]]*\]//' || true)
    if [ "$core" = repo ]; then CONTROL_FAILED=$failed_here; fi
    if [ $rc -eq 0 ]; then
      result="works ($(grep -o '[0-9]* passed, [0-9]* failed' "$WORK/out.txt" | tail -1))"
    elif grep -q '^load: FAILED' "$WORK/out.txt"; then
      result="does not load: $(grep '^load: FAILED' "$WORK/out.txt" | sed 's/^load: FAILED with n8n-workflow [^:]*: //')"
    else
      result="FAILS ($(grep -o '[0-9]* passed, [0-9]* failed' "$WORK/out.txt" | tail -1 || echo "exit $rc"))"
      while IFS= read -r name; do
        [ -n "$name" ] || continue
        if [ "$core" != repo ] && printf '%s\n' "$CONTROL_FAILED" | sed 's/ — .*//' | grep -qxF "${name%% — *}"; then
          result+=$'\n'"      - $name: fails on the 2.x control too (a problem of the node, not of 1.x)"
        else
          result+=$'\n'"      - $name"
        fi
      done <<<"$failed_here"
    fi
    summary+=("$what [$label]: $result ($(elapsed "$t")s)")
    if [ "$expect" = pass ] && [ $rc -ne 0 ]; then failures=$((failures + 1)); fi
    if [ "$expect" = fail ] && [ $rc -eq 0 ]; then summary+=("  NOTE: expected not to work, but it does"); fi
  done
  rm -rf "$run_dir"
done

echo
echo "n8n 1.x compatibility of the built package:"
for line in "${summary[@]}"; do echo "  $line"; done
if [ $failures -eq 0 ]; then
  echo "PASS compat:n8n1: every supported 1.x combination works; total $(elapsed "$T0")s"
  exit 0
fi
echo "FAIL compat:n8n1: $failures supported combination(s) failed; total $(elapsed "$T0")s"
exit 1
