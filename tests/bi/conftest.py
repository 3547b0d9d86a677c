"""Fixtures of tests/bi (make bi-test, docs/dashboards.md): a Superset instance of its own,
served by gunicorn on 127.0.0.1 on a free port over a private copy of the published
warehouse, with the bundle of bi/superset/bundle imported and its two accounts (admin and
viewer) logged in through the API; and a headless Chromium (Debian's chromium and
chromium-driver) logged in as the viewer. Both are stopped by process id when the session
ends, also when a test fails. Runs with .venv-superset's python (scripts/superset.py bi-test).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

if importlib.util.find_spec("selenium") is None:
    # another venv (pytest tests/ with .venv): these tests run in .venv-superset, `make bi-test`
    collect_ignore_glob = ["test_*.py"]

ROOT = Path(__file__).resolve().parents[2]


def load_script(name: str):
    """A file of scripts/ as a module, under another name: scripts/superset.py must not hide
    the superset package."""
    spec = importlib.util.spec_from_file_location(f"{name}_script", ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


sup = load_script("superset")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")


def tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants, from /proc (kB)."""
    total = 0
    for p in [pid, *(child for child, _ in sup.process_tree(pid))]:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


@dataclass
class Peaks:
    """Peak resident memory of the Superset server and of the browser, sampled every 0.5 s."""

    pids: dict[str, int] = field(default_factory=dict)
    peak_kb: dict[str, int] = field(default_factory=dict)
    peak_total_kb: int = 0
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        while not self.stop.wait(0.5):
            total = 0
            for name, pid in list(self.pids.items()):
                kb = tree_rss_kb(pid)
                total += kb
                self.peak_kb[name] = max(self.peak_kb.get(name, 0), kb)
            self.peak_total_kb = max(self.peak_total_kb, total)


@pytest.fixture(scope="session")
def peaks() -> Iterator[Peaks]:
    p = Peaks()
    thread = threading.Thread(target=p.run, daemon=True)
    thread.start()
    started = time.monotonic()
    yield p
    p.stop.set()
    thread.join()
    report = {
        "seconds": round(time.monotonic() - started, 1),
        "peak_rss_mb": {k: round(v / 1024) for k, v in p.peak_kb.items()},
        "peak_rss_total_mb": round(p.peak_total_kb / 1024),
    }
    out = Path(os.environ.get("BI_TEST_REPORT", ROOT / "warehouse" / "bi_test_memory.json"))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nbi-test memory: {report}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind((sup.HOST, 0))
        return s.getsockname()[1]


def login(url: str, user: str, password: str) -> requests.Session:
    """An API session of an account: a JWT access token, and a CSRF token for writes."""
    api = requests.Session()
    response = api.post(
        url + "/api/v1/security/login",
        json={"username": user, "password": password, "provider": "db", "refresh": True},
        timeout=60,
    )
    assert response.status_code == 200, f"login as {user}: {response.status_code}"
    api.headers["Authorization"] = f"Bearer {response.json()['access_token']}"
    csrf = api.get(url + "/api/v1/security/csrf_token/", timeout=60)
    if csrf.status_code == 200:  # an account without the permission gets no token
        api.headers.update({"X-CSRFToken": csrf.json()["result"], "Referer": url})
    return api


@dataclass
class Instance:
    url: str
    home: Path
    warehouse: Path
    admin: requests.Session
    viewer: requests.Session
    server_pid: int

    @property
    def api(self) -> requests.Session:
        return self.admin

    def get(self, path: str, as_viewer: bool = False, **params) -> requests.Response:
        api = self.viewer if as_viewer else self.admin
        return api.get(self.url + path, params=params or None, timeout=120)

    def account(self, name: str) -> tuple[str, str]:
        """The user name and password of one of the instance's accounts."""
        return sup.account(self.home, name)[:2]


@pytest.fixture(scope="session")
def published() -> Path:
    path = sup.duckdb_path()
    if not path.exists():
        pytest.fail(f"no published warehouse at {path}: run `make build` (or set DUCKDB_PATH)")
    return path


@pytest.fixture(scope="session")
def superset(published: Path, tmp_path_factory, peaks: Peaks) -> Iterator[Instance]:
    """A fresh Superset over a private copy of the publication (a refresh test swaps it)."""
    home = tmp_path_factory.mktemp("superset_home")
    warehouse_dir = tmp_path_factory.mktemp("warehouse")
    warehouse = warehouse_dir / "ecommerce_behavior.duckdb"
    shutil.copyfile(published, warehouse)
    sup.setup(home=home, warehouse=warehouse)
    port = free_port()
    proc = sup.start_server(home, port, home / "superset.log", warehouse)
    peaks.pids["superset"] = proc.pid
    try:
        url = f"http://{sup.HOST}:{port}"
        sessions = {name: login(url, *sup.account(home, name)[:2]) for name in sup.ACCOUNTS}
        yield Instance(url=url, home=home, warehouse=warehouse, admin=sessions["admin"],
                       viewer=sessions["viewer"], server_pid=proc.pid)
    finally:
        peaks.pids.pop("superset", None)
        workers = sup.process_tree(proc.pid)
        sup.stop_server(proc)
        left = [pid for pid, started in workers if sup.alive(pid, started)]
        assert not left, f"gunicorn workers {left} still running after stop_server"


@pytest.fixture(scope="session")
def browser(superset: Instance, peaks: Peaks):
    """Headless Chromium, logged in as the viewer (the dashboards' audience: its role must
    be enough to draw every chart); no host but 127.0.0.1 resolves."""
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.fail(
            f"{CHROMIUM} or {CHROMEDRIVER} missing: `python3 scripts/superset.py browser` "
            "installs Debian's chromium and chromium-driver (apt-get, as root)"
        )
    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager must not download anything
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--window-size=1600,1000", "--hide-scrollbars", "--no-first-run",
        # the front-end's usage pixel, or anything else outside, must not leave the machine
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    ):
        options.add_argument(arg)
    service = Service(CHROMEDRIVER)
    driver = webdriver.Chrome(service=service, options=options)
    try:
        peaks.pids["chromium"] = service.process.pid
        user, password = superset.account("viewer")
        driver.get(superset.url + "/login/")
        deadline = time.monotonic() + 60
        while not driver.find_elements(By.ID, "username"):
            if time.monotonic() > deadline:
                raise RuntimeError("login page did not load")
            time.sleep(0.5)
        driver.find_element(By.ID, "username").send_keys(user)
        driver.find_element(By.ID, "password").send_keys(password + "\n")
        deadline = time.monotonic() + 60
        while "/login" in driver.current_url:
            if time.monotonic() > deadline:
                raise RuntimeError("login failed")
            time.sleep(0.5)
        yield driver
    finally:
        peaks.pids.pop("chromium", None)
        driver.quit()  # stops chromedriver (by its pid) and its browser
        if service.process and service.process.poll() is None:
            service.process.kill()
