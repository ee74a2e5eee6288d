#!/usr/bin/env bash
# Webhook throughput of Feishu Images Trigger in the REAL n8n app, beside n8n's own Webhook node
# (issue 16; numbers in BENCHMARKS.md). For each expression engine setting (BENCH_ENGINES) one
# `n8n start` (SQLite, binaries in the filesystem) with two
# active workflows: the trigger (webhook way, Verification Token + Encrypt Key, pictures
# downloaded) and n8n-nodes-base.webhook (POST, answers at once). The emulator pushes sealed
# `im.message.receive_v1` events at BENCH_RATES (3,5,10,20,30 per second) for BENCH_SECONDS (20)
# each, to one node then the other, and records every answer's time; a node's rate is the
# highest at which every answer was a 200 within Feishu's 3 s (p99 and max). Also the URL check
# (challenge) at 2/s for 10 s. Prints the table; ends with `N passed, N failed` (a pass = measured).
# Env: BENCH_RATES, BENCH_SECONDS, BENCH_ENGINES (default,legacy,lazy: lazy = the default engine
# with N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true; any other word = N8N_EXPRESSION_ENGINE),
# BENCH_NODES (trigger,builtin), BENCH_NODE_ARGS (flags for n8n's node, e.g. --cpu-prof
# --cpu-prof-dir=DIR to profile), and those of scripts/n8n-app/lib.sh (N8N_SKIP_BUILD=1, N8N_TEST_KEEP=1, N8N_TEST_NETNS=0 ...).
set -euo pipefail
. "$(dirname "$0")/n8n-app/lib.sh"
check_begin bench:webhook-rate

app_prepare "$@"
app_workdir bench-webhook-rate
app_install_package
app_start_emulator
app_n8n_env

step "import the credential and the two workflows; publish them"
mkdir -p "$WORK/fixtures"
node scripts/bench-webhook-rate.mjs fixtures "$EMU_STATE" "$WORK/fixtures"
n8n import-credentials import:credentials --input="$WORK/fixtures/credentials.json"
n8n import-workflows import:workflow --separate --input="$WORK/fixtures/workflows"
for id in FeishuTrigWebhk01 FeishuBenchBuiltin; do n8n "publish-$id" publish:workflow --id="$id"; done

RESULTS=()
IFS=, read -r -a ENGINES <<<"${BENCH_ENGINES:-default,legacy,lazy}"
for engine in "${ENGINES[@]}"; do
  step "n8n start, expression engine: $engine"
  port=$(free_port)
  case "$engine" in
    default) engine_env=() ;;
    # n8n's default engine, taking an isolate only when an expression is evaluated.
    lazy) engine_env=(N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true) ;;
    *) engine_env=(N8N_EXPRESSION_ENGINE="$engine") ;;
  esac
  # shellcheck disable=SC2086 # BENCH_NODE_ARGS: several flags, e.g. --cpu-prof --cpu-prof-dir=DIR
  start_bg "n8n-$engine" env "${engine_env[@]}" N8N_PORT="$port" N8N_RUNNERS_BROKER_PORT="$(free_port)" \
    node ${BENCH_NODE_ARGS:-} "$N8N_BIN" start
  pid=$LAST_PID
  url="http://127.0.0.1:$port"
  wait_http "$url/healthz/readiness" 180 "$pid" || { tail -40 "$WORK/n8n-$engine.log"; fail "n8n ($engine) did not come up"; }
  wait_webhook_registered "$url/webhook/2f5b7c1e-8d4a-4b6f-9e3c-0a1b2c3d4e51/feishu" "$pid" \
    || { tail -40 "$WORK/n8n-$engine.log"; fail "n8n ($engine) did not register the trigger's webhook"; }
  wait_webhook_registered "$url/webhook/bench-builtin-webhook" "$pid" \
    || { tail -40 "$WORK/n8n-$engine.log"; fail "n8n ($engine) did not register the Webhook node"; }
  echo "n8n pid $pid at $url ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
  counted node scripts/bench-webhook-rate.mjs run "$url" "$EMU_CONTROL" "$engine" "$WORK/rate-$engine.json"
  [ -f "$WORK/rate-$engine.json" ] && RESULTS+=("$WORK/rate-$engine.json")
  stop_pid "$pid"
done

[ ${#RESULTS[@]} -gt 0 ] && node scripts/bench-webhook-rate.mjs table "${RESULTS[@]}"
echo "bench-webhook-rate: n8n $N8N_VERSION, Node $(node --version), $(date -u +%Y-%m-%dT%H:%MZ), total $(elapsed "$T0")s"
