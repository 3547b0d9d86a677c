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
                         the only database Superset may open, read-only and locked down
                         (bi/superset/superset_config.py)
    SUPERSET_HOME        the instance's folder, mode 700: metadata (SQLite), SECRET_KEY, the
                         accounts' passwords, rendered bundle, log (default warehouse/superset,
                         git-ignored)
    SUPERSET_PORT        the port on 127.0.0.1 (default 8088)
    SUPERSET_WORKERS, SUPERSET_THREADS   gunicorn's worker processes and threads per worker
                         (default: one worker per core, 4 threads; docs/dashboards.md)
    SUPERSET_ADMIN_USER, SUPERSET_ADMIN_PASSWORD     the administrator (default user admin)
    SUPERSET_VIEWER_USER, SUPERSET_VIEWER_PASSWORD   the dashboards' reader (default viewer)
                         A password not set is made once per instance, kept in
                         $SUPERSET_HOME/<account>_password (mode 600) and printed when made.
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


# The two accounts of an instance and their Superset roles: the administrator, and the
# dashboards' reader (role Viewer: the dashboards and their charts' data, nothing else).
ACCOUNTS = {"admin": "Admin", "viewer": "Viewer"}
VIEWER_ROLE = "Viewer"
# What the Viewer role may do besides reading the marts (schema_access, added at setup):
# open a dashboard, its charts' data and native filters. No SQL Lab, no chart, dataset or
# dashboard editing, no database, no Explore, no import or export (tests/bi/test_lockdown.py).
VIEWER_PERMISSIONS = [
    ("can_read", "Dashboard"),
    ("can_read", "Chart"),
    ("can_dashboard", "Superset"),
    ("can_read", "DashboardFilterStateRestApi"),
    ("can_write", "DashboardFilterStateRestApi"),
    ("can_read", "DashboardPermalinkRestApi"),
    ("can_userinfo", "UserDBModelView"),
    ("can_read", "SecurityRestApi"),  # a CSRF token, for the filter state's writes
    ("can_log", "Superset"),  # the front-end's events (what was viewed) into the action log
    ("menu_access", "Dashboards"),
]
MIN_PASSWORD = 12


def duckdb_path() -> Path:
    """The published warehouse, absolute but not resolved: it may be a symlink a publish
    step switches, and Superset must keep opening the link, not its target of today."""
    return Path(os.path.abspath(
        ROOT / os.environ.get("DUCKDB_PATH", "warehouse/ecommerce_behavior.duckdb")))


def superset_home() -> Path:
    """The instance's folder (SUPERSET_HOME)."""
    return (ROOT / os.environ.get("SUPERSET_HOME", "warehouse/superset")).resolve()


def port() -> int:
    """The port on 127.0.0.1 (SUPERSET_PORT)."""
    return int(os.environ.get("SUPERSET_PORT", "8088"))


def instance_secret(path: Path, nbytes: int) -> tuple[str, bool]:
    """A random secret kept in a file only its owner can read (created with mode 600, never
    readable by others in between); made when missing. Returns it, and whether it was made."""
    made = False
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(nbytes) + "\n")
        made = True
    return path.read_text().strip(), made


def account(home: Path, name: str) -> tuple[str, str, bool]:
    """An account's user name, password, and whether the password was made just now.

    SUPERSET_<NAME>_USER and SUPERSET_<NAME>_PASSWORD when set (the operator's choice; at
    least MIN_PASSWORD characters, not the user name); else the name, and a password made
    once per instance in $SUPERSET_HOME/<name>_password (mode 600).
    """
    prefix = f"SUPERSET_{name.upper()}"
    user = os.environ.get(f"{prefix}_USER", name)
    password = os.environ.get(f"{prefix}_PASSWORD")
    if password is None:
        return (user, *instance_secret(home / f"{name}_password", 18))
    if len(password) < MIN_PASSWORD or password == user:
        raise SystemExit(
            f"superset: {prefix}_PASSWORD is too weak: use at least {MIN_PASSWORD} characters, "
            f"not the user name (or unset it: a random one is made in {home}/{name}_password)"
        )
    return user, password, False


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


def superset_env(home: Path, warehouse: Path) -> dict[str, str]:
    """The environment of Superset's commands and server: its home, its configuration, and
    the one warehouse it may open (SUPERSET_WAREHOUSE, read by superset_config.py)."""
    env = dict(os.environ)
    env.update(
        SUPERSET_HOME=str(home),
        SUPERSET_WAREHOUSE=str(warehouse),
        SUPERSET_CONFIG_PATH=str(CONFIG),
        FLASK_APP="superset.app:create_app()",
        SUPERSET_LOAD_EXAMPLES="no",
        SCARF_ANALYTICS="false",
        DO_NOT_TRACK="1",
        PYTHONWARNINGS="ignore",
    )
    return env


