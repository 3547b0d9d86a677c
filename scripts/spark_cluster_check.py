"""Pre-flight check of a Spark Thrift server before dbt runs on it.

    python scripts/spark_cluster_check.py [--target spark_cluster]

Reads the target's host, port and user from profiles.yml (its env_var() calls
rendered from the environment, as dbt does), opens a TCP connection, then
opens a Thrift session (the handshake dbt-spark's `method: thrift` makes, with
PyHive) and runs `select 1`. Prints one line and exits 0 when the server
answers; otherwise prints one message naming the target, host and port and
what to check, and exits 2, with no traceback. make spark-cluster-test runs it
before dbt; a team runs it against its own cluster the same way.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import threading
from pathlib import Path

import jinja2
import yaml

PROJECT_DIR = Path(__file__).resolve().parents[1]
PROFILE = "ecommerce_behavior"
CONNECT_TIMEOUT = float(os.environ.get("SPARK_THRIFT_CONNECT_TIMEOUT", "10"))


def env_var(name: str, default: str | None = None) -> str:
    if name in os.environ:
        return os.environ[name]
    if default is None:
        raise SystemExit(f"spark cluster check: env var {name} is required by profiles.yml")
    return default


def target_settings(profiles_dir: Path, target: str) -> dict:
    """The target's output of profiles.yml, its values rendered like dbt renders them."""
    profiles = yaml.safe_load((profiles_dir / "profiles.yml").read_text())
    outputs = profiles[PROFILE]["outputs"]
    if target not in outputs:
        raise SystemExit(
            f"spark cluster check: no target {target} in {profiles_dir / 'profiles.yml'}"
        )
    environment = jinja2.Environment(undefined=jinja2.StrictUndefined)
    settings = {}
    for key, value in outputs[target].items():
        if isinstance(value, str):
            value = environment.from_string(value).render(env_var=env_var)
        settings[key] = value
    return settings


def first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0][:300]


def check(settings: dict, target: str) -> str | None:
    """None when the server answers; else the message to print."""
    host, port = str(settings.get("host")), int(settings.get("port", 10000))
    where = f"the Spark Thrift server at {host}:{port} (dbt target {target})"
    try:
        with socket.create_connection((host, port), timeout=CONNECT_TIMEOUT):
            pass
    except OSError as error:
        return (
            f"cannot reach {where}: {first_line(error)}. Is the server running on that "
            "host and port? Set SPARK_THRIFT_HOST / SPARK_THRIFT_PORT, or start it "
            "(make spark-cluster-test starts a local one)."
        )
    try:
        from pyhive import hive
    except ImportError as error:
        return f"cannot check {where}: {first_line(error)} (install requirements-spark-cluster.txt)"

    def handshake() -> None:
        connection = hive.connect(
            host=host,
            port=port,
            username=settings.get("user"),
            password=settings.get("password"),
            auth=settings.get("auth"),
            kerberos_service_name=settings.get("kerberos_service_name"),
        )
        try:
            cursor = connection.cursor()
            cursor.execute("select 1")
            cursor.fetchall()
        finally:
            connection.close()

    # PyHive's socket has no timeout: a service that never answers would hang the check
    failures: list[BaseException] = []
    thread = threading.Thread(target=lambda: run_catching(handshake, failures), daemon=True)
    thread.start()
    thread.join(CONNECT_TIMEOUT)
    problem = None
    if thread.is_alive():
        problem = f"no answer in {CONNECT_TIMEOUT:g} s"
    elif failures:
        problem = first_line(failures[0])
    if problem:
        return (
            f"{where} accepted a TCP connection but the Thrift session failed: {problem}. "
            "Is it a Spark Thrift server (not another service on that port), and are user, "
            "auth and password (SPARK_THRIFT_USER, profiles.yml) what it expects?"
        )
    return None


def run_catching(function, failures: list[BaseException]) -> None:
    """Runs function, appending what it raises to failures (for a thread)."""
    try:
        function()
    except Exception as error:  # noqa: BLE001 - any failure of the handshake is reported
        failures.append(error)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", default=os.environ.get("DBT_TARGET", "spark_cluster"))
    parser.add_argument(
        "--profiles-dir", type=Path, default=Path(os.environ.get("DBT_PROFILES_DIR", PROJECT_DIR))
    )
    args = parser.parse_args(argv)
    settings = target_settings(args.profiles_dir, args.target)
    message = check(settings, args.target)
    if message:
        print(f"spark cluster check: {message}", file=sys.stderr)
        return 2
    print(
        f"spark cluster check: the Spark Thrift server at {settings['host']}:{settings['port']} "
        f"(dbt target {args.target}) answers"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
