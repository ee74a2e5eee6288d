#!/usr/bin/env bash
# The package inside the REAL n8n app (npm run test:n8n; not part of npm test):
#   1. installs n8n (2.41.1) once into a cache outside the repo (scripts/n8n-app-install.sh);
#   2. builds the package (skip with N8N_SKIP_BUILD=1), packs it and unpacks the tarball into
#      <N8N_USER_FOLDER>/.n8n/nodes/node_modules/n8n-nodes-feishu-images, where n8n loads
#      community packages (node type n8n-nodes-feishu-images.feishuImages);
#   3. starts the Feishu emulator on 127.0.0.1 (scripts/emulator/process.ts) with a whiteboard;
#   4. n8n import:credentials (feishuApi, custom base URL = the emulator) and import:workflow
#      (Manual Trigger -> Feishu Images: whiteboard download as image);
#   5. n8n execute --id --rawOutput, twice: each run must output one item whose binary has the
#      emulator's file name, MIME type, size and bytes (read back from n8n's binary store); the
#      emulator must see ONE token request in all (n8n saved the token after the first run, and
#      the saved token is the one the emulator issued) and two downloads.
# Everything runs in a private network namespace with only loopback (unshare -n) when the
# machine allows it (root), so nothing can reach beyond 127.0.0.1; N8N_TEST_NETNS=0 turns it off.
# Ends with `N passed, N failed`. Env: N8N_APP_VERSION (2.41.1; 1.123.81 installs and runs too)
#      and the others of scripts/n8n-app/lib.sh.
# The first run installs n8n (about 6 minutes, 2.7 GB in the cache); later runs take about 30 s.
set -euo pipefail
. "$(dirname "$0")/n8n-app/lib.sh"
check_begin test:n8n

app_prepare "$@"
app_workdir n8n-app-test
app_install_package
app_start_emulator

# n8n, offline and quiet; the execution result comes through the logger as JSON lines.
app_n8n_env
export N8N_LOG_FORMAT=json

step "import credential and workflow"
mkdir -p "$WORK/fixtures"
node scripts/n8n-app/app-test.mjs fixtures "$EMU_STATE" "$WORK/fixtures"
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
counted node scripts/n8n-app/app-test.mjs output "$WORK/result-1.json" "$EMU_STATE" "$N8N_USER_FOLDER/.n8n" "execute #1"
emu_call stats >"$WORK/emulator-stats.json"
counted node scripts/n8n-app/app-test.mjs emulator "$WORK/emulator-stats.json" 1 1

step "the token n8n saved"
n8n export-credentials export:credentials --id=FeishuEmuCred001 --decrypted --output="$WORK/credential-export.json"
counted node scripts/n8n-app/app-test.mjs credential "$WORK/credential-export.json" "$WORK/emulator-stats.json"
rm -f "$WORK/credential-export.json"

step "execute #2 (reuses the saved token)"
n8n execute-2 execute --id="$WORKFLOW_ID" --rawOutput
node scripts/n8n-app/app-test.mjs result "$WORK/execute-2.log" "$WORK/result-2.json" || fail "no execution result"
counted node scripts/n8n-app/app-test.mjs output "$WORK/result-2.json" "$EMU_STATE" "$N8N_USER_FOLDER/.n8n" "execute #2"
emu_call stats >"$WORK/emulator-stats.json"
counted node scripts/n8n-app/app-test.mjs emulator "$WORK/emulator-stats.json" 1 2

# ---- issue 17: a Base attachment and a ranged chat file through the packed package ----------------
step "issue 17: Base -> Download Attachments; Message -> Download Resource over the whole-file cap"
emu_call addAppBase >"$WORK/base.json"
node -p 'JSON.stringify(require(process.argv[1]).attachments)' "$WORK/base.json" >"$WORK/expected-base.json"
emu_call setMessageResourceCap '[1048576]' >/dev/null
emu_call addChatFile '[5242880, "big-report.bin"]' >"$WORK/chat-file.json"
mkdir -p "$WORK/sources"
node scripts/n8n-app/app-test.mjs sources-fixtures "$EMU_STATE" "$WORK/base.json" "$WORK/chat-file.json" "$WORK/sources"
n8n import-sources import:workflow --separate --input="$WORK/sources"
emu_call resetCounters >/dev/null
n8n execute-base execute --id=FeishuAppBase0001 --rawOutput
node scripts/n8n-app/app-test.mjs result "$WORK/execute-base.log" "$WORK/result-base.json" || fail "no execution result (Base)"
counted node scripts/n8n-app/app-test.mjs source-output "$WORK/result-base.json" "$WORK/expected-base.json" \
  "Download Attachments" "$N8N_USER_FOLDER/.n8n" "Base attachment (advanced permissions)"
