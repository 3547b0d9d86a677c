# Shell functions shared by scripts/spark_test.sh and scripts/spark_cluster_test.sh
# (sourced from the project folder, not run): the environment of a Spark run and helpers.

PROJECT_DIR="$PWD"
PYTHON="${PYTHON:-$(command -v python3.11 || command -v python3)}"
# Spark binds to this address (no network lookup of the host name); dbt as in the Makefile.
export SPARK_LOCAL_IP=127.0.0.1
export TZ=UTC
export DO_NOT_TRACK=1
export DBT_SEND_ANONYMOUS_USAGE_STATS=false
export DBT_PROFILES_DIR="$PROJECT_DIR"
export DBT_PROJECT_DIR="$PROJECT_DIR"
export DBT_THREADS="${DBT_THREADS:-2}"

# require_java_and_python NAME: stops unless Java and Python 3.11 are there.
require_java_and_python() {
    command -v java >/dev/null || { echo "$1: Java 17 is required (java not found)" >&2; exit 1; }
    "$PYTHON" -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required, found " + sys.version.split()[0]'
}

seconds() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(seconds)" 'BEGIN { printf "%.1f", b - a }'; }

# install_venv NAME VENV REQUIREMENTS: creates VENV from REQUIREMENTS (exact pins) when it
# is missing or older than the file; pip's output goes to logs/<NAME>_pip_install.log and
# is shown only when the install fails.
install_venv() {
    local name="$1" venv="$2" requirements="$3" start log
    [[ -f "$venv/.installed" && ! "$requirements" -nt "$venv/.installed" ]] && return 0
    start=$(seconds)
    log="logs/${name}_pip_install.log"
    test -x "$venv/bin/python" || "$PYTHON" -m venv "$venv"
    mkdir -p logs
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements" \
        > "$log" 2>&1 || { cat "$log" >&2; exit 1; }
    touch "$venv/.installed"
    echo "${name//_/-}-test: installed $venv in $(elapsed "$start") s"
}

# write_log4j FILE LEVEL: Spark's log4j2.properties, every logger at LEVEL, to stderr
# (Spark's INFO/WARN lines would bury dbt's output); the caller may append loggers.
write_log4j() {
    cat > "$1" <<LOG4J
rootLogger.level = $2
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{yy/MM/dd HH:mm:ss} %p %c{1}: %m%n%ex
LOG4J
}
