#!/usr/bin/env bash
# The package in n8n's QUEUE MODE (npm run test:queue; not part of npm test):
#   1. Redis and Postgres from Debian packages (apt-get installs them when missing, as root), each
#      started here as its own instance: data under a temporary folder, a free port on 127.0.0.1,
#      stopped by PID at the end (Postgres via initdb/pg_ctl as the `postgres` user when run as root);
#   2. the n8n app (scripts/n8n-app-install.sh) with this package's `npm pack` tarball installed as
#      a community package; one credential (Feishu API, custom base URL = the emulator) and one
#      workflow (Webhook -> Code: 30 items -> Feishu Images -> Crypto SHA-256 -> Code: report)
#      imported and published;
#   3. `n8n start` (main) and two `n8n worker`, EXECUTIONS_MODE=queue, binary data in the database;
#   4. run 1: 6 webhook calls at once x 30 whiteboards each: every item's bytes must hash to the
#      emulator's, every execution must have run on a worker (worker logs), and the emulator must
#      see ONE token request in all;
#   5. run 2: the same with the emulator enforcing 10 requests/s on whiteboard downloads (two
#      workers pace themselves at 10/s each): failed items are counted and reported; they fail
#      the test only with QUEUE_EXPECT_NO_FAILURES=1;
#   6. Feishu Images Trigger (long connection) -> Crypto, published: the leader main holds ONE
#      connection at the emulator; QUEUE_TRIGGER_EVENTS (12) events pushed over it must become as
#      many successful executions, each run by a worker, whose SHA-256 of the binary (computed on
#      the worker, from the bytes the trigger stored in the database) and whose bytes served by
#      n8n's REST API equal the emulator's.
# Runs in a network namespace with only loopback when the machine allows it (root). Ends with
# `N passed, N failed`. Env: QUEUE_EXPECT_NO_FAILURES=1, QUEUE_EXECUTIONS (6), QUEUE_ITEMS (30),
# QUEUE_WORKER_CONCURRENCY (10), QUEUE_REQUESTS_PER_SECOND (the node's Requests per Second option;
# 0 = its default), and those of scripts/n8n-app/lib.sh.
set -euo pipefail
. "$(dirname "$0")/n8n-app/lib.sh"
check_begin test:queue

EXECUTIONS=${QUEUE_EXECUTIONS:-6}
ITEMS=${QUEUE_ITEMS:-30}
WORKER_CONCURRENCY=${QUEUE_WORKER_CONCURRENCY:-10}
WEBHOOK_PATH=feishu-queue-test

pg_bin_dir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
# Needs the Debian mirror: before the network namespace.
want_debian redis-server command -v redis-server
want_debian redis-tools command -v redis-cli
want_debian postgresql test -x "$(pg_bin_dir)/initdb"
install_wanted_debian
app_prepare "$@"
app_workdir n8n-queue-test

app_install_package
app_start_emulator --boards=$((EXECUTIONS * ITEMS))

step "Redis on 127.0.0.1 (own instance)"
REDIS_PORT=$(free_port)
mkdir -p "$WORK/redis"
start_bg redis redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$WORK/redis" --save '' \
  --appendonly no --protected-mode yes
REDIS_PID=$LAST_PID
for _ in $(seq 1 50); do
  redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG && break
  kill -0 "$REDIS_PID" 2>/dev/null || { cat "$WORK/redis.log"; fail "redis-server exited"; }
  sleep 0.1
done
echo "redis-server $(redis-server --version | grep -o 'v=[0-9.]*') on 127.0.0.1:$REDIS_PORT (pid $REDIS_PID)"

step "Postgres on 127.0.0.1 (own instance)"
PG_BIN=$(pg_bin_dir)
PG_PORT=$(free_port)
PG_DATA="$WORK/pg/data"
PG_SOCKETS="$WORK/pg/sockets"
mkdir -p "$PG_DATA" "$PG_SOCKETS"
if [ "$(id -u)" = 0 ]; then
  # Postgres refuses to run as root: its files belong to `postgres`, who must reach them.
  chmod 711 "$WORK"
  chown -R postgres: "$WORK/pg"
  as_pg() { runuser -u postgres -- "$@"; }
else
  as_pg() { "$@"; }
fi
as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U n8n --auth=trust --no-locale -E UTF8 >"$WORK/initdb.log" 2>&1 \
  || { cat "$WORK/initdb.log"; fail "initdb failed"; }
