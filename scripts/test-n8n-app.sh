#!/usr/bin/env bash
# The package inside the REAL n8n app (npm run test:n8n; not part of npm test):
#   1. installs n8n (2.41.1) once into a cache outside the repo (scripts/n8n-app-install.sh);
#   2. builds the package (skip with N8N_SKIP_BUILD=1), packs it and unpacks the tarball into
#      <N8N_USER_FOLDER>/.n8n/nodes/node_modules/n8n-nodes-feishu-images, where n8n loads
#      community packages (node type n8n-nodes-feishu-images.feishuImages);
#   3. starts the Feishu emulator on 127.0.0.1 (scripts/n8n-app/emulator-runner.ts) with a whiteboard;
#   4. n8n import:credentials (feishuApi, custom base URL = the emulator) and import:workflow
#      (Manual Trigger -> Feishu Images: whiteboard download as image);
#   5. n8n execute --id --rawOutput, twice: each run must output one item whose binary has the
#      emulator's file name, MIME type, size and bytes (read back from n8n's binary store); the
#      emulator must see ONE token request in all (n8n saved the token after the first run, and
#      the saved token is the one the emulator issued) and two downloads.
# Everything runs in a private network namespace with only loopback (unshare -n) when the
# machine allows it (root), so nothing can reach beyond 127.0.0.1; N8N_TEST_NETNS=0 turns it off.
# Env: N8N_APP_VERSION (2.41.1; 1.123.81 installs and runs too), N8N_APP_CACHE, N8N_NPM_BEFORE (see
#      n8n-app-install.sh), N8N_SKIP_BUILD=1, N8N_TEST_KEEP=1 keeps the temporary folder.
# The first run installs n8n (about 6 minutes, 2.7 GB in the cache); later runs take about 30 s.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

# Everything below needs Node >= 24 (n8n 2.x).
if [ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)" -lt 24 ]; then
  exec "$ROOT/scripts/node24.sh" bash "$0" "$@"
fi

T0=${N8N_TEST_T0:-$(date +%s.%N)}
export N8N_TEST_T0=$T0
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
step() { echo "::: [$(elapsed "$T0")s] $*"; }
fail() { echo "FAIL test:n8n: $*" >&2; exit 1; }
# A failed check that later checks do not depend on: recorded, reported at the end.
FAILURES=()
failed() { echo "  -> $*" >&2; FAILURES+=("$*"); }
# Runs one check of app-test.mjs; a failure is recorded with the check's own message.
verify() {
  local out
  if out=$(node scripts/n8n-app/app-test.mjs "$@" 2>&1); then
    echo "$out"
  else
    echo "$out"
    failed "${out//CHECK FAILED: /}"
  fi
}

# The install needs the npm registry, so it runs before entering the network namespace.
if [ -z "${N8N_TEST_APP_DIR:-}" ]; then
  step "n8n app"
  N8N_TEST_APP_DIR=$("$ROOT/scripts/n8n-app-install.sh" | tail -1) || fail "installing n8n failed"
  export N8N_TEST_APP_DIR
  export N8N_TEST_T_APP=$(elapsed "$T0")
fi

# Re-run inside a fresh network namespace (only loopback) unless already there or disabled.
if [ "${N8N_TEST_NETNS:-1}" = 1 ] && [ -z "${N8N_TEST_IN_NETNS:-}" ]; then
  if unshare -n true 2>/dev/null && command -v ip >/dev/null; then
    export N8N_TEST_IN_NETNS=1
    exec unshare -n bash -c 'ip link set lo up || { echo "cannot bring up loopback in the network namespace: set N8N_TEST_NETNS=0" >&2; exit 1; }
      exec bash "$0" "$@"' "$0" "$@"
  fi
  echo "note: cannot create a network namespace here (needs root and iproute2); running in the normal network"
