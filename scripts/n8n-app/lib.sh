# The plumbing of the real-app checks (test-n8n-app.sh, test-queue.sh, test-ui.sh,
# test-changed-pictures.sh, compat-n8n1.sh, scan.sh) and of n8n-app-install.sh. Source it from
# a script in scripts/ AFTER `set -euo pipefail`:
#   . "$(dirname "$0")/n8n-app/lib.sh"
#
# A check:
#   check_begin NAME       from here on, the script ends with `N passed, N failed` (always: on
#                          success, on a failed step, on a crash, on Ctrl-C), after stopping every
#                          process started through start_bg, by PID; exit 1 when anything failed
#   check_pass MSG / check_fail MSG      one check of the script itself
#   check_run MSG CMD...   one check: CMD's exit status (its output shown)
#   counted CMD...         runs a .mjs helper that counts its own checks (scripts/n8n-app/checks.mjs
#                          writes them to $CHECK_TALLY); a failed one does not stop the script
#   fail MSG               a step the rest needs failed: counted, the script ends
# The app and the package:
#   use_node24 "$@"        re-runs the script under Node 24 when the machine's node is older
#   app_prepare "$@"       Node 24, the n8n app install, then a loopback-only network namespace
#   app_workdir NAME       $WORK, a temporary folder (removed at exit unless kept)
#   pack_package           build (unless N8N_SKIP_BUILD=1), `npm pack` into $WORK: $PACKAGE_TARBALL
#   unpack_package DIR     the tarball's files into DIR, as npm installs them
#   app_install_package    pack_package, unpacked as a community package into $N8N_USER_FOLDER
#   app_start_emulator [--boards=N]   the Feishu emulator process (scripts/emulator/process.ts);
#                          sets EMU_URL, EMU_CONTROL, EMU_STATE, EMU_PID
#   emu_call METHOD [JSON args]       one call of the emulator process (its answer, JSON, on stdout)
#   app_n8n_env            the environment of an offline n8n bound to 127.0.0.1
#   n8n NAME ARGS...       one n8n CLI command, output in $WORK/NAME.log
# Env: N8N_TEST_NETNS=0 (no network namespace), N8N_SKIP_BUILD=1, N8N_TEST_KEEP=1 (keep $WORK),
#      N8N_APP_VERSION (2.41.1), N8N_APP_CACHE (~/.cache/n8n-nodes-feishu-images: the app, the
#      scanner, n8n-core 1.x), N8N_NPM_BEFORE (what npm installs there resolves as of that date).

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
SCRIPT_NAME=${SCRIPT_NAME:-$(basename "$0" .sh)}
N8N_APP_VERSION=${N8N_APP_VERSION:-2.41.1}
N8N_NPM_BEFORE=${N8N_NPM_BEFORE:-2026-09-30T00:00:00Z}
CACHE_ROOT=${N8N_APP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-feishu-images}

T0=${N8N_TEST_T0:-$(date +%s.%N)}
export N8N_TEST_T0=$T0
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
step() { echo "::: [$(elapsed "$T0")s] $*"; }

# ---- counting and the closing line -------------------------------------------------------------
# One tally file per run of a check (check_begin), kept across the re-executions of
# use_node24/app_prepare (same PID), shared with the .mjs helpers through the environment.
CHECKING=
check_count() {
  local n
  n=$(grep -cx "$1" "$CHECK_TALLY" 2>/dev/null) || true
  echo "${n:-0}"
}
check_pass() { echo "  PASS $*"; echo pass >>"$CHECK_TALLY"; }
check_fail() { echo "  FAIL $*"; echo fail >>"$CHECK_TALLY"; }
check_run() {
  local message=$1
  shift
  if "$@"; then check_pass "$message"; else check_fail "$message"; fi
}
counted() { "$@" || true; }
fail() {
  echo "FAIL $SCRIPT_NAME: $*" >&2
  [ -z "$CHECKING" ] || echo fail >>"$CHECK_TALLY"
  exit 1
}

