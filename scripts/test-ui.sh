#!/usr/bin/env bash
# The package in the REAL n8n editor, driven by a real browser (npm run test:ui; not part of npm test):
#   1. Debian's chromium (apt-get installs it when missing, as root) driven by playwright-core
#      (a devDependency; no browser download);
#   2. the n8n app (scripts/n8n-app-install.sh) with this package's `npm pack` tarball installed as
#      a community package, the Feishu emulator, `n8n start` on 127.0.0.1 (SQLite);
#   3. scripts/n8n-app/ui-test.mjs does what a user does, with a screenshot per step under
#      ui-artifacts/ (gitignored): owner setup, Feishu API credential (custom base URL) tested,
#      a wrong App Secret, the node in a new workflow (Resource/Operation, each operation's
#      fields, By URL validation), Execute step and the binary output, an error item, the
#      Feishu OAuth2 API credential's "Connect my account" popup; the identities per resource
#      (app-only resources: no Authentication field, Feishu API preselected; the others: User
#      (OAuth2) offers the OAuth2 credential and downloads with the user token; a workflow saved
#      with the user identity on an app-only node runs as the app); the Feishu Images Trigger
#      (its panel and webhook URL, pictures for docs/images/trigger-*.png, a test listen beside a
#      published workflow of the same app over one long connection at the emulator).
# The browser may only reach 127.0.0.1 (every other request is aborted), and everything runs in
# a network namespace with only loopback where the machine allows it. Ends with `N passed, N failed`.
# Env: UI_ARTIFACTS (ui-artifacts), UI_SERVE_ONLY=1 (start n8n + emulator, print the URLs and
#      wait: for looking at the editor by hand; implies N8N_TEST_NETNS=0), and those of
#      scripts/n8n-app/lib.sh.
set -euo pipefail
. "$(dirname "$0")/n8n-app/lib.sh"
check_begin test:ui
APP_NETNS_AS_USER=1
if [ "${UI_SERVE_ONLY:-0}" = 1 ]; then
  export N8N_TEST_NETNS=0
  CHECK_QUIET=1
fi

CHROMIUM=${UI_CHROMIUM:-/usr/bin/chromium}
want_debian chromium test -x "$CHROMIUM"
# Chinese file names (架构图 …) render as boxes in the screenshots without a CJK font.
want_debian fonts-noto-cjk sh -c 'fc-list :lang=zh | grep -q .'
install_wanted_debian
app_prepare "$@"
app_workdir n8n-ui-test
[ -d node_modules/playwright-core ] || fail "no node_modules/playwright-core: run npm ci first"

app_install_package
app_start_emulator

app_n8n_env
export N8N_PORT=$(free_port)
export N8N_RUNNERS_BROKER_PORT=$(free_port)
export N8N_EDITOR_BASE_URL="http://127.0.0.1:$N8N_PORT"
export WEBHOOK_URL="http://127.0.0.1:$N8N_PORT/"

step "n8n start on 127.0.0.1:$N8N_PORT"
start_bg n8n-main node "$N8N_BIN" start
N8N_PID=$LAST_PID
wait_http "http://127.0.0.1:$N8N_PORT/healthz/readiness" 120 "$N8N_PID" \
  || { tail -40 "$WORK/n8n-main.log"; fail "n8n did not come up"; }
for _ in $(seq 1 150); do
  grep -q 'Editor is now accessible' "$WORK/n8n-main.log" && break
  sleep 0.2
done
echo "n8n editor at http://127.0.0.1:$N8N_PORT (pid $N8N_PID)"

if [ "${UI_SERVE_ONLY:-0}" = 1 ]; then
  echo "UI_SERVE_ONLY: editor http://127.0.0.1:$N8N_PORT, emulator $EMU_URL (state $EMU_STATE); Ctrl-C stops"
  wait "$N8N_PID" || true
  exit 0
fi

ARTIFACTS=${UI_ARTIFACTS:-$ROOT/ui-artifacts}
rm -rf "$ARTIFACTS"
mkdir -p "$ARTIFACTS"
step "browser (chromium $("$CHROMIUM" --version 2>/dev/null | grep -o '[0-9][0-9.]*' | head -1)): screenshots in $ARTIFACTS"
counted node scripts/n8n-app/ui-test.mjs "http://127.0.0.1:$N8N_PORT" "$EMU_STATE" "$ARTIFACTS" "$CHROMIUM"
cp "$WORK/n8n-main.log" "$ARTIFACTS/n8n.log" 2>/dev/null || true
echo "total $(elapsed "$T0")s (n8n install/cache check ${N8N_TEST_T_APP:-0}s)"
