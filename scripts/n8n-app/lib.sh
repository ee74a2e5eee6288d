# Shared by the scripts that drive the real n8n app (test-n8n-app.sh, test-queue.sh, test-ui.sh).
# Source it from a script in scripts/ AFTER `set -euo pipefail`:
#   . "$(dirname "$0")/n8n-app/lib.sh"
#   app_prepare "$@"       Node 24, the n8n app install, then a loopback-only network namespace
#   app_workdir NAME       $WORK (temp folder) and the EXIT trap that stops every process started
#                          through start_bg, by PID
#   app_install_package    build, npm pack, unpack as a community package into $N8N_USER_FOLDER
#   app_start_emulator [--boards=N]   the Feishu emulator; sets EMU_URL, EMU_CONTROL, EMU_STATE
#   app_n8n_env            the environment of an offline n8n bound to 127.0.0.1
# Env: N8N_TEST_NETNS=0 (no network namespace), N8N_SKIP_BUILD=1, N8N_TEST_KEEP=1 (keep $WORK),
#      and those of n8n-app-install.sh (N8N_APP_VERSION, N8N_APP_CACHE, N8N_NPM_BEFORE).

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
SCRIPT_NAME=${SCRIPT_NAME:-$(basename "$0" .sh)}

T0=${N8N_TEST_T0:-$(date +%s.%N)}
export N8N_TEST_T0=$T0
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
step() { echo "::: [$(elapsed "$T0")s] $*"; }
fail() { echo "FAIL $SCRIPT_NAME: $*" >&2; exit 1; }

