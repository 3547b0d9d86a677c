"""A bad connection to a Spark cluster gives one clear message, not a traceback.

scripts/spark_cluster_check.py (run by make spark-cluster-test before dbt) reads
the spark_cluster target of profiles.yml and tries a TCP connection, then a
Thrift session. Pointed at a closed port, or at a port where something that is
not a Thrift server listens (closing the connection, or never answering), it
exits 2 with one line naming the host, the port and the dbt target. Runs in make
spark-cluster-test (.venv-spark-cluster, with PyHive) and in make spark-test
(.venv-spark: the handshake tests are skipped there, as PyHive is not installed;
the relative raw_path test needs the running cluster of spark-cluster-test).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
CHECK = PROJECT_DIR / "scripts" / "spark_cluster_check.py"
HOST = "127.0.0.1"


def run_check(port: int, extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "SPARK_THRIFT_HOST": HOST,
        "SPARK_THRIFT_PORT": str(port),
        **(extra_env or {}),
    }
    env.pop("DBT_TARGET", None)
    return subprocess.run(
        [sys.executable, str(CHECK), "--profiles-dir", str(PROJECT_DIR)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def assert_one_clear_message(result: subprocess.CompletedProcess, port: int) -> str:
    assert result.returncode == 2, result
    message = result.stderr.strip()
    assert "Traceback" not in message, message
    assert len(message.splitlines()) == 1, message
    assert f"{HOST}:{port}" in message, message
    assert "dbt target spark_cluster" in message, message
    return message


def test_a_closed_port_names_the_cluster_host_port_and_target():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port = probe.getsockname()[1]
    # the port is closed again: nothing listens on it
    message = assert_one_clear_message(run_check(port), port)
    assert message.startswith("spark cluster check: cannot reach the Spark Thrift server")
    assert "SPARK_THRIFT_PORT" in message


def test_a_server_that_is_not_thrift_fails_the_cluster_handshake_clearly():
    pytest.importorskip("pyhive", reason="the handshake needs PyHive (.venv-spark-cluster)")
    server = socket.socket()
    server.bind((HOST, 0))
    server.listen()
    port = server.getsockname()[1]

    def refuse() -> None:
        # accept every connection and close it at once, like a wrong service would
        while True:
            try:
                connection, _ = server.accept()
            except OSError:
                return
            connection.close()

    threading.Thread(target=refuse, daemon=True).start()
    try:
        message = assert_one_clear_message(run_check(port), port)
    finally:
        server.close()
    assert "accepted a TCP connection but the Thrift session failed" in message


def test_a_server_that_never_answers_times_out_the_cluster_check():
    pytest.importorskip("pyhive", reason="the handshake needs PyHive (.venv-spark-cluster)")
    with socket.socket() as server:
        server.bind((HOST, 0))
        server.listen()  # connections are accepted by the kernel, never answered
        port = server.getsockname()[1]
        result = run_check(port, {"SPARK_THRIFT_CONNECT_TIMEOUT": "2"})
    message = assert_one_clear_message(result, port)
    assert "the Thrift session failed: no answer in 2 s" in message


@pytest.mark.skipif(
    not os.environ.get("SPARK_PARITY_CLUSTER_STATE"),
    reason="needs the running Thrift server of make spark-cluster-test",
)
def test_a_relative_raw_path_is_refused_on_the_cluster(tmp_path):
    """The cluster resolves raw_path on the server: a relative one stops the run
    with a message naming the target, host and port (spark__server_raw_folder)."""
    sys.path.append(str(PROJECT_DIR / "tests"))
    from dbt_invocation import run_dbt_command

    result = run_dbt_command(
        ["run", "--target", "spark_cluster", "--select", "stg_ecom__customers"],
        tmp_path,
        {"raw_path": "data/sample"},
        timeout=600,
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0, output[-3000:]
    port = os.environ.get("SPARK_THRIFT_PORT", "10000")
    assert (
        f"raw_path 'data/sample' is relative, and target spark_cluster reads raw files on the "
        f"Spark server {HOST}:{port}"
    ) in output, output[-3000:]
