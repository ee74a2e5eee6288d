#!/usr/bin/env bash
# Does the BUILT package load and run in n8n 1.x? (npm run compat:n8n1)
# For each entry of the matrix below, installs n8n-core + n8n-workflow (once, into a cache outside
# the repo), unpacks the package's npm tarball next to them (so the package's
# require('n8n-workflow') gets that copy, as in an n8n install) and runs
# scripts/n8n-app/compat/run-n8n1.cjs under the given Node versions: test/engine's harness on that
# n8n-core's WorkflowExecute, with its real HTTP and binary helpers, against the Feishu emulator on
# 127.0.0.1 (the scenarios: scripts/n8n-app/compat/scenarios.ts).
#
# Matrix entries: "<n8n-core> <n8n-workflow|dep> <node majors> <expect pass|fail> <label>" (dep:
# the n8n-workflow that n8n-core depends on). The first, "repo repo 24 ...", is a CONTROL: the
# same harness on the n8n-core/n8n-workflow 2.x of the repo's devDependencies, so a scenario that
# fails on 1.x AND on the control is a problem of the node, not of 1.x. Each "pass" entry is one
# check (it passes when every scenario does); "fail" entries document where support ends and only
# get a NOTE if they unexpectedly pass. Ends with `N passed, N failed`. Override with N8N1_MATRIX
# (entries separated by ';').
# The real n8n 1.x app can be run too: N8N_APP_VERSION=1.123.81 npm run test:n8n.
# Env: those of scripts/n8n-app/lib.sh (N8N_APP_CACHE, N8N_NPM_BEFORE, N8N_SKIP_BUILD=1).
set -euo pipefail
. "$(dirname "$0")/n8n-app/lib.sh"
check_begin compat:n8n1
app_workdir n8n1-compat

DEFAULT_MATRIX="repo repo 24 pass control: 2.x from devDependencies;\
1.122.48 1.120.31 20,22 pass latest 1.x (n8n 1.123.x);\
1.122.18 dep 20 pass first n8n-core 1.x that honours sendCredentialsOnCrossOriginRedirect;\
1.84.0 1.83.0 20 fail n8n 1.85.3: first with NodeConnectionTypes, but its n8n-core forwards credentials on redirects;\
1.81.1 1.80.1 20 fail n8n 1.82.3: n8n-workflow without NodeConnectionTypes"
MATRIX=${N8N1_MATRIX:-$DEFAULT_MATRIX}

# `node` of a given major: this machine's when it matches, else the npm registry's `node` package.
node_of() {
  local major=$1
  shift
  if [ "$(node -p 'process.versions.node.split(".")[0]')" = "$major" ]; then
    node "$@"
  else
    npm_config_ignore_scripts=false npx -y -p "node@$major.x" -- node "$@"
  fi
}

pack_package

# The package unpacked beside an n8n-core, removed after each entry (and at exit).
run_dir=
remove_run_dir() { [ -z "$run_dir" ] || rm -rf "$run_dir"; }
APP_CLEANUP_HOOK=remove_run_dir
summary=()
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
    run_dir=$(mktemp -d "$ROOT/.tmp/compat-control.XXXXXX")
    step "control: n8n-core $(node -p 'require("n8n-core/package.json").version') + n8n-workflow $(node -p 'require("n8n-workflow/package.json").version') from the repo's devDependencies"
  else
    dir="$CACHE_ROOT/n8n1-core-$core-workflow-$wf"
    step "n8n-core $core + n8n-workflow $wf ($label)"
    wf_spec=("n8n-workflow@$wf")
    [ "$wf" != dep ] || wf_spec=()
    cache_install "$dir" "n8n-core@$core" "${wf_spec[@]}"
    run_dir=$(mktemp -d "$dir/run.XXXXXX")
  fi
  nested=$(find "$dir/node_modules" -path '*/node_modules/n8n-workflow/package.json' -not -path "$dir/node_modules/n8n-workflow/package.json" | head -3)
  [ -z "$nested" ] || echo "note: more than one n8n-workflow in this install: $nested"
  pkg="$run_dir/node_modules/n8n-nodes-feishu-images"
  unpack_package "$pkg"
  for major in ${nodes//,/ }; do
    t=$(date +%s.%N)
    # Its own closing line (no $CHECK_TALLY): one entry of the matrix is one check here.
    if (unset CHECK_TALLY; node_of "$major" scripts/n8n-app/compat/run-n8n1.cjs "$dir" "$pkg") >"$WORK/out.txt" 2>&1; then rc=0; else rc=$?; fi
    sed 's/^/    /' "$WORK/out.txt"
    what=$(grep -o '^Node [0-9.]*, n8n-core [0-9.]*, n8n-workflow [0-9.]*' "$WORK/out.txt" | head -1 || true)
    what=${what:-n8n-core $core, n8n-workflow $wf on Node $major}
    failed_here=$(grep '^  FAIL ' "$WORK/out.txt" | sed 's/^  FAIL *//' || true)
    if [ "$core" = repo ]; then CONTROL_FAILED=$failed_here; fi
    closing=$(grep -o '^[0-9]* passed, [0-9]* failed' "$WORK/out.txt" | tail -1 || true)
    if [ $rc -eq 0 ]; then
      result="works ($closing)"
    elif grep -q '^load: FAILED' "$WORK/out.txt"; then
      result="does not load: $(grep '^load: FAILED' "$WORK/out.txt" | sed 's/^load: FAILED with n8n-workflow [^:]*: //')"
    else
      result="FAILS (${closing:-exit $rc})"
      while IFS= read -r name; do
        [ -n "$name" ] || continue
        if [ "$core" != repo ] && printf '%s\n' "$CONTROL_FAILED" | sed 's/:.*//' | grep -qxF "${name%%:*}"; then
          result+=$'\n'"      - $name: fails on the 2.x control too (a problem of the node, not of 1.x)"
        else
          result+=$'\n'"      - $name"
        fi
      done <<<"$failed_here"
    fi
    line="$what [$label]: $result ($(elapsed "$t")s)"
    summary+=("$line")
    if [ "$expect" = pass ]; then
      if [ $rc -eq 0 ]; then check_pass "${line%%$'\n'*}"; else check_fail "${line%%$'\n'*}"; fi
    elif [ $rc -eq 0 ]; then
      summary+=("  NOTE: expected not to work, but it does")
    fi
  done
  remove_run_dir
  run_dir=
done

echo
echo "n8n 1.x compatibility of the built package (total $(elapsed "$T0")s):"
for line in "${summary[@]}"; do echo "  $line"; done