fi
if [ -n "${N8N_TEST_IN_NETNS:-}" ]; then
  step "network: private namespace, loopback only (links: $(ip -o link show | awk -F': ' '{print $2}' | tr '\n' ' '))"
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/n8n-app-test.XXXXXX")
EMU_PID=
cleanup() {
  local rc=$?
  if [ -n "$EMU_PID" ] && kill -0 "$EMU_PID" 2>/dev/null; then
    kill -TERM "$EMU_PID" 2>/dev/null || true
    wait "$EMU_PID" 2>/dev/null || true
  fi
  if [ "${N8N_TEST_KEEP:-0}" = 1 ] || [ $rc -ne 0 ]; then
    echo "(files kept in $WORK)"
  else
    rm -rf "$WORK"
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

APP_DIR=$N8N_TEST_APP_DIR
T_APP=${N8N_TEST_T_APP:-0}
N8N_BIN="$APP_DIR/node_modules/n8n/bin/n8n"
[ -f "$N8N_BIN" ] || fail "no n8n at $N8N_BIN"
N8N_VERSION=$(node -p 'require(process.argv[1]).version' "$APP_DIR/node_modules/n8n/package.json")
echo "n8n $N8N_VERSION on Node $(node --version) ($APP_DIR)"

if [ "${N8N_SKIP_BUILD:-0}" != 1 ]; then
  step "build"
  npm run build >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; fail "npm run build failed"; }
fi
[ -f dist/nodes/FeishuImages/FeishuImages.node.js ] || fail "dist/ is missing: run npm run build"

step "pack and install as a community package"
export N8N_USER_FOLDER="$WORK/user"
PKG_DIR="$N8N_USER_FOLDER/.n8n/nodes/node_modules/n8n-nodes-feishu-images"
mkdir -p "$PKG_DIR"
tarball=$(npm pack --pack-destination "$WORK" --loglevel=error 2>/dev/null | tail -1)
[ -f "$WORK/$tarball" ] || fail "npm pack produced no tarball"
tar -xzf "$WORK/$tarball" -C "$PKG_DIR" --strip-components=1
echo "$tarball -> $PKG_DIR ($(find "$PKG_DIR" -type f | wc -l) files)"

step "Feishu emulator on 127.0.0.1"
node "$ROOT/node_modules/typescript/bin/tsc" --outDir "$WORK/emu" --rootDir . --module commonjs \
  --target es2022 --moduleResolution node --esModuleInterop --skipLibCheck --types node --strict \
  scripts/n8n-app/emulator-runner.ts >"$WORK/tsc.log" 2>&1 || { cat "$WORK/tsc.log"; fail "compiling the emulator failed"; }
node "$WORK/emu/scripts/n8n-app/emulator-runner.js" "$WORK/emulator-state.json" "$WORK/emulator-stats.json" \
  >"$WORK/emulator.log" 2>&1 &
EMU_PID=$!
for _ in $(seq 1 100); do
  [ -f "$WORK/emulator-state.json" ] && break
  kill -0 "$EMU_PID" 2>/dev/null || { cat "$WORK/emulator.log"; fail "the emulator exited"; }
  sleep 0.1
done
[ -f "$WORK/emulator-state.json" ] || fail "the emulator did not start within 10 s"
EMU_URL=$(node -p 'require(process.argv[1]).baseUrl' "$WORK/emulator-state.json")
echo "emulator at $EMU_URL (pid $EMU_PID)"

emulator_stats() {
  rm -f "$WORK/emulator-stats.json"
  kill -USR2 "$EMU_PID"
  for _ in $(seq 1 50); do [ -f "$WORK/emulator-stats.json" ] && return 0; sleep 0.1; done
  fail "the emulator wrote no stats"
}