n8n execute-ranged execute --id=FeishuAppRange001 --rawOutput
node scripts/n8n-app/app-test.mjs result "$WORK/execute-ranged.log" "$WORK/result-ranged.json" || fail "no execution result (ranged)"
counted node scripts/n8n-app/app-test.mjs source-output "$WORK/result-ranged.json" "$WORK/chat-file.json" \
  "Download Chat File" "$N8N_USER_FOLDER/.n8n" "chat file of 5 MiB, emulator's whole-file cap 1 MiB"
emu_call stats >"$WORK/emulator-stats-sources.json"
ranged=$(node -p 'const s=require(process.argv[1]);const r=s.requests.filter(q=>q.endpoint==="messageResource");`${r.filter(q=>q.status===206).length} ${r.length} ${JSON.stringify(r.map(q=>q.status))}`' "$WORK/emulator-stats-sources.json")
read -r n206 nall statuses <<<"$ranged"
if [ "$n206" -ge 2 ]; then
  check_pass "the chat file came in ranges: $n206 answers 206 of $nall message-resource requests (statuses $statuses)"
else
  check_fail "the chat file did not come in ranges: $n206 answers 206 of $nall (statuses $statuses)"
fi

# ---- Feishu Images Trigger: active workflows in a running n8n (issue 16) -------------------------
step "trigger: import a credential with Verification Token + Encrypt Key and two workflows; publish them"
mkdir -p "$WORK/trigger"
node scripts/n8n-app/app-test.mjs trigger-fixtures "$EMU_STATE" "$WORK/trigger" both
n8n import-trigger-credentials import:credentials --input="$WORK/trigger/credentials.json"
n8n import-trigger-workflows import:workflow --separate --input="$WORK/trigger/workflows"
for id in FeishuTrigWebhk01 FeishuTrigLongC01; do
  n8n "publish-$id" publish:workflow --id="$id"
done

step "trigger: n8n start (both workflows active)"
N8N_MAIN_PORT=$(free_port)
start_bg n8n-main env N8N_PORT="$N8N_MAIN_PORT" N8N_RUNNERS_BROKER_PORT="$(free_port)" node "$N8N_BIN" start
N8N_MAIN_PID=$LAST_PID
N8N_URL="http://127.0.0.1:$N8N_MAIN_PORT"
wait_http "$N8N_URL/healthz/readiness" 120 "$N8N_MAIN_PID" \
  || { tail -40 "$WORK/n8n-main.log"; fail "n8n did not come up"; }
wait_webhook_registered "$N8N_URL/webhook/2f5b7c1e-8d4a-4b6f-9e3c-0a1b2c3d4e51/feishu" "$N8N_MAIN_PID" \
  || { tail -40 "$WORK/n8n-main.log"; fail "n8n did not register the trigger's production webhook"; }
echo "n8n main pid $N8N_MAIN_PID at $N8N_URL; production webhook registered"

step "trigger via webhook: the emulator POSTs sealed events to the production URL"
counted node scripts/n8n-app/app-test.mjs trigger-webhook "$N8N_URL" "$EMU_CONTROL" "$EMU_STATE"
step "trigger via long connection: the emulator pushes events over the WebSocket"
counted node scripts/n8n-app/app-test.mjs trigger-long-connection "$N8N_URL" "$EMU_CONTROL" "$EMU_STATE" 1
stop_pid "$N8N_MAIN_PID"

echo
echo "test:n8n: n8n $N8N_VERSION (Node $(node --version)) loaded n8n-nodes-feishu-images from its packed tarball as a community package, ran Manual Trigger -> Feishu Images twice, a Base attachment and a ranged chat file, and Feishu Images Trigger in active workflows (webhook, long connection). Total $(elapsed "$T0")s (n8n install/cache check ${N8N_TEST_T_APP:-0}s, from first execute $(elapsed "$T_EXEC")s)."
