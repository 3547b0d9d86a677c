#!/usr/bin/env bash
# make spark-test: the whole project on Apache Spark (dbt-spark, `method: session`:
# Spark runs inside dbt's own Python process, no server), then the parity test.
#
#   1. creates .venv-spark from requirements-spark.txt when missing or older;
#   2. clears Spark's local state: the warehouse and Derby metastore under
#      $SPARK_STATE_DIR (default warehouse/spark) and any metastore_db,
#      spark-warehouse, derby.log left at the project root;
#   3. dbt build --target spark on the committed sample (data/sample; every model,
#      data test and unit test);
#   4. pytest tests/spark: every mart of that Spark build against a DuckDB build
#      of the same sample (same rows; numbers equal within floating-point
#      tolerance).
#
# Needs Python 3.11 and Java 17 (pyspark 3.5). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
PROJECT_DIR="$PWD"

PYTHON="${PYTHON:-$(command -v python3.11 || command -v python3)}"
VENV="${SPARK_VENV:-.venv-spark}"
BIN="$VENV/bin"

# Spark binds its driver to this address (no network lookup of the host name).
export SPARK_LOCAL_IP=127.0.0.1
export TZ=UTC
export DO_NOT_TRACK=1
export DBT_SEND_ANONYMOUS_USAGE_STATS=false
export DBT_PROFILES_DIR="$PROJECT_DIR"
export DBT_PROJECT_DIR="$PROJECT_DIR"
export DBT_THREADS="${DBT_THREADS:-2}"
export SPARK_STATE_DIR="${SPARK_STATE_DIR:-$PROJECT_DIR/warehouse/spark}"
# dbt's artefacts of the Spark build stay apart from the DuckDB build's target/
export SPARK_DBT_TARGET_PATH="${SPARK_DBT_TARGET_PATH:-target/spark}"

seconds() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(seconds)" 'BEGIN { printf "%.1f", b - a }'; }

command -v java >/dev/null || { echo "spark-test: Java 17 is required (java not found)" >&2; exit 1; }
"$PYTHON" -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required, found " + sys.version.split()[0]'

# 1. the venv
if [[ ! -f "$VENV/.installed" || requirements-spark.txt -nt "$VENV/.installed" ]]; then
    start=$(seconds)
    test -x "$BIN/python" || "$PYTHON" -m venv "$VENV"
    mkdir -p logs
    "$BIN/python" -m pip install --quiet --disable-pip-version-check -r requirements-spark.txt \
        > logs/spark_pip_install.log 2>&1 || { cat logs/spark_pip_install.log >&2; exit 1; }
    touch "$VENV/.installed"
    echo "spark-test: installed $VENV in $(elapsed "$start") s"
fi

# 2. Spark's local state
rm -rf "$SPARK_STATE_DIR" metastore_db spark-warehouse derby.log
mkdir -p "$SPARK_STATE_DIR/conf"
# Spark's own log: errors only (its INFO/WARN lines would bury dbt's output)
export SPARK_CONF_DIR="$SPARK_STATE_DIR/conf"
cat > "$SPARK_CONF_DIR/log4j2.properties" <<'EOF'
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{yy/MM/dd HH:mm:ss} %p %c{1}: %m%n%ex
EOF

# 3. build and test on Spark
start=$(seconds)
"$BIN/dbt" build --target spark --target-path "$SPARK_DBT_TARGET_PATH" --log-path logs/spark
echo "spark-test: dbt build --target spark took $(elapsed "$start") s"

# 4. parity with DuckDB (reuses the Spark build above)
start=$(seconds)
SPARK_PARITY_REUSE_BUILD=1 "$BIN/python" -m pytest tests/spark -p no:cacheprovider "$@"
echo "spark-test: parity test took $(elapsed "$start") s"