PG_PID=
stop_postgres() {
  # Fast shutdown (SIGINT) of the postmaster this script started, by its PID.
  [ -n "$PG_PID" ] || return 0
  kill -INT "$PG_PID" 2>/dev/null || return 0
  for _ in $(seq 1 100); do kill -0 "$PG_PID" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$PG_PID" 2>/dev/null || true
}
APP_CLEANUP_HOOK=stop_postgres
as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$WORK/pg/postgres.log" -w -t 60 \
  -o "-h 127.0.0.1 -p $PG_PORT -k $PG_SOCKETS -c fsync=off -c full_page_writes=off -c max_connections=100" \
  start >"$WORK/pg_ctl.log" 2>&1 || { cat "$WORK/pg_ctl.log" "$WORK/pg/postgres.log"; fail "pg_ctl start failed"; }
PG_PID=$(head -1 "$PG_DATA/postmaster.pid")
as_pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U n8n n8n || fail "createdb failed"
echo "postgres $("$PG_BIN/postgres" --version | grep -o '[0-9][0-9.]*' | head -1) on 127.0.0.1:$PG_PORT (pid $PG_PID)"
psql_n8n() { as_pg "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U n8n -d n8n -At -c "$1"; }

app_n8n_env
# Queue mode: the Redis and the Postgres above; binaries in the database (n8n 2.41 accepts
# filesystem, s3 and database; filesystem is per machine, so not for queue mode); manual
# executions from the editor go to the workers too (n8n 3 will always do so).
export EXECUTIONS_MODE=queue QUEUE_BULL_REDIS_HOST=127.0.0.1 QUEUE_BULL_REDIS_PORT=$REDIS_PORT \
  DB_TYPE=postgresdb DB_POSTGRESDB_HOST=127.0.0.1 DB_POSTGRESDB_PORT=$PG_PORT \
  DB_POSTGRESDB_DATABASE=n8n DB_POSTGRESDB_USER=n8n DB_POSTGRESDB_PASSWORD=n8n \
  N8N_DEFAULT_BINARY_DATA_MODE=database OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS=true \
  N8N_WORKER_SERVER_ADDRESS=127.0.0.1 QUEUE_HEALTH_CHECK_ACTIVE=true N8N_LOG_FORMAT=text

step "import credential and workflow; publish the workflow"
mkdir -p "$WORK/fixtures"
node scripts/n8n-app/queue-test.mjs fixtures "$EMU_STATE" "$WORK/fixtures" "$WEBHOOK_PATH" "${QUEUE_REQUESTS_PER_SECOND:-0}"
WORKFLOW_ID=$(node -p 'require(process.argv[1]).id' "$WORK/fixtures/workflow.json")
n8n import-credentials import:credentials --input="$WORK/fixtures/credentials.json"
n8n import-workflow import:workflow --input="$WORK/fixtures/workflow.json"
n8n publish-workflow publish:workflow --id="$WORKFLOW_ID"
# Feishu Images Trigger (long connection) -> Crypto: the trigger on the leader main, the
# execution (and the hash of the bytes the trigger stored) on a worker.
node scripts/n8n-app/queue-test.mjs trigger-fixtures "$EMU_STATE" "$WORK/fixtures"
n8n import-credentials-trigger import:credentials --input="$WORK/fixtures/credentials.json"
n8n import-workflow-trigger import:workflow --input="$WORK/fixtures/trigger-workflow.json"
n8n publish-workflow-trigger publish:workflow --id=FeishuQueueTrig01

# Each n8n process: its own HTTP port and task-runner broker port, all on 127.0.0.1.
step "n8n main + 2 workers (EXECUTIONS_MODE=queue)"
MAIN_PORT=$(free_port)
start_bg n8n-main env N8N_PORT="$MAIN_PORT" N8N_RUNNERS_BROKER_PORT="$(free_port)" node "$N8N_BIN" start
MAIN_PID=$LAST_PID
WORKER_PIDS=()
for w in 1 2; do
  port=$(free_port)
  start_bg "n8n-worker-$w" env QUEUE_HEALTH_CHECK_PORT="$port" N8N_RUNNERS_BROKER_PORT="$(free_port)" \
    node "$N8N_BIN" worker --concurrency="$WORKER_CONCURRENCY"
  WORKER_PIDS+=("$LAST_PID")
  wait_http "http://127.0.0.1:$port/healthz" 120 "$LAST_PID" \
    || { tail -30 "$WORK/n8n-worker-$w.log"; fail "worker $w did not come up"; }
  echo "worker $w: pid $LAST_PID, health http://127.0.0.1:$port/healthz"
done
wait_http "http://127.0.0.1:$MAIN_PORT/healthz/readiness" 120 "$MAIN_PID" \
  || { tail -40 "$WORK/n8n-main.log"; fail "n8n main did not come up"; }
echo "main: pid $MAIN_PID, http://127.0.0.1:$MAIN_PORT"
WEBHOOK_URL="http://127.0.0.1:$MAIN_PORT/webhook/$WEBHOOK_PATH"
# n8n 2.41 registers published webhooks through its publication service (logging at debug only):
# once it has, a GET is refused with "not registered for GET requests. Did you mean ... POST".
registered=
for _ in $(seq 1 150); do
  if node -e 'fetch(process.argv[1]).then(async (r) => process.exit(/Did you mean to make a POST/.test(await r.text()) ? 0 : 1), () => process.exit(1))' "$WEBHOOK_URL"; then
    registered=1
    break
  fi
  sleep 0.2
done
[ -n "$registered" ] || { tail -40 "$WORK/n8n-main.log"; fail "n8n main did not register the published workflow's webhook"; }
echo "published workflow's webhook registered: POST $WEBHOOK_URL"
if grep -qi 'Unrecognized node type\|is not known\|Could not load' "$WORK/n8n-main.log" "$WORK"/n8n-worker-*.log; then
  grep -hi 'Unrecognized node type\|is not known\|Could not load' "$WORK/n8n-main.log" "$WORK"/n8n-worker-*.log | head -5
  fail "n8n did not load the community package"
fi

emu_stat() { emu_call stats | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{const j=JSON.parse(s);console.log($1)})"; }
last_execution_id() { psql_n8n 'select coalesce(max(id), 0) from execution_entity'; }

# Checks of one run: every execution since $1 ran on a worker and none on main.
check_workers() {
  local since=$1 label=$2 expected=${3:-$EXECUTIONS} ids id on_workers=0 not=() w per
  ids=${CHECK_IDS:-$(psql_n8n "select id from execution_entity where id > $since order by id")}
  per=""
  for w in 1 2; do
    per+=" worker $w: $(grep -c 'Worker started execution' "$WORK/n8n-worker-$w.log" || true) started in all;"
  done
  for id in $ids; do
    if grep -q "Worker started execution $id " "$WORK"/n8n-worker-*.log; then
      on_workers=$((on_workers + 1))
    else
      not+=("$id")
    fi
  done
  local count
  count=$(echo "$ids" | grep -c . || true)
  if [ "$count" = "$expected" ] && [ ${#not[@]} -eq 0 ]; then
    check_pass "$label: the $count executions (ids $(echo $ids)) ran on the workers (worker logs:$per main ran none)"
  else
    check_fail "$label: $count executions in the database (expected $expected), not started by a worker: ${not[*]:-none} ($per)"
  fi
  [ -n "${CHECK_IDS:-}" ] || psql_n8n "select id, status, mode from execution_entity where id > $since order by id" | sed 's/^/    execution /'
}

step "run 1: $EXECUTIONS webhook calls at once x $ITEMS whiteboards"
since=$(last_execution_id)
node scripts/n8n-app/queue-test.mjs fire "$WEBHOOK_URL" "$EMU_STATE" "$EXECUTIONS" "$ITEMS" "$WORK/run1.json" \
  | sed 's/^/  /'
r1_ok=$(node -p 'require(process.argv[1]).ok' "$WORK/run1.json")
r1_total=$((EXECUTIONS * ITEMS))
if [ "$r1_ok" = "$r1_total" ]; then
  check_pass "run 1: all $r1_total binaries right (sha256 of the bytes n8n stored = the emulator's, file name, MIME, size)"
else
  check_fail "run 1: $r1_ok of $r1_total binaries right ($(node -p 'const r=require(process.argv[1]);`${r.failed} failed, ${r.wrong} wrong`' "$WORK/run1.json"))"
fi
check_workers "$since" "run 1"
psql_n8n "select \"fileName\", encode(sha256(data), 'hex') from binary_data where \"sourceType\" = 'execution' and \"sourceId\"::int > $since" >"$WORK/run1-binary-data.txt"
counted node scripts/n8n-app/queue-test.mjs stored "$EMU_STATE" "$WORK/run1-binary-data.txt" "$r1_total" \
  "run 1, binary data mode 'database'"
tokens=$(emu_stat 'j.tokenRequests')
downloads=$(emu_stat 'j.downloads.whiteboard')
statuses=$(emu_stat 'JSON.stringify(j.byStatus)')
if [ "$tokens" = 1 ]; then
  check_pass "run 1: ONE token request for all $EXECUTIONS executions on 2 workers (emulator: $downloads whiteboard downloads, statuses $statuses)"
else
  check_fail "run 1: $tokens token requests for $EXECUTIONS executions on 2 workers, expected 1 (emulator: $downloads whiteboard downloads, statuses $statuses)"
fi

step "run 2: the same with the emulator enforcing 10 requests/s on whiteboards"
emu_call resetCounters >/dev/null
emu_call enforceRateLimit '["whiteboard", 10]' >/dev/null
since=$(last_execution_id)
node scripts/n8n-app/queue-test.mjs fire "$WEBHOOK_URL" "$EMU_STATE" "$EXECUTIONS" "$ITEMS" "$WORK/run2.json" \
  | sed 's/^/  /'
r2_failed=$(node -p 'require(process.argv[1]).failed' "$WORK/run2.json")
r2_wrong=$(node -p 'require(process.argv[1]).wrong' "$WORK/run2.json")
r2_ok=$(node -p 'require(process.argv[1]).ok' "$WORK/run2.json")
r2_429=$(emu_stat 'j.status429')
r2_dl=$(emu_stat 'j.downloads.whiteboard')
r2_tokens=$(emu_stat 'j.tokenRequests')
echo "  rate-limited run: $r2_ok right, $r2_failed FAILED items, $r2_wrong wrong; emulator: $r2_dl whiteboard requests, $r2_429 answered 429, $r2_tokens token requests"
if [ "$r2_wrong" != 0 ]; then
  check_fail "run 2: $r2_wrong items with wrong bytes or metadata (a rate limit may fail an item, never corrupt one)"
else
  check_pass "run 2: no item with wrong bytes or metadata"
fi
if [ "${QUEUE_EXPECT_NO_FAILURES:-0}" = 1 ]; then
  if [ "$r2_failed" = 0 ]; then check_pass "run 2: no failed item under the 10 req/s limit"; else check_fail "run 2: $r2_failed failed items under the 10 req/s limit (QUEUE_EXPECT_NO_FAILURES=1)"; fi
else
  echo "  (report only: $r2_failed failed items; set QUEUE_EXPECT_NO_FAILURES=1 to fail on them)"
fi
check_workers "$since" "run 2"

step "Feishu Images Trigger: events over the long connection of the leader main, executions on the workers"
TRIGGER_EVENTS=${QUEUE_TRIGGER_EVENTS:-12}
counted node scripts/n8n-app/queue-test.mjs trigger "http://127.0.0.1:$MAIN_PORT" "$EMU_CONTROL" "$TRIGGER_EVENTS" "$WORK/trigger-ids.txt"
CHECK_IDS=$(cat "$WORK/trigger-ids.txt" 2>/dev/null) check_workers 0 "trigger" "$TRIGGER_EVENTS"
# The trigger's binaries as n8n stored them: rows of binary_data with the emulator's sha256.
if [ -f "$WORK/trigger-ids.txt.sha256" ]; then
  psql_n8n "select encode(sha256(data), 'hex') || ' ' || \"sourceType\" || ':' || \"sourceId\" from binary_data" >"$WORK/trigger-binary-rows.txt"
  matched=0
  while read -r sha || [ -n "$sha" ]; do
    [ -n "$sha" ] && grep -q "^$sha " "$WORK/trigger-binary-rows.txt" && matched=$((matched + 1))
  done <"$WORK/trigger-ids.txt.sha256"
  sources=$(grep -Ff "$WORK/trigger-ids.txt.sha256" "$WORK/trigger-binary-rows.txt" | cut -d' ' -f2 | sort | uniq -c | awk '{printf "%s x %s; ", $1, $2}')
  if [ "$matched" = "$TRIGGER_EVENTS" ]; then
    check_pass "trigger: the $matched pictures are in Postgres (binary_data, mode database) byte-exact (stored as: ${sources:-none})"
  else
    check_fail "trigger: $matched of $TRIGGER_EVENTS pictures found byte-exact in Postgres binary_data (stored as: ${sources:-none})"
  fi
fi

step "stop n8n"
for pid in "${WORKER_PIDS[@]}" "$MAIN_PID"; do stop_pid "$pid"; done
if grep -hiE 'ENETUNREACH|EAI_AGAIN|getaddrinfo' "$WORK"/n8n-*.log | head -3 | grep -q .; then
  echo "  note: n8n tried to reach the network (blocked):"
  grep -hiE 'ENETUNREACH|EAI_AGAIN|getaddrinfo' "$WORK"/n8n-*.log | head -3 | sed 's/^/    /'
fi
echo "total $(elapsed "$T0")s (n8n install/cache check ${N8N_TEST_T_APP:-0}s)"
