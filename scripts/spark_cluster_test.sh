#!/usr/bin/env bash
# make spark-cluster-test: the whole project on a Spark standalone cluster, through
# its Thrift server (dbt-spark `method: thrift`, target spark_cluster), then the
# parity test against DuckDB. docs/spark.md, "On a Spark cluster".
#
#   1. creates .venv-spark-cluster from requirements-spark-cluster.txt when missing
#      or older (dbt-spark[PyHive]; pyspark 3.5 provides Spark itself);
#   2. starts, in a scratch folder ($SPARK_CLUSTER_DIR, default warehouse/spark-cluster,
#      cleared first): a master, one worker (SPARK_CLUSTER_WORKER_CORES, default 2,
#      SPARK_CLUSTER_WORKER_MEMORY, default 2g) and the Thrift server, all on
#      127.0.0.1, each waited for (port open or log line) up to SPARK_CLUSTER_TIMEOUT
#      seconds (default 180); the Thrift server's Derby metastore and warehouse live
#      in the scratch folder;
#   3. the pre-flight check (scripts/spark_cluster_check.py: TCP, then a Thrift
#      handshake), then dbt build --target spark_cluster on the committed sample
#      (every model, seed and data test; the unit tests run on Spark in
#      make spark-test: dbt's unit-test materialization fails over Thrift,
#      DECISIONLOG S5) with the events of its last day held back, then the
#      one-day incremental run of the models that read the events once that day
#      has arrived (insert_overwrite over Thrift);
#   4. pytest: the parity test's mart tests (tests/spark/test_spark_parity.py) read
#      the cluster's warehouse folders (SPARK_PARITY_CLUSTER_STATE) and compare them
#      with a DuckDB build; tests/spark/test_spark_cluster_check.py checks the
#      bad-connection message;
#   5. stops the Thrift server, the worker and the master by the process ids in
#      their pid files (also when a step fails: trap EXIT).
#
# Needs Python 3.11 and Java 17. Prints each phase's wall time. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/spark_lib.sh
source scripts/spark_lib.sh
VENV="${SPARK_CLUSTER_VENV:-.venv-spark-cluster}"
BIN="$VENV/bin"

export SPARK_THRIFT_HOST=127.0.0.1
export SPARK_THRIFT_PORT="${SPARK_THRIFT_PORT:-10000}"
MASTER_PORT="${SPARK_CLUSTER_MASTER_PORT:-7077}"
MASTER_WEBUI_PORT="${SPARK_CLUSTER_MASTER_WEBUI_PORT:-8080}"
WORKER_WEBUI_PORT="${SPARK_CLUSTER_WORKER_WEBUI_PORT:-8081}"
WORKER_CORES="${SPARK_CLUSTER_WORKER_CORES:-2}"
WORKER_MEMORY="${SPARK_CLUSTER_WORKER_MEMORY:-2g}"
EXECUTOR_MEMORY="${SPARK_CLUSTER_EXECUTOR_MEMORY:-1536m}"
DRIVER_MEMORY="${SPARK_CLUSTER_DRIVER_MEMORY:-2g}"
TIMEOUT="${SPARK_CLUSTER_TIMEOUT:-180}"
STATE="$(mkdir -p "${SPARK_CLUSTER_DIR:-warehouse/spark-cluster}" && cd "${SPARK_CLUSTER_DIR:-warehouse/spark-cluster}" && pwd)"
SPARK_DBT_TARGET_PATH="${SPARK_DBT_TARGET_PATH:-target/spark-cluster}"

MASTER=org.apache.spark.deploy.master.Master
WORKER=org.apache.spark.deploy.worker.Worker
THRIFT=org.apache.spark.sql.hive.thriftserver.HiveThriftServer2

say() { echo "spark-cluster-test: $*"; }
fail() { echo "spark-cluster-test: $*" >&2; exit 1; }
total_start=$(seconds)

require_java_and_python spark-cluster-test

# 1. the venv
install_venv spark_cluster "$VENV" requirements-spark-cluster.txt
SPARK_HOME="$("$BIN/python" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))')"
export SPARK_HOME

