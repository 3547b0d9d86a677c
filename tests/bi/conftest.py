"""Fixtures of tests/bi (make bi-test, docs/dashboards.md): a Superset instance of its own,
started headless on 127.0.0.1 on a free port over a private copy of the published warehouse,
with the bundle of bi/superset/bundle imported; and a headless Chromium (Debian's chromium
and chromium-driver). Both are stopped by process id when the session ends, also when a
test fails. Runs with .venv-superset's python (scripts/superset.py bi-test).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import socket
import sys
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
sys.path.insert(0, str(ROOT / "scripts"))

import superset as sup  # noqa: E402  (scripts/superset.py)

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")


def tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants, from /proc (kB)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        todo.extend(children.get(p, []))
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


@dataclass
class Instance:
    url: str
    warehouse: Path
    api: requests.Session

    def get(self, path: str, **params) -> requests.Response:
        return self.api.get(self.url + path, params=params or None, timeout=120)


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
    proc = sup.start_server(home, port, home / "superset.log")
    peaks.pids["superset"] = proc.pid
    try:
        url = f"http://{sup.HOST}:{port}"
        user, password = sup.admin()
        api = requests.Session()
        token = api.post(
            url + "/api/v1/security/login",
            json={"username": user, "password": password, "provider": "db", "refresh": True},
            timeout=60,
        ).json()["access_token"]
        api.headers["Authorization"] = f"Bearer {token}"
        yield Instance(url=url, warehouse=warehouse, api=api)
    finally:
        peaks.pids.pop("superset", None)
        sup.stop_server(proc)


@pytest.fixture(scope="session")
def browser(superset: Instance, peaks: Peaks):
    """Headless Chromium, logged in as the local account; no host but 127.0.0.1 resolves."""
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
        user, password = sup.admin()
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