def run_quiet(cmd: list[str], env: dict[str, str], what: str) -> None:
    """Run a command of .venv-superset; show its output only when it fails."""
    result = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
        raise SystemExit(f"superset: {what} failed ({result.returncode})")


def superset(home: Path, warehouse: Path, *args: str) -> None:
    """Run the superset CLI of .venv-superset on an instance; its output only if it fails."""
    run_quiet([str(VENV / "bin" / "superset"), *args], superset_env(home, warehouse),
              f"`superset {' '.join(args[:2])}`")


def render_bundle(out: Path, warehouse: Path) -> Path:
    """Zip the bundle templates, with the absolute path of the warehouse of this machine."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(BUNDLE.rglob("*.yaml")):
            text = path.read_text().replace(PLACEHOLDER, str(warehouse))
            zf.writestr(f"{BUNDLE_ROOT}/{path.relative_to(BUNDLE)}", text)
    return out


def database_name() -> str:
    """The name of the bundle's one database (bi/superset/bundle/databases/)."""
    (path,) = BUNDLE.glob("databases/*.yaml")
    for line in path.read_text().splitlines():
        if line.startswith("database_name:"):
            return line.split(":", 1)[1].strip()
    raise SystemExit(f"superset: no database_name in {path.relative_to(ROOT)}")


def create_accounts() -> None:
    """The accounts, in Superset's metadata (run by setup with .venv-superset's python).

    The role Viewer (VIEWER_PERMISSIONS and read access to the schema marts of the bundle's
    database), the administrator and the viewer. Passwords come from the environment that
    setup passes, never from a command line (which other local users can read).
    """
    from superset.app import create_app

    home = superset_home()
    app = create_app()
    with app.app_context():
        sm = app.appbuilder.sm
        role = sm.add_role(VIEWER_ROLE)
        marts = ("schema_access", f"[{database_name()}].[marts]")
        for permission, view in [*VIEWER_PERMISSIONS, marts]:
            sm.add_permission_role(role, sm.add_permission_view_menu(permission, view))
        for name, role_name in ACCOUNTS.items():
            user, password, _ = account(home, name)
            if sm.find_user(username=user):
                continue
            if not sm.add_user(user, "Local", name.title(), f"{user}@localhost",
                               sm.find_role(role_name), password):
                raise SystemExit(f"superset: could not create the account {user} ({role_name})")


def setup(home: Path | None = None, warehouse: Path | None = None) -> Path:
    """A fresh instance: metadata, SECRET_KEY, the accounts, the dashboards imported.

    The bundle is the source of truth: the metadata database is created anew each time (an
    import never overwrites a chart that exists), so export edits made in the UI first.
    Passwords made now are printed once; they stay in $SUPERSET_HOME (mode 600).
    """
    python = ensure_venv()
    home = home or superset_home()
    warehouse = warehouse or duckdb_path()
    if not warehouse.exists():
        raise SystemExit(
            f"superset: no published warehouse at {warehouse}: run `make build` first "
            "(or set DUCKDB_PATH)"
        )
    home.mkdir(parents=True, exist_ok=True)
    home.chmod(0o700)
    instance_secret(home / "secret_key", 48)
    (home / "superset.db").unlink(missing_ok=True)
    t0 = time.monotonic()
    superset(home, warehouse, "db", "upgrade")
    superset(home, warehouse, "init")
    env = superset_env(home, warehouse)
    made = []
    for name in ACCOUNTS:
        user, password, new = account(home, name)
        env[f"SUPERSET_{name.upper()}_USER"] = user
        env[f"SUPERSET_{name.upper()}_PASSWORD"] = password
        if new:
            made.append(f"{user} / {password}")
    # -P: this file's folder not on sys.path, where superset.py would hide the package
    run_quiet([str(python), "-P", str(Path(__file__).resolve()), "accounts"], env,
              f"creating the accounts (metadata in {home})")
    bundle = render_bundle(home / "bundle.zip", warehouse)
    admin_user = account(home, "admin")[0]
    superset(home, warehouse, "import-dashboards", "--path", str(bundle),
             "--username", admin_user)
    print(f"superset: instance ready in {time.monotonic() - t0:.0f}s at {home} "
          f"(warehouse {warehouse}, read-only, locked down)")
    for line in made:
        print(f"superset: new password, shown once (kept in {home}, mode 600): {line}")
    return home


def workers_and_threads() -> tuple[int, int]:
    """gunicorn's worker processes and threads per worker: SUPERSET_WORKERS and
    SUPERSET_THREADS, by default one worker per core and 4 threads (docs/dashboards.md,
    "Serving": measured on 2 cores)."""
    return (int(os.environ.get("SUPERSET_WORKERS", os.cpu_count() or 2)),
            int(os.environ.get("SUPERSET_THREADS", "4")))


