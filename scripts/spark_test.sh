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
# shellcheck source=scripts/spark_lib.sh
source scripts/spark_lib.sh
VENV="${SPARK_VENV:-.venv-spark}"
BIN="$VENV/bin"

export SPARK_STATE_DIR="${SPARK_STATE_DIR:-$PROJECT_DIR/warehouse/spark}"
# dbt's artefacts of the Spark build stay apart from the DuckDB build's target/
export SPARK_DBT_TARGET_PATH="${SPARK_DBT_TARGET_PATH:-target/spark}"

require_java_and_python spark-test

# 1. the venv
install_venv spark "$VENV" requirements-spark.txt

# 2. Spark's local state
rm -rf "$SPARK_STATE_DIR" metastore_db spark-warehouse derby.log
mkdir -p "$SPARK_STATE_DIR/conf"
# Spark's own log: errors only (its INFO/WARN lines would bury dbt's output)
export SPARK_CONF_DIR="$SPARK_STATE_DIR/conf"
write_log4j "$SPARK_CONF_DIR/log4j2.properties" error

# 3. build and test on Spark
start=$(seconds)
"$BIN/dbt" build --target spark --target-path "$SPARK_DBT_TARGET_PATH" --log-path logs/spark
echo "spark-test: dbt build --target spark took $(elapsed "$start") s"

# 4. parity with DuckDB (reuses the Spark build above)
start=$(seconds)
SPARK_PARITY_REUSE_BUILD=1 "$BIN/python" -m pytest tests/spark -p no:cacheprovider "$@"
echo "spark-test: parity test took $(elapsed "$start") s"
