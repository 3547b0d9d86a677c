"""The growth team's dashboards on Apache Superset, local and offline (docs/dashboards.md).

    python scripts/superset.py serve     # make dashboards: set up, import, serve on 127.0.0.1
    python scripts/superset.py setup     # only set up the instance and import the dashboards
    python scripts/superset.py export    # write the instance's dashboards back to the bundle
    python scripts/superset.py render --out bundle.zip   # the bundle for this machine
    python scripts/superset.py browser   # Debian's chromium + chromium-driver (apt-get, root)
    python scripts/superset.py bi-test   # make bi-test: pytest tests/bi in .venv-superset

Runs with any Python 3.11; Superset itself runs from its own pinned virtualenv,
.venv-superset (bi/superset/requirements.txt), created here when missing or outdated.

Environment:
    DUCKDB_PATH          the published warehouse (default warehouse/ecommerce_behavior.duckdb),
                         registered read-only
    SUPERSET_HOME        the instance's folder: metadata (SQLite), SECRET_KEY, rendered bundle
                         (default warehouse/superset, git-ignored)
    SUPERSET_PORT        the port on 127.0.0.1 (default 8088)
    SUPERSET_ADMIN_USER, SUPERSET_ADMIN_PASSWORD   the local account (default admin / admin)
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BI = ROOT / "bi" / "superset"
BUNDLE = BI / "bundle"
REQUIREMENTS = BI / "requirements.txt"
CONFIG = BI / "superset_config.py"
VENV = Path(os.environ.get("SUPERSET_VENV", ROOT / ".venv-superset"))
PLACEHOLDER = "__DUCKDB_PATH__"
BUNDLE_ROOT = "ecommerce_behavior_dashboards"
HOST = "127.0.0.1"


def duckdb_path() -> Path:
    return (ROOT / os.environ.get("DUCKDB_PATH", "warehouse/ecommerce_behavior.duckdb")).resolve()


def superset_home() -> Path:
    return (ROOT / os.environ.get("SUPERSET_HOME", "warehouse/superset")).resolve()


def port() -> int:
    return int(os.environ.get("SUPERSET_PORT", "8088"))


def admin() -> tuple[str, str]:
    return (
        os.environ.get("SUPERSET_ADMIN_USER", "admin"),
        os.environ.get("SUPERSET_ADMIN_PASSWORD", "admin"),
    )


def database_uri(path: Path) -> str:
    return f"duckdb:///{path}?access_mode=read_only"


def ensure_venv() -> Path:
    """Create or update .venv-superset from the pinned requirements; return its python."""
    python = VENV / "bin" / "python"
    stamp = VENV / ".installed"
    if stamp.exists() and stamp.read_text() == REQUIREMENTS.read_text():
        return python
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    print(f"superset: installing {REQUIREMENTS.relative_to(ROOT)} into {VENV.name} ...")
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "-r", str(REQUIREMENTS)],
        check=True,
    )
    stamp.write_text(REQUIREMENTS.read_text())
    return python


def superset_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        SUPERSET_HOME=str(home),
        SUPERSET_CONFIG_PATH=str(CONFIG),
        FLASK_APP="superset.app:create_app()",
        SUPERSET_LOAD_EXAMPLES="no",
        SCARF_ANALYTICS="false",
        DO_NOT_TRACK="1",
        PYTHONWARNINGS="ignore",
    )
    return env


def superset(home: Path, *args: str, quiet: bool = True) -> None:
    """Run the superset CLI of .venv-superset; show its output only when it fails."""
    cmd = [str(VENV / "bin" / "superset"), *args]
    result = subprocess.run(cmd, env=superset_env(home), capture_output=quiet, text=True)
    if result.returncode != 0:
        if quiet:
            sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
        raise SystemExit(f"superset: `superset {' '.join(args[:2])}` failed ({result.returncode})")


def render_bundle(out: Path, warehouse: Path) -> Path:
    """Zip the bundle templates, with the absolute path of the warehouse of this machine."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(BUNDLE.rglob("*.yaml")):
            text = path.read_text().replace(PLACEHOLDER, str(warehouse))
            zf.writestr(f"{BUNDLE_ROOT}/{path.relative_to(BUNDLE)}", text)
    return out


def setup(home: Path | None = None, warehouse: Path | None = None) -> Path:
    """A fresh instance: metadata, SECRET_KEY, the local account, the dashboards imported.

    The bundle is the source of truth: the metadata database is created anew each time (an
    import never overwrites a chart that exists), so export edits made in the UI first.
    """
    ensure_venv()
    home = home or superset_home()
    warehouse = warehouse or duckdb_path()
    if not warehouse.exists():
        raise SystemExit(
            f"superset: no published warehouse at {warehouse}: run `make build` first "
            "(or set DUCKDB_PATH)"
        )
    home.mkdir(parents=True, exist_ok=True)
    key = home / "secret_key"
    if not key.exists():
        key.write_text(secrets.token_urlsafe(48) + "\n")
        key.chmod(0o600)
    (home / "superset.db").unlink(missing_ok=True)
    user, password = admin()
    t0 = time.monotonic()
    superset(home, "db", "upgrade")
    superset(home, "fab", "create-admin", "--username", user, "--firstname", "Local",
             "--lastname", "Admin", "--email", f"{user}@localhost", "--password", password)
    superset(home, "init")
    bundle = render_bundle(home / "bundle.zip", warehouse)
    superset(home, "import-dashboards", "--path", str(bundle), "--username", user)
    print(f"superset: instance ready in {time.monotonic() - t0:.0f}s at {home} "
          f"(warehouse {warehouse}, read-only)")
    return home