def server_command(listen_port: int) -> list[str]:
    """gunicorn serving Superset's WSGI app on 127.0.0.1 only, threaded workers, no control
    socket; request lines up to gunicorn's bounded maximum (Superset's URLs are long)."""
    workers, threads = workers_and_threads()
    return [
        str(VENV / "bin" / "gunicorn"), "--bind", f"{HOST}:{listen_port}",
        "--workers", str(workers), "--worker-class", "gthread", "--threads", str(threads),
        "--timeout", "120", "--graceful-timeout", "10", "--keep-alive", "5",
        "--limit-request-line", "8190", "--no-control-socket",
        "--access-logfile", "-", "--error-logfile", "-",
        "superset.app:create_app()",
    ]


def process_tree(pid: int) -> list[tuple[int, str]]:
    """The descendants of a process with their start times (from /proc), so that a pid
    reused by another process after they end is never signalled."""
    children: dict[int, list[int]] = {}
    started: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
        started[int(entry.name)] = fields[19]
    tree, todo = [], list(children.get(pid, []))
    while todo:
        child = todo.pop()
        tree.append((child, started[child]))
        todo.extend(children.get(child, []))
    return tree


def alive(pid: int, started: str) -> bool:
    """Whether the process pid is still the one that started at `started`."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return fields[19] == started and fields[0] != "Z"


def start_server(home: Path, listen_port: int, log: Path,
                 warehouse: Path | None = None) -> subprocess.Popen:
    """Start gunicorn with Superset on 127.0.0.1 in the background; wait until it answers.

    Its own session, so a Ctrl-C in the terminal reaches this script, which stops it by pid.
    """
    with socket.socket() as probe:
        # as gunicorn binds: connections of a server just stopped (TIME_WAIT) do not count
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, listen_port))
        except OSError:
            raise SystemExit(
                f"superset: {HOST}:{listen_port} is in use (another Superset?): stop it, "
                "or choose another port with SUPERSET_PORT"
            ) from None
    env = superset_env(home, warehouse or duckdb_path())
    with log.open("ab") as fh:
        proc = subprocess.Popen(server_command(listen_port), env=env, stdout=fh,
                                stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://{HOST}:{listen_port}/health"
    deadline = time.monotonic() + 180
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
    raise RuntimeError(f"superset did not answer on {url} within 180s; see {log}")


def stop_server(proc: subprocess.Popen) -> None:
    """Stop the server started here, by its process id, and make sure its workers went too.

    SIGTERM to gunicorn's master (a graceful stop: workers finish their request within the
    graceful timeout, 10 s), SIGKILL when it does not end in 20 s; then any worker still
    alive is killed by its own pid (a worker whose master died would end by itself, later).
    """
    workers = process_tree(proc.pid)
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    deadline = time.monotonic() + 5
    while any(alive(*w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    for pid, started in workers:
        if alive(pid, started):
            os.kill(pid, signal.SIGKILL)


def serve() -> None:
    """make dashboards: set up, then serve on 127.0.0.1 until Ctrl-C (or `kill <pid>`)."""
    home = setup()
    listen_port = port()
    log = home / "superset.log"
    proc = start_server(home, listen_port, log)
    # `kill <pid>` of this script stops the server too (Ctrl-C does already)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    workers, threads = workers_and_threads()
    accounts = ", ".join(f"{account(home, name)[0]} ({role})"
                         for name, role in ACCOUNTS.items())
    print(f"\nDashboards: http://{HOST}:{listen_port}/dashboard/list/  (local only)\n"
          f"Accounts: {accounts}; passwords in {home}/<account>_password unless set by "
          "SUPERSET_<ACCOUNT>_PASSWORD.\n"
          f"gunicorn master pid {proc.pid} ({workers} workers x {threads} threads), log {log}. "
          "Ctrl-C stops it.")
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
    superset(home, warehouse, "export-dashboards", "--dashboard-file", str(out))
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
    """The command line (this module's docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("venv", help="create or update .venv-superset")
    sub.add_parser("setup", help="set up the instance and import the dashboards")
    sub.add_parser("serve", help="setup, then serve on 127.0.0.1:$SUPERSET_PORT")
    sub.add_parser("export", help="write the instance's dashboards back to the bundle")
    sub.add_parser("browser", help="install Debian's chromium and chromium-driver if missing")
    sub.add_parser("accounts", help="(run by setup, in .venv-superset) create the accounts")
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
    elif args.command == "accounts":
        create_accounts()
    elif args.command == "bi-test":
        sys.exit(bi_test(extra))
    elif args.command == "render":
        buf = render_bundle(args.out, duckdb_path())
        print(buf)


if __name__ == "__main__":
    main()