# 2. the cluster, in the scratch folder
export SPARK_PID_DIR="$STATE/pids" SPARK_LOG_DIR="$STATE/logs" SPARK_CONF_DIR="$STATE/conf"
export SPARK_WORKER_DIR="$STATE/work" SPARK_IDENT_STRING=ecommerce_behavior
export SPARK_MASTER_HOST=127.0.0.1
for pid_file in "$SPARK_PID_DIR"/*.pid; do
    [[ -e "$pid_file" ]] || continue
    pid="$(cat "$pid_file")"
    if kill -0 "$pid" 2>/dev/null; then
        fail "a Spark process of an earlier run is still running (pid $pid, $pid_file): stop it with kill $pid"
    fi
done
rm -rf "$STATE"
mkdir -p "$SPARK_PID_DIR" "$SPARK_LOG_DIR" "$SPARK_CONF_DIR" "$SPARK_WORKER_DIR"
# Spark's logs (the daemons' .out files): warnings and errors, and the INFO lines of the
# three classes below, which the readiness checks read
write_log4j "$SPARK_CONF_DIR/log4j2.properties" warn
cat >> "$SPARK_CONF_DIR/log4j2.properties" <<'EOF'
logger.master.name = org.apache.spark.deploy.master.Master
logger.master.level = info
logger.worker.name = org.apache.spark.deploy.worker.Worker
logger.worker.level = info
logger.thrift.name = org.apache.spark.sql.hive.thriftserver.HiveThriftServer2
logger.thrift.level = info
EOF

pid_file() { echo "$SPARK_PID_DIR/spark-$SPARK_IDENT_STRING-$1-1.pid"; }
log_file() { echo "$SPARK_LOG_DIR/spark-$SPARK_IDENT_STRING-$1-1-$HOSTNAME.out"; }

# Stops one daemon by the pid in its pid file: TERM, then KILL after 30 s.
stop_daemon() {
    local file pid
    file="$(pid_file "$1")"
    [[ -f "$file" ]] || return 0
    pid="$(cat "$file")"
    if kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        if kill -0 "$pid" 2>/dev/null; then
            say "${1##*.} (pid $pid) did not stop in 30 s: kill -9"
            kill -9 "$pid" 2>/dev/null || true
        fi
        say "stopped ${1##*.} (pid $pid)"
    fi
    rm -f "$file"
}
# The executors are the worker's children, stopped by it; any process still running from
# this run's configuration folder (on its class path) after that is killed by its pid.
stop_leftovers() {
    local pids
    for _ in $(seq 20); do
        pids="$(ps -eo pid=,comm=,args= | awk -v conf="$SPARK_CONF_DIR/" '$2 == "java" && index($0, conf) { print $1 }')"
        [[ -z "$pids" ]] && return 0
        sleep 0.5
    done
    say "still running after the daemons stopped, killed: pid(s) $(echo $pids)"
    kill -9 $pids 2>/dev/null || true
}
stop_cluster() {
    local status=$?
    trap - EXIT INT TERM
    stop_daemon "$THRIFT"
    stop_daemon "$WORKER"
    stop_daemon "$MASTER"
    stop_leftovers
    say "total $(elapsed "$total_start") s"
    exit "$status"
}
trap stop_cluster EXIT
trap 'exit 130' INT TERM

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# Waits until `check` succeeds; fails naming the log when the daemon dies or time runs out.
wait_for() {
    local class="$1" what="$2" check="$3" start pid
    start=$(seconds)
    pid="$(cat "$(pid_file "$class")" 2>/dev/null || echo 0)"
    for _ in $(seq $((TIMEOUT * 2))); do
        if eval "$check"; then
            say "${class##*.} ready ($what) after $(elapsed "$start") s, pid $pid"
            return 0
        fi
        kill -0 "$pid" 2>/dev/null \
            || fail "${class##*.} exited before $what; its log: $(log_file "$class")"
        sleep 0.5
    done
    fail "${class##*.} not ready ($what) after ${TIMEOUT} s; its log: $(log_file "$class")"
}

# A port already in use would be taken over silently (Spark moves to the next port, and
# the worker or dbt would talk to someone else's server): stop instead.
for port in "$MASTER_PORT" "$MASTER_WEBUI_PORT" "$WORKER_WEBUI_PORT" "$SPARK_THRIFT_PORT"; do
    if port_open "$port"; then
        fail "port $port on 127.0.0.1 is already in use (another Spark?): stop it, or choose other ports with SPARK_CLUSTER_MASTER_PORT, SPARK_CLUSTER_MASTER_WEBUI_PORT, SPARK_CLUSTER_WORKER_WEBUI_PORT, SPARK_THRIFT_PORT"
    fi
done

cluster_start=$(seconds)
daemon="$SPARK_HOME/sbin/spark-daemon.sh"
# run from the scratch folder: whatever a daemon writes to its working directory lands there
(cd "$STATE" && bash "$daemon" start "$MASTER" 1 --host 127.0.0.1 --port "$MASTER_PORT" \
    --webui-port "$MASTER_WEBUI_PORT") >/dev/null
wait_for "$MASTER" "port $MASTER_PORT open" "port_open $MASTER_PORT"
(cd "$STATE" && bash "$daemon" start "$WORKER" 1 --host 127.0.0.1 --cores "$WORKER_CORES" \
    --memory "$WORKER_MEMORY" --webui-port "$WORKER_WEBUI_PORT" --work-dir "$SPARK_WORKER_DIR" \
    "spark://127.0.0.1:$MASTER_PORT") >/dev/null
wait_for "$WORKER" "registered with the master" \
    "grep -q 'Successfully registered with master' '$(log_file "$WORKER")'"
java_options="-Duser.timezone=UTC -Dderby.system.home=$STATE"
(cd "$STATE" && bash "$daemon" submit "$THRIFT" 1 --name ecommerce_behavior_thrift \
    --master "spark://127.0.0.1:$MASTER_PORT" \
    --driver-memory "$DRIVER_MEMORY" --executor-memory "$EXECUTOR_MEMORY" \
    --conf spark.ui.enabled=false \
    --conf spark.driver.host=127.0.0.1 --conf spark.driver.bindAddress=127.0.0.1 \
    --conf "spark.driver.extraJavaOptions=$java_options" \
    --conf spark.executor.extraJavaOptions=-Duser.timezone=UTC \
    --conf spark.sql.session.timeZone=UTC \
    --conf "spark.sql.warehouse.dir=$STATE/spark-warehouse" \
    --conf "spark.hadoop.javax.jdo.option.ConnectionURL=jdbc:derby:;databaseName=$STATE/metastore_db;create=true" \
    --hiveconf hive.server2.thrift.port="$SPARK_THRIFT_PORT" \
    --hiveconf hive.server2.thrift.bind.host=127.0.0.1) >/dev/null
wait_for "$THRIFT" "port $SPARK_THRIFT_PORT open" "port_open $SPARK_THRIFT_PORT"
say "cluster started in $(elapsed "$cluster_start") s (logs in $SPARK_LOG_DIR)"

# 3. build and test on the cluster: the committed sample is delivered to one raw folder in
# two steps, its events without their last day first, so that the second run is the
# one-day incremental run (the models that read the events or the raw-file check's
# record; insert_overwrite of the rebuilt days over Thrift) whose marts the parity test
# compares with a DuckDB build
start=$(seconds)
"$BIN/python" scripts/spark_cluster_check.py --target spark_cluster
raw="$STATE/raw"
rm -rf "$raw" && mkdir -p "$raw" && cp data/sample/*.csv "$raw/"
"$BIN/python" - "$raw/events.csv" <<'PY'
import csv, re, sys
path = sys.argv[1]
with open(path, newline="", encoding="utf-8") as handle:
    header, *rows = list(csv.reader(handle))
at = header.index("event_time")
last = max(r[at][:10] for r in rows if re.fullmatch(r"\d{4}-\d{2}-\d{2}", r[at][:10]))
kept = [r for r in rows if r[at][:10] != last]
with open(path, "w", newline="", encoding="utf-8") as handle:
    csv.writer(handle, lineterminator="\n").writerows([header, *kept])
print(f"spark-cluster-test: the first build reads the events without {last} ({len(rows) - len(kept)} rows)")
PY
dbt_options=(--target spark_cluster --target-path "$SPARK_DBT_TARGET_PATH" --log-path logs/spark-cluster
    --vars "{raw_path: '$raw'}")
"$BIN/dbt" build "${dbt_options[@]}" --exclude-resource-type unit_test
say "dbt build --target spark_cluster took $(elapsed "$start") s"
start=$(seconds)
cp data/sample/events.csv "$raw/events.csv"
"$BIN/dbt" run "${dbt_options[@]}" --select source:clickstream+ source:raw_files+ | tee "$STATE/one_day_run.log"
# an incremental model that starts again (macros/raw_inputs_state.sql) would still equal
# DuckDB's marts, but the run would not be the one-day run this step is for
if grep -q "rebuilt from scratch" "$STATE/one_day_run.log"; then
    fail "the one-day run rebuilt a model from scratch instead of running incrementally: $STATE/one_day_run.log"
fi
say "the one-day incremental run took $(elapsed "$start") s"

# 4. parity with DuckDB, read from the cluster's warehouse folders
start=$(seconds)
SPARK_PARITY_CLUSTER_STATE="$STATE" "$BIN/python" -m pytest -p no:cacheprovider \
    tests/spark/test_spark_parity.py tests/spark/test_spark_cluster_check.py \
    -k "the_same_marts_are_built or same_rows_on_spark or cluster" "$@"
say "parity test took $(elapsed "$start") s"