# Debian packages a test needs, installed when missing: CI machines are fresh. Needs root and the
# Debian mirror (so before app_prepare enters the network namespace); `apt-get update` runs once.
#   want_debian PACKAGE CHECK-COMMAND...   (the package is wanted when the check fails)
#   install_wanted_debian
APT_WANT=()
want_debian() {
  local pkg=$1
  shift
  "$@" >/dev/null 2>&1 || APT_WANT+=("$pkg")
}
install_wanted_debian() {
  [ ${#APT_WANT[@]} -eq 0 ] && return 0
  [ "$(id -u)" = 0 ] || fail "missing Debian packages ${APT_WANT[*]}: apt-get install -y ${APT_WANT[*]} (as root)"
  step "apt-get install ${APT_WANT[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null || fail "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${APT_WANT[@]}" >/dev/null \
    || fail "apt-get install ${APT_WANT[*]} failed"
  APT_WANT=()
}

# Node 24, the app (needs the registry, so before the namespace), then re-exec in a fresh network
# namespace where only loopback exists. As root `unshare -n`; otherwise `unshare -rn` (a user
# namespace, root inside) when the script allows it (APP_NETNS_AS_USER=1: nothing in it may refuse
# to run as root).
app_prepare() {
  if [ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)" -lt 24 ]; then
    # Node 24 first in PATH, then exec (same PID): run under npx, this script would be npx's
    # child, and a TERM sent to the script's PID would not reach its cleanup.
    local node24
    node24=$("$ROOT/scripts/node24.sh" node -p 'process.execPath' | tail -1) || fail "no Node 24"
    PATH="$(dirname "$node24"):$PATH" exec bash "$0" "$@"
  fi
  # The repo's own dependencies (tsc, playwright-core ...) and the app both need the registry.
  . "$ROOT/scripts/ensure-deps.sh"
  ensure_deps
  if [ -z "${N8N_TEST_APP_DIR:-}" ]; then
    step "n8n app"
    N8N_TEST_APP_DIR=$("$ROOT/scripts/n8n-app-install.sh" | tail -1) || fail "installing n8n failed"
    export N8N_TEST_APP_DIR
    export N8N_TEST_T_APP=$(elapsed "$T0")
  fi
  if [ "${N8N_TEST_NETNS:-1}" = 1 ] && [ -z "${N8N_TEST_IN_NETNS:-}" ] && command -v ip >/dev/null; then
    local netns=()
    if [ "$(id -u)" = 0 ] && unshare -n true 2>/dev/null; then
      netns=(unshare -n)
    elif [ "${APP_NETNS_AS_USER:-0}" = 1 ] && unshare -rn true 2>/dev/null; then
      netns=(unshare -rn)
    fi
    if [ ${#netns[@]} -gt 0 ]; then
      export N8N_TEST_IN_NETNS=1
      exec "${netns[@]}" bash -c 'ip link set lo up || { echo "cannot bring up loopback in the network namespace: set N8N_TEST_NETNS=0" >&2; exit 1; }
        exec bash "$0" "$@"' "$0" "$@"
    fi
  fi
  if [ -n "${N8N_TEST_IN_NETNS:-}" ]; then
    step "network: private namespace, loopback only (links: $(ip -o link show | awk -F': ' '{print $2}' | tr '\n' ' '))"
  else
    echo "note: no network namespace here (needs root or user namespaces, and iproute2; or N8N_TEST_NETNS=0): plain loopback"
  fi
  APP_DIR=$N8N_TEST_APP_DIR
  N8N_BIN="$APP_DIR/node_modules/n8n/bin/n8n"
  [ -f "$N8N_BIN" ] || fail "no n8n at $N8N_BIN"
  N8N_VERSION=$(node -p 'require(process.argv[1]).version' "$APP_DIR/node_modules/n8n/package.json")
  echo "n8n $N8N_VERSION on Node $(node --version) ($APP_DIR)"
}

# Processes started with start_bg, stopped at exit by PID: TERM, then KILL after 10 s.
BG_PIDS=()
BG_NAMES=()
# start_bg NAME CMD... : runs CMD in the background, output in $WORK/NAME.log; sets LAST_PID.
start_bg() {
  local name=$1
  shift
  "$@" >"$WORK/$name.log" 2>&1 &
  LAST_PID=$!
  BG_PIDS+=("$LAST_PID")
  BG_NAMES+=("$name")
}
stop_pid() {
  local pid=$1 i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
# Extra cleanup of a script (e.g. stopping Postgres by its postmaster PID), run first.
APP_CLEANUP_HOOK=
app_cleanup() {
  local rc=$? i
  trap - EXIT
  [ -z "$APP_CLEANUP_HOOK" ] || $APP_CLEANUP_HOOK || true
  # Newest first: n8n before the services it uses.
  for ((i = ${#BG_PIDS[@]} - 1; i >= 0; i--)); do stop_pid "${BG_PIDS[$i]}"; done
  if [ "${N8N_TEST_KEEP:-0}" = 1 ] || [ $rc -ne 0 ]; then
    echo "(files kept in $WORK)"
  else
    rm -rf "$WORK"
  fi
  exit $rc
}
app_workdir() {
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
  trap app_cleanup EXIT
  trap 'exit 130' INT TERM
}

# A free TCP port on 127.0.0.1 (the kernel picks it; a tiny race remains until it is used).
free_port() {
  node -e 'const s=require("node:net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# wait_http URL SECONDS PID: until URL answers (any HTTP status), or fail when PID exits.
wait_http() {
  local url=$1 seconds=$2 pid=$3 i
  for i in $(seq 1 $((seconds * 5))); do
    if node -e 'fetch(process.argv[1]).then(() => process.exit(0), () => process.exit(1))' "$url" 2>/dev/null; then
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.2
  done
  return 1
}

app_install_package() {
  if [ "${N8N_SKIP_BUILD:-0}" != 1 ]; then
    step "build"
    npm run build >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; fail "npm run build failed"; }
  fi
  [ -f dist/nodes/FeishuImages/FeishuImages.node.js ] || fail "dist/ is missing: run npm run build"
  step "pack and install as a community package"
  export N8N_USER_FOLDER="$WORK/user"
  local pkg_dir="$N8N_USER_FOLDER/.n8n/nodes/node_modules/n8n-nodes-feishu-images" tarball
  mkdir -p "$pkg_dir"
  tarball=$(npm pack --pack-destination "$WORK" --loglevel=error 2>/dev/null | tail -1)
  [ -f "$WORK/$tarball" ] || fail "npm pack produced no tarball"
  tar -xzf "$WORK/$tarball" -C "$pkg_dir" --strip-components=1
  echo "$tarball -> $pkg_dir ($(find "$pkg_dir" -type f | wc -l) files)"
}

app_start_emulator() {
  step "Feishu emulator on 127.0.0.1"
  node "$ROOT/node_modules/typescript/bin/tsc" --outDir "$WORK/emu" --rootDir . --module commonjs \
    --target es2022 --moduleResolution node --esModuleInterop --skipLibCheck --types node --strict \
    scripts/n8n-app/emulator-runner.ts >"$WORK/tsc.log" 2>&1 || { cat "$WORK/tsc.log"; fail "compiling the emulator failed"; }
  EMU_STATE="$WORK/emulator-state.json"
  start_bg emulator node "$WORK/emu/scripts/n8n-app/emulator-runner.js" "$EMU_STATE" "$WORK/emulator-stats.json" "$@"
  EMU_PID=$LAST_PID
  local i
  for i in $(seq 1 100); do
    [ -f "$EMU_STATE" ] && break
    kill -0 "$EMU_PID" 2>/dev/null || { cat "$WORK/emulator.log"; fail "the emulator exited"; }
    sleep 0.1
  done
  [ -f "$EMU_STATE" ] || fail "the emulator did not start within 10 s"
  EMU_URL=$(node -p 'require(process.argv[1]).baseUrl' "$EMU_STATE")
  EMU_CONTROL=$(node -p 'require(process.argv[1]).controlUrl' "$EMU_STATE")
  echo "emulator at $EMU_URL (control $EMU_CONTROL, pid $EMU_PID)"
}

# n8n, offline and quiet, on 127.0.0.1 only. Each n8n process also needs its own N8N_PORT and
# N8N_RUNNERS_BROKER_PORT when several run at once.
app_n8n_env() {
  export N8N_DIAGNOSTICS_ENABLED=false
  export N8N_VERSION_NOTIFICATIONS_ENABLED=false
  export N8N_TEMPLATES_ENABLED=false
  export N8N_PERSONALIZATION_ENABLED=false
  export N8N_LICENSE_AUTO_RENEW_ENABLED=false
  # Modules that call out to the internet (the MCP server registry; AI agents and quick-connect's
  # third-party services) are not loaded.
  export N8N_DISABLED_MODULES=mcp-registry,instance-ai,agents,quick-connect
  export N8N_LISTEN_ADDRESS=127.0.0.1
  export N8N_HOST=127.0.0.1
  export N8N_RUNNERS_BROKER_LISTEN_ADDRESS=127.0.0.1
  export N8N_COMMUNITY_PACKAGES_ENABLED=true
  export N8N_REINSTALL_MISSING_PACKAGES=false
  export N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS=false
  export N8N_SECURE_COOKIE=false
  export N8N_LOG_OUTPUT=console
  export NO_COLOR=1
  unset N8N_CUSTOM_EXTENSIONS
}

# n8n NAME ARGS...: one n8n CLI command (import:*, export:*, execute ...), output in $WORK/NAME.log.
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
