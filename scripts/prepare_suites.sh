#!/usr/bin/env bash
# Installs what the suites after `make test` need, and runs none of them: the venvs of
# make spark-test (.venv-spark), make spark-cluster-test (.venv-spark-cluster) and
# make bi-test (.venv-superset), and Debian's chromium. Each is installed only when it is
# missing or older than its requirements, as the suites themselves do. .ci/run starts it
# in the background beside `make build` and `make test`: downloading and unpacking
# packages waits on the network and the disk more than on the processors
# (DECISIONLOG X13).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/spark_lib.sh
source scripts/spark_lib.sh
start=$(seconds)
require_java_and_python prepare-suites
install_venv spark "${SPARK_VENV:-.venv-spark}" requirements-spark.txt
install_venv spark_cluster "${SPARK_CLUSTER_VENV:-.venv-spark-cluster}" requirements-spark-cluster.txt
"$PYTHON" scripts/superset.py venv
"$PYTHON" scripts/superset.py browser
echo "prepare-suites: the suites' environments are ready after $(elapsed "$start") s"