# n8n, offline and quiet; the execution result comes through the logger as JSON lines.
export N8N_ENCRYPTION_KEY=feishu-images-app-test-key
export DB_TYPE=sqlite
export N8N_DIAGNOSTICS_ENABLED=false
export N8N_VERSION_NOTIFICATIONS_ENABLED=false
export N8N_TEMPLATES_ENABLED=false
export N8N_PERSONALIZATION_ENABLED=false
export N8N_LICENSE_AUTO_RENEW_ENABLED=false
export N8N_COMMUNITY_PACKAGES_ENABLED=true
export N8N_REINSTALL_MISSING_PACKAGES=false
export N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS=false
export N8N_DEFAULT_BINARY_DATA_MODE=filesystem
export N8N_RUNNERS_BROKER_LISTEN_ADDRESS=127.0.0.1
export N8N_LOG_LEVEL=info
export N8N_LOG_OUTPUT=console
export N8N_LOG_FORMAT=json
export NO_COLOR=1
unset N8N_CUSTOM_EXTENSIONS

n8n() {
  local name=$1
  shift
  local t
  t=$(date +%s.%N)
  if ! node "$N8N_BIN" "$@" >"$WORK/$name.log" 2>&1; then
    tail -40 "$WORK/$name.log"
    fail "n8n $* failed (log: $WORK/$name.log)"
  fi
  echo "n8n $1: ok in $(elapsed "$t")s"
}

step "import credential and workflow"
mkdir -p "$WORK/fixtures"
node scripts/n8n-app/app-test.mjs fixtures "$WORK/emulator-state.json" "$WORK/fixtures"
n8n import-credentials import:credentials --input="$WORK/fixtures/credentials.json"
n8n import-workflow import:workflow --input="$WORK/fixtures/workflow.json"
WORKFLOW_ID=$(node -p 'require(process.argv[1]).id' "$WORK/fixtures/workflow.json")

step "execute #1 (fetches a token)"
T_EXEC=$(date +%s.%N)
n8n execute-1 execute --id="$WORKFLOW_ID" --rawOutput
if grep -q 'Unrecognized node type\|is not known\|Could not load' "$WORK/execute-1.log"; then
  grep 'Unrecognized node type\|is not known\|Could not load' "$WORK/execute-1.log" | head -5
  fail "n8n did not load the community package"
fi
node scripts/n8n-app/app-test.mjs result "$WORK/execute-1.log" "$WORK/result-1.json" || fail "no execution result"
verify check "$WORK/result-1.json" "$WORK/emulator-state.json" "$N8N_USER_FOLDER/.n8n" "execute #1"
emulator_stats
verify stats "$WORK/emulator-stats.json" 1 1

step "the token n8n saved"
n8n export-credentials export:credentials --id=FeishuEmuCred001 --decrypted --output="$WORK/credential-export.json"
verify credential "$WORK/credential-export.json" "$WORK/emulator-stats.json"
rm -f "$WORK/credential-export.json"

step "execute #2 (reuses the saved token)"
n8n execute-2 execute --id="$WORKFLOW_ID" --rawOutput
node scripts/n8n-app/app-test.mjs result "$WORK/execute-2.log" "$WORK/result-2.json" || fail "no execution result"
verify check "$WORK/result-2.json" "$WORK/emulator-state.json" "$N8N_USER_FOLDER/.n8n" "execute #2"
emulator_stats
verify stats "$WORK/emulator-stats.json" 1 2

kill -TERM "$EMU_PID" 2>/dev/null || true
wait "$EMU_PID" 2>/dev/null || true
EMU_PID=

echo
if [ ${#FAILURES[@]} -ne 0 ]; then
  echo "FAIL test:n8n: n8n $N8N_VERSION (Node $(node --version)), $(elapsed "$T0")s:"
  for f in "${FAILURES[@]}"; do echo "  - $f"; done
  exit 1
fi
echo "PASS test:n8n: n8n $N8N_VERSION (Node $(node --version)) loaded n8n-nodes-feishu-images from its packed tarball as a community package; 2 executions of Manual Trigger -> Feishu Images downloaded the whiteboard with the right name, MIME type, size and bytes; 1 token request in all (saved by n8n and reused). Total $(elapsed "$T0")s (n8n install/cache check ${T_APP}s, from first execute $(elapsed "$T_EXEC")s)."