def start_server(home: Path, listen_port: int, log: Path) -> subprocess.Popen:
    """Start Superset's web server on 127.0.0.1 in the background; wait until it answers."""
    with socket.socket() as probe:
        try:
            probe.bind((HOST, listen_port))
        except OSError:
            raise SystemExit(
                f"superset: {HOST}:{listen_port} is in use (another Superset?): stop it, "
                "or choose another port with SUPERSET_PORT"
            ) from None
    cmd = [str(VENV / "bin" / "superset"), "run", "-h", HOST, "-p", str(listen_port),
           "--with-threads"]
    with log.open("ab") as fh:
        proc = subprocess.Popen(cmd, env=superset_env(home), stdout=fh, stderr=subprocess.STDOUT)
    url = f"http://{HOST}:{listen_port}/health"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"superset exited ({proc.returncode}); see {log}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return proc
        except OSError:
            time.sleep(0.5)
    stop_server(proc)
    raise RuntimeError(f"superset did not answer on {url} within 120s; see {log}")


def stop_server(proc: subprocess.Popen) -> None:
    """Stop the server started here, by its process id."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def serve() -> None:
    home = setup()
    user, password = admin()
    listen_port = port()
    log = home / "superset.log"
    proc = start_server(home, listen_port, log)
    # `kill <pid>` of this script stops the server too (Ctrl-C does already)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"\nDashboards: http://{HOST}:{listen_port}/dashboard/list/  "
          f"(log in as {user} / {password}; local only)\n"
          f"Server pid {proc.pid}, log {log}. Ctrl-C stops it.")
    try:
        proc.wait()
    except KeyboardInterrupt:
        pass
    finally:
        stop_server(proc)


def export(home: Path | None = None) -> None:
    """Export every dashboard of the instance and write it back into bi/superset/bundle."""
    ensure_venv()
    home = home or superset_home()
    warehouse = duckdb_path()
    out = home / "export.zip"
    out.unlink(missing_ok=True)
    superset(home, "export-dashboards", "--dashboard-file", str(out))
    # keep each file's name in the bundle (Superset names them after titles and ids)
    names = {}
    for path in BUNDLE.rglob("*.yaml"):
        for line in path.read_text().splitlines():
            if line.startswith("uuid: "):
                names[line.split()[1].strip("'\"")] = str(path.relative_to(BUNDLE))
    files: dict[str, str] = {}
    with zipfile.ZipFile(out) as zf:
        for name in zf.namelist():
            rel = name.split("/", 1)[1]
            if not rel.endswith(".yaml"):
                continue
            text = zf.read(name).decode().replace(str(warehouse), PLACEHOLDER)
            uuid = next((ln.split()[1].strip("'\"") for ln in text.splitlines()
                         if ln.startswith("uuid: ")), None)
            files[names.get(uuid, rel)] = text
    staging = BUNDLE.with_name("bundle.new")
    shutil.rmtree(staging, ignore_errors=True)
    for rel, text in files.items():
        target = staging / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    shutil.rmtree(BUNDLE)
    staging.rename(BUNDLE)
    print(f"superset: wrote {len(files)} files to {BUNDLE.relative_to(ROOT)} "
          "(review with git diff)")


def ensure_browser() -> None:
    """Debian's chromium and chromium-driver for tests/bi; installed with apt-get if missing."""
    if shutil.which("chromium") and shutil.which("chromedriver"):
        return
    if not shutil.which("apt-get") or os.geteuid() != 0:
        raise SystemExit(
            "superset: chromium and chromedriver are needed for the browser test: as root on "
            "Debian/Ubuntu, `apt-get install chromium chromium-driver` (no browser is downloaded "
            "at run time)"
        )
    print("superset: installing Debian's chromium and chromium-driver (apt-get) ...")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium",
                    "chromium-driver"], check=True, env=env)


def bi_test(pytest_args: list[str]) -> int:
    """make bi-test: the dashboards against the marts, and rendered in headless Chromium."""
    python = ensure_venv()
    ensure_browser()
    if not duckdb_path().exists():
        raise SystemExit(f"superset: no published warehouse at {duckdb_path()}: run `make build`")
    t0 = time.monotonic()
    rc = subprocess.run(
        [str(python), "-m", "pytest", "tests/bi", "-p", "no:cacheprovider", *pytest_args],
        cwd=ROOT, env=dict(os.environ, DO_NOT_TRACK="1"),
    ).returncode
    print(f"bi-test: {'passed' if rc == 0 else 'FAILED'} in {time.monotonic() - t0:.0f}s")
    return rc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("venv", help="create or update .venv-superset")
    sub.add_parser("setup", help="set up the instance and import the dashboards")
    sub.add_parser("serve", help="setup, then serve on 127.0.0.1:$SUPERSET_PORT")
    sub.add_parser("export", help="write the instance's dashboards back to the bundle")
    sub.add_parser("browser", help="install Debian's chromium and chromium-driver if missing")
    sub.add_parser("bi-test", help="pytest tests/bi (make bi-test); other arguments go to pytest")
    render = sub.add_parser("render", help="render the bundle into a ZIP for this machine")
    render.add_argument("--out", type=Path, required=True)
    args, extra = parser.parse_known_args()
    if extra and args.command != "bi-test":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if args.command == "venv":
        ensure_venv()
    elif args.command == "setup":
        setup()
    elif args.command == "serve":
        serve()
    elif args.command == "export":
        export()
    elif args.command == "browser":
        ensure_browser()
    elif args.command == "bi-test":
        sys.exit(bi_test(extra))
    elif args.command == "render":
        buf = render_bundle(args.out, duckdb_path())
        print(buf)


if __name__ == "__main__":
    main()

