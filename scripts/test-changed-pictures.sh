#!/usr/bin/env bash
# The weekly "only the pictures that changed" export, in the REAL n8n app (npm run
# test:changed-pictures; not part of npm test): examples/changed-pictures-to-email.json — Feishu
# Images (Document → Download All Images, with whiteboards) → Remove Duplicates (previous
# executions, by sha256) → Aggregate → Send Email — imported as it is (a Manual Trigger in place
# of its schedule) and executed three times with `n8n execute`, against the Feishu emulator and an
# SMTP sink on 127.0.0.1 (scripts/n8n-app/smtp-sink.mjs):
#   1. the first run sends one mail with every picture of the document (2 images, 2 whiteboards);
#   2. a second run, nothing changed: no mail;
#   3. one whiteboard is redrawn: one mail with exactly that whiteboard.
# Runs in a loopback-only network namespace where the machine allows it. Ends with
# `N passed, N failed`. Env: those of scripts/n8n-app/lib.sh.
set -euo pipefail
. "$(dirname "$0")/n8n-app/lib.sh"
check_begin test:changed-pictures

app_prepare "$@"
app_workdir n8n-changed-pictures
app_install_package
app_start_emulator

SMTP_PORT=$(free_port)
start_bg smtp node scripts/n8n-app/smtp-sink.mjs "$WORK/mails" "$SMTP_PORT"

app_n8n_env

step "import credentials and the example workflow"
mkdir -p "$WORK/fixtures"
node scripts/n8n-app/changed-pictures.mjs fixtures "$EMU_STATE" "$SMTP_PORT" "$WORK/fixtures"
n8n import-credentials import:credentials --input="$WORK/fixtures/credentials.json"
n8n import-workflow import:workflow --input="$WORK/fixtures/workflow.json"
WORKFLOW_ID=$(node -p 'require(process.argv[1]).id' "$WORK/fixtures/workflow.json")

mail_check() { counted node scripts/n8n-app/changed-pictures.mjs mails "$WORK/mails" "$@"; }
picture_names() {
  node -e '
    const s = require(process.argv[1]);
    const pick = process.argv[2] ? s.picturesDocument.pictures.filter((p) => p.token === process.argv[2]) : s.picturesDocument.pictures;
    console.log(pick.map((p) => p.token + ".png").join(","));
  ' "$EMU_STATE" "${1:-}"
}
mail_count() { ls "$WORK/mails" 2>/dev/null | wc -l; }

step "run 1: every picture is new"
n8n execute-1 execute --id="$WORKFLOW_ID"
mail_check 1 "$(picture_names)"

step "run 2: nothing changed"
before=$(mail_count)
n8n execute-2 execute --id="$WORKFLOW_ID"
mail_check $((before + 1)) -

step "run 3: one whiteboard changed"
BOARD=N8nAppBoardB2
emu_call redrawWhiteboard "[\"$BOARD\"]" >/dev/null || fail "could not redraw $BOARD"
before=$(mail_count)
n8n execute-3 execute --id="$WORKFLOW_ID"
mail_check $((before + 1)) "$(picture_names "$BOARD")"

echo
echo "test:changed-pictures: n8n $N8N_VERSION ran the example three times; total $(elapsed "$T0")s"