# Processes started with start_bg, stopped at exit by PID: TERM, then KILL after 10 s.
BG_PIDS=()
# start_bg NAME CMD... : runs CMD in the background, output in $WORK/NAME.log; sets LAST_PID.
start_bg() {
  local name=$1
  shift
  "$@" >"$WORK/$name.log" 2>&1 &
  LAST_PID=$!
  BG_PIDS+=("$LAST_PID")
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
# No closing line (UI_SERVE_ONLY: nothing was checked).
CHECK_QUIET=
WORK=
check_exit() {
  local rc=$? i passed failed
  trap - EXIT
  [ -z "$APP_CLEANUP_HOOK" ] || $APP_CLEANUP_HOOK || true
  # Newest first: n8n before the services it uses.
  for ((i = ${#BG_PIDS[@]} - 1; i >= 0; i--)); do stop_pid "${BG_PIDS[$i]}"; done
  if [ -n "$WORK" ]; then
    if [ "${N8N_TEST_KEEP:-0}" = 1 ] || [ $rc -ne 0 ]; then echo "(files kept in $WORK)"; else rm -rf "$WORK"; fi
  fi
  passed=$(check_count pass)
  failed=$(check_count fail)
  rm -f "$CHECK_TALLY"
  # An exit that no check explains (a crash, a signal) is a failed check too.
  if [ $rc -ne 0 ] && [ "$failed" = 0 ]; then failed=1; fi
  if [ "$failed" != 0 ] && [ $rc -eq 0 ]; then rc=1; fi
  [ -n "$CHECK_QUIET" ] || printf '\n%s passed, %s failed\n' "$passed" "$failed"
  exit $rc
}
check_begin() {
  SCRIPT_NAME=$1
  CHECKING=1
  if [ "${CHECK_TALLY_PID:-}" != $$ ] || [ ! -f "${CHECK_TALLY:-}" ]; then
    CHECK_TALLY=$(mktemp "${TMPDIR:-/tmp}/check-tally.XXXXXX")
  fi
  export CHECK_TALLY CHECK_TALLY_PID=$$
  trap check_exit EXIT
  trap 'exit 130' INT TERM
}

# ---- Node 24, the app, the network namespace -----------------------------------------------------
# Node 24 first in PATH, then exec (same PID): run under npx, this script would be npx's child,
# and a TERM sent to the script's PID would not reach its cleanup.
use_node24() {
  if [ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)" -lt 24 ]; then
    local node24
    node24=$("$ROOT/scripts/node24.sh" node -p 'process.execPath' | tail -1) || fail "no Node 24"
    PATH="$(dirname "$node24"):$PATH" exec bash "$0" "$@"
  fi
}

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
  use_node24 "$@"
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

app_workdir() {
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
}

# A free TCP port on 127.0.0.1 (the kernel picks it; a tiny race remains until it is used).
free_port() {
  node -e 'const s=require("node:net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# poll_node SECONDS PID SCRIPT ARG...: until the Node one-liner SCRIPT (its arguments in
# process.argv[1…]) exits 0, checking 5 times a second; fails when PID exits or time runs out.
poll_node() {
  local seconds=$1 pid=$2 script=$3 i
  shift 3
  for i in $(seq 1 $((seconds * 5))); do
    node -e "$script" "$@" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.2
  done
  return 1
}

# wait_http URL SECONDS PID: until URL answers (any HTTP status), or fail when PID exits.
wait_http() {
  poll_node "$2" "$3" 'fetch(process.argv[1]).then(() => process.exit(0), () => process.exit(1))' "$1"
}

# wait_webhook_registered URL PID: until n8n serves the production webhook URL (POST). n8n 2.41
# registers published webhooks through its publication service (logging at debug only): once it
# has, a GET is refused with "not registered for GET requests. Did you mean ... POST".
wait_webhook_registered() {
  poll_node 60 "$2" \
    'fetch(process.argv[1]).then(async (r) => process.exit(/Did you mean to make a POST/.test(await r.text()) ? 0 : 1), () => process.exit(1))' \
    "$1"
}

# ---- the package -------------------------------------------------------------------------------
pack_package() {
  if [ "${N8N_SKIP_BUILD:-0}" != 1 ]; then
    step "build"
    npm run build >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; fail "npm run build failed"; }
  fi
  [ -f dist/nodes/FeishuImages/FeishuImages.node.js ] || fail "dist/ is missing: run npm run build"
  step "npm pack"
  local name
  name=$(npm pack --pack-destination "$WORK" --loglevel=error 2>/dev/null | tail -1)
  PACKAGE_TARBALL="$WORK/$name"
  [ -n "$name" ] && [ -f "$PACKAGE_TARBALL" ] || fail "npm pack produced no tarball"
  echo "$name ($(stat -c %s "$PACKAGE_TARBALL") bytes)"
}
unpack_package() {
  mkdir -p "$1"
  tar -xzf "$PACKAGE_TARBALL" -C "$1" --strip-components=1
}
app_install_package() {
  pack_package
  export N8N_USER_FOLDER="$WORK/user"
  local pkg_dir="$N8N_USER_FOLDER/.n8n/nodes/node_modules/n8n-nodes-feishu-images"
  unpack_package "$pkg_dir"
  echo "installed as a community package: $pkg_dir ($(find "$pkg_dir" -type f | wc -l) files)"
}

# ---- the emulator ------------------------------------------------------------------------------
app_start_emulator() {
  step "Feishu emulator on 127.0.0.1"
  EMU_STATE="$WORK/emulator-state.json"
  start_bg emulator node scripts/register-ts.js scripts/emulator/process.ts --state="$EMU_STATE" "$@"
  EMU_PID=$LAST_PID
  local i
  for i in $(seq 1 300); do
    [ -f "$EMU_STATE" ] && break
    kill -0 "$EMU_PID" 2>/dev/null || { cat "$WORK/emulator.log"; fail "the emulator exited"; }
    sleep 0.1
  done
  [ -f "$EMU_STATE" ] || fail "the emulator did not start within 30 s"
  EMU_URL=$(node -p 'require(process.argv[1]).baseUrl' "$EMU_STATE")
  EMU_CONTROL=$(node -p 'require(process.argv[1]).controlUrl' "$EMU_STATE")
  echo "emulator at $EMU_URL (control $EMU_CONTROL, pid $EMU_PID)"
}
emu_call() {
  node -e '
    fetch(process.argv[1], { method: "POST", body: process.argv[2] }).then(async (r) => {
      process.stdout.write(await r.text());
      process.exit(r.ok ? 0 : 1);
    }, (e) => { console.error(String(e)); process.exit(1); });
  ' "$EMU_CONTROL/$1" "${2:-[]}"
}

# ---- n8n ---------------------------------------------------------------------------------------
# n8n, offline and quiet, on 127.0.0.1 only; SQLite, binaries in the filesystem (a check may
# export others after this). Each n8n process also needs its own N8N_PORT and
# N8N_RUNNERS_BROKER_PORT when several run at once.
app_n8n_env() {
  export N8N_ENCRYPTION_KEY="feishu-images-${SCRIPT_NAME//[^a-z0-9]/-}-key"
  export DB_TYPE=sqlite
  export N8N_DEFAULT_BINARY_DATA_MODE=filesystem
  export N8N_LOG_LEVEL=info
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

# npm install SPEC... into DIR once (a marker file says it finished), resolved as of N8N_NPM_BEFORE.
#   cache_install DIR SPEC...
cache_install() {
  local dir=$1
  shift
  [ -f "$dir/.install-complete" ] && return 0
  echo "installing $* into $dir"
  rm -rf "$dir" && mkdir -p "$dir"
  echo '{ "name": "feishu-images-test-cache", "private": true }' >"$dir/package.json"
  # --ignore-scripts: eslint-plugin-n8n-nodes-base's preinstall insists on pnpm.
  (cd "$dir" && npm install "$@" --ignore-scripts --no-audit --no-fund --loglevel=error \
    --before="$N8N_NPM_BEFORE" >"$dir/npm-install.log" 2>&1) \
    || { tail -20 "$dir/npm-install.log"; fail "npm install $* failed (log: $dir/npm-install.log)"; }
  touch "$dir/.install-complete"
}
