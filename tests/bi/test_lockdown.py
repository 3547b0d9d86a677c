"""The lock-down of the dashboards (docs/dashboards.md, "Lock-down"): they reach the marts only.

1. DuckDB: the connection Superset opens (superset_config.lock_duckdb_connection), made here
   with SQLAlchemy as Superset makes it, refuses every probe with DuckDB's own error, even
   when the URI and the engine parameters ask for the opposite; what still runs is listed
   (and documented). Any other database is refused before a connection is opened.
2. SQL Lab, as admin: every probe refused, by Superset's function list, by the statement
   guard (SQL_QUERY_MUTATOR) or by DuckDB; no file written.
3. Chart data, as admin, on a virtual dataset holding the probe: refused; no file written.
4. The database's own settings (URI query, `extra`) changed by the admin change nothing.
5. The viewer: every dashboard and its charts' data, nothing else (401/403).
6. Accounts: no admin/admin, passwords per instance in files of mode 600.
7. Serving: gunicorn, on 127.0.0.1 only, with its workers (conftest checks that they
   are gone after the stop).
"""

from __future__ import annotations

import stat
from pathlib import Path
from urllib.parse import urlparse

import duckdb
import pytest
import requests
import sqlalchemy
from sqlalchemy.engine import make_url

from conftest import ROOT, Instance, login, sup

CONFIG = ROOT / "bi" / "superset" / "superset_config.py"
CUSTOMERS = ROOT / "data" / "sample" / "customers.csv"
FILES = "file system operations are disabled by configuration"
LOCKED = "the configuration has been locked"
FUNCTION = "disallowed function"  # Superset's own check in SQL Lab (DISALLOWED_SQL_FUNCTIONS)
GUARD = "Only queries on the marts run on this Superset"  # superset_config's SQL_QUERY_MUTATOR
# a statement as a virtual dataset is a subquery, `(reset x) as virtual_table`: what the guard's
# parser reads as a table, DuckDB's parser refuses
PARSER = "Parser Error"

# name: (SQL, DuckDB's refusal, SQL Lab's refusal, chart data's refusal). {out} is a file that
# must not be written, {other} another database file, {home} the instance's folder.
PROBES = {
    "read_csv": (f"select * from read_csv('{CUSTOMERS}')", FILES, FUNCTION, GUARD),
    "csv_by_name": (f'select * from "{CUSTOMERS}"', FILES, FILES, FILES),
    "read_text_passwd": ("select * from read_text('/etc/passwd')", FILES, FUNCTION, GUARD),
    "read_text_secret_key": ("select * from read_text('{home}/secret_key')", FILES, FUNCTION,
                             GUARD),
    "read_blob_shadow": ("select * from read_blob('/etc/shadow')", FILES, FUNCTION, GUARD),
    "glob": ("select * from glob('/etc/*')", FILES, FUNCTION, GUARD),
    "copy_to": ("copy (select * from marts.cart_kpis) to '{out}'", FILES, GUARD, GUARD),
    "attach": ("attach '{other}' as other", FILES, GUARD, GUARD),
    "set": ("set enable_external_access = true", LOCKED, GUARD, GUARD),
    "reset": ("reset lock_configuration", LOCKED, GUARD, PARSER),
    "pragma": ("pragma threads = 1", LOCKED, GUARD, GUARD),
    "install": ("install httpfs", FILES, GUARD, GUARD),
    "load": ("load httpfs", "Loading external extensions is disabled", GUARD, PARSER),
    "duckdb_secrets": ("select * from duckdb_secrets()", FILES, FUNCTION, GUARD),
}
# What DuckDB still runs on a locked connection (docs/dashboards.md says so; Superset refuses
# each of them, layer 3): extensions built into the wheel, temporary objects in memory, the
# warehouse file itself, the settings, profiling and logging into memory.
# name: (SQL, SQL Lab's refusal)
DML = "does not allow for DDL/DML"  # Superset's own check, the database's allow_dml=false
STILL_RUNS = {
    "load_built_in_json": ("load json", GUARD),
    "temp_table": ("create temp table t as select 1 as x", DML),
    "variable": ("set variable x = 1", GUARD),
    "read_blob_of_the_warehouse": ("select size from read_blob('{warehouse}')", FUNCTION),
    "settings": ("select value from duckdb_settings() where name = 'lock_configuration'",
                 FUNCTION),
    "database_list": ("pragma database_list", GUARD),
    "profiling": ("pragma enable_profiling", GUARD),
    "logging_to_memory": ("call enable_logging()", GUARD),
}


def probe_sql(sql: str, superset: Instance, tmp_path: Path) -> str:
    return sql.format(out=tmp_path / "written.csv", other=other_database(tmp_path),
                      home=superset.home, warehouse=superset.warehouse)


def other_database(folder: Path) -> Path:
    """Another DuckDB file, with a table: ATTACH must not reach it."""
    path = folder / "other.duckdb"
    if not path.exists():
        with duckdb.connect(str(path)) as con:
            con.execute("create table secret as select 42 as answer")
    return path


@pytest.fixture(scope="module")
def config(superset: Instance):
    """bi/superset/superset_config.py, loaded as Superset loads it for this instance."""
    import importlib.util

    with pytest.MonkeyPatch.context() as env:
        env.setenv("SUPERSET_HOME", str(superset.home))
        env.setenv("SUPERSET_WAREHOUSE", str(superset.warehouse))
        spec = importlib.util.spec_from_file_location("superset_config_under_test", CONFIG)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return module


def superset_engine(config, uri: str, params: dict | None = None) -> sqlalchemy.engine.Engine:
    """An engine as Superset makes one: its URI validator, then its connection mutator."""
    url = make_url(uri)
    config.DB_SQLA_URI_VALIDATOR(url)
    url, params = config.DB_CONNECTION_MUTATOR(url, params or {}, "admin", None, None)
    return sqlalchemy.create_engine(url, **params)


def run(engine: sqlalchemy.engine.Engine, sql: str) -> list:
    with engine.connect() as con:
        return con.exec_driver_sql(sql).fetchall()


# --- 1. DuckDB itself -------------------------------------------------------------------------

HOSTILE_URI = "duckdb:///{}?enable_external_access=true&lock_configuration=false"
HOSTILE_PARAMS = {
    "connect_args": {
        "read_only": False,
        "config": {"enable_external_access": True, "lock_configuration": False,
                   "autoload_known_extensions": True, "access_mode": "read_write"},
        "preload_extensions": ["httpfs"],
    },
    "pool_size": 5,
}


@pytest.mark.parametrize("hostile", [False, True], ids=["as_configured", "hostile_settings"])
@pytest.mark.parametrize("name", PROBES)
def test_duckdb_refuses(config, superset: Instance, tmp_path: Path, name: str, hostile: bool):
    """Each probe fails with DuckDB's own error, also when the URI and the database's `extra`
    ask for file access, no lock, writes and an extension."""
    sql, refusal = PROBES[name][:2]
    uri = (HOSTILE_URI if hostile else "duckdb:///{}?access_mode=read_only").format(
        superset.warehouse)
    engine = superset_engine(config, uri, dict(HOSTILE_PARAMS) if hostile else None)
    with pytest.raises(sqlalchemy.exc.DBAPIError) as refused:
        run(engine, probe_sql(sql, superset, tmp_path))
    assert refusal in str(refused.value), str(refused.value)
    assert not (tmp_path / "written.csv").exists()


def test_duckdb_settings_are_forced(config, superset: Instance):
    """The five settings, as DuckDB reports them, whatever the URI and `extra` asked."""
    engine = superset_engine(config, HOSTILE_URI.format(superset.warehouse), HOSTILE_PARAMS)
    names = ", ".join(f"'{k}'" for k in config.DUCKDB_LOCKDOWN)
    got = dict(run(engine, f"select name, value from duckdb_settings() where name in ({names})"))
    assert got == {k: str(v).lower() for k, v in config.DUCKDB_LOCKDOWN.items()}
    assert run(engine, "select count(*) from marts.cart_kpis") == [(1,)]
    assert engine.pool.__class__.__name__ == "NullPool"  # a new connection per use


@pytest.mark.parametrize("name", STILL_RUNS)
def test_duckdb_still_runs(config, superset: Instance, tmp_path: Path, name: str):
    """What the lock leaves possible, as documented: nothing outside the warehouse file."""
    engine = superset_engine(config, f"duckdb:///{superset.warehouse}")
    run(engine, probe_sql(STILL_RUNS[name][0], superset, tmp_path))


@pytest.mark.parametrize("uri", [
    "duckdb:///:memory:",
    "duckdb:///{other}",
    "duckdb:///md:my_db",
    "duckdb:///{alias}",  # the warehouse through another path (a symlink): not as configured
    "duckdb://someone:secret@host/{warehouse}",
    "sqlite:///{home}/superset.db",
    "postgresql://localhost/postgres",
])
def test_other_databases_are_refused(config, superset: Instance, tmp_path: Path, uri: str):
    alias = tmp_path / "alias.duckdb"
    alias.symlink_to(superset.warehouse)
    uri = uri.format(other=other_database(tmp_path), alias=alias, warehouse=superset.warehouse,
                     home=superset.home)
    with pytest.raises(ValueError, match="reads only the published warehouse"):
        superset_engine(config, uri)
    with pytest.raises(ValueError, match="reads only the published warehouse"):
        config.DB_CONNECTION_MUTATOR(make_url(uri), {}, "admin", None, None)


# --- 2, 3. Through Superset, as admin ---------------------------------------------------------

def database_id(superset: Instance) -> int:
    (database,) = superset.get("/api/v1/database/", q="(columns:!(id))").json()["result"]
    return database["id"]


def sql_lab(api: requests.Session, superset: Instance, sql: str) -> requests.Response:
    return api.post(
        superset.url + "/api/v1/sqllab/execute/",
        json={"database_id": database_id(superset), "sql": sql, "runAsync": False,
              "schema": "marts"},
        timeout=120,
    )


def refused(response: requests.Response) -> str:
    """The error of a refused request; fails if the request returned data instead."""
    if response.status_code == 200:
        body = response.json()
        results = body.get("result") or [body]
        errors = [r.get("error") or r.get("errors") for r in results if isinstance(r, dict)]
        assert all(errors), f"returned data: {response.text[:300]}"
        return str(errors)
    return response.text


@pytest.mark.parametrize("name", PROBES)
def test_sql_lab_refuses(superset: Instance, tmp_path: Path, name: str):
    sql, _, refusal, _ = PROBES[name]
    response = sql_lab(superset.admin, superset, probe_sql(sql, superset, tmp_path))
    assert refusal in refused(response), response.text[:500]
    assert not (tmp_path / "written.csv").exists()


@pytest.mark.parametrize("name", STILL_RUNS)
def test_sql_lab_refuses_what_duckdb_allows(superset: Instance, tmp_path: Path, name: str):
    sql, refusal = STILL_RUNS[name]
    response = sql_lab(superset.admin, superset, probe_sql(sql, superset, tmp_path))
    assert refusal in refused(response), response.text[:500]


@pytest.fixture()
def virtual_dataset(superset: Instance):
    """A virtual dataset of the admin's, its SQL set per probe; deleted afterwards."""
    created = superset.admin.post(
        superset.url + "/api/v1/dataset/",
        json={"database": database_id(superset), "schema": "marts",
              "table_name": "lockdown_probe", "sql": "select 1 as x"},
        timeout=120,
    )
    assert created.status_code == 201, created.text[:300]
    dataset = created.json()["id"]
    yield dataset
    superset.admin.delete(f"{superset.url}/api/v1/dataset/{dataset}", timeout=120)


def chart_data(api: requests.Session, superset: Instance, dataset: int,
               metric: str = "count(*)") -> requests.Response:
    query = {"columns": [], "row_limit": 10,
             "metrics": [{"expressionType": "SQL", "sqlExpression": metric, "label": "m"}]}
    return api.post(
        superset.url + "/api/v1/chart/data",
        json={"datasource": {"id": dataset, "type": "table"}, "queries": [query],
              "result_type": "full", "result_format": "json"},
        timeout=120,
    )


@pytest.mark.parametrize("name", PROBES)
def test_chart_data_refuses(superset: Instance, virtual_dataset: int, tmp_path: Path,
                            name: str):
    sql, _, _, refusal = PROBES[name]
    updated = superset.admin.put(
        f"{superset.url}/api/v1/dataset/{virtual_dataset}",
        json={"sql": probe_sql(sql, superset, tmp_path)}, timeout=120)
    assert updated.status_code == 200, updated.text[:300]
    response = chart_data(superset.admin, superset, virtual_dataset)
    assert refusal in refused(response), response.text[:500]
    assert not (tmp_path / "written.csv").exists()


def test_chart_data_of_a_virtual_dataset_works(superset: Instance, virtual_dataset: int):
    """The probes above fail for what they do, not because virtual datasets fail."""
    response = chart_data(superset.admin, superset, virtual_dataset)
    assert response.status_code == 200, response.text[:300]
    assert response.json()["result"][0]["data"] == [{"m": 1}]


# --- 4. The database's own settings cannot undo it --------------------------------------------

def test_database_settings_cannot_undo_it(superset: Instance, virtual_dataset: int):
    """The admin asks for file access and no lock in the URI and in `extra`: no effect."""
    import json

    db = database_id(superset)
    url = f"{superset.url}/api/v1/database/{db}"
    before = superset.get(f"/api/v1/database/{db}/connection").json()["result"]
    hostile_extra = json.dumps({"engine_params": HOSTILE_PARAMS,
                                "allows_virtual_table_explore": True})
    changed = superset.admin.put(url, json={
        "sqlalchemy_uri": HOSTILE_URI.format(superset.warehouse), "extra": hostile_extra},
        timeout=120)
    try:
        assert changed.status_code == 200, changed.text[:300]
        # with the settings asked for, reading a file would work: it is still refused
        superset.admin.put(f"{superset.url}/api/v1/dataset/{virtual_dataset}", json={
            "sql": f'select * from "{CUSTOMERS}"'}, timeout=120)
        assert FILES in refused(chart_data(superset.admin, superset, virtual_dataset))
        assert FILES in refused(sql_lab(superset.admin, superset, f'select * from "{CUSTOMERS}"'))
    finally:
        superset.admin.put(url, json={"sqlalchemy_uri": before["sqlalchemy_uri"],
                                      "extra": before["extra"]}, timeout=120)


def test_connection_to_another_database_is_refused(superset: Instance, tmp_path: Path):
    response = superset.admin.post(
        superset.url + "/api/v1/database/test_connection/",
        json={"sqlalchemy_uri": f"duckdb:///{other_database(tmp_path)}",
              "database_name": "other", "configuration_method": "sqlalchemy_form"},
        timeout=120,
    )
    assert response.status_code != 200
    assert "reads only the published warehouse" in response.text, response.text[:500]


def test_dataset_import_cannot_fetch_a_url(superset: Instance):
    """An imported dataset's `data:` URL, which Superset would fetch and load, is never
    fetched: a server on 127.0.0.1 waits for the request that must not come."""
    import io
    import threading
    import zipfile
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    fetched = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            fetched.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"x\n1\n")

        def log_message(self, *args):
            pass

    bundle = ROOT / "bi" / "superset" / "bundle"
    database = (bundle / "databases" / "ecommerce_behavior.yaml").read_text()
    dataset = (bundle / "datasets" / "ecommerce_behavior" / "cart_kpis.yaml").read_text()
    with ThreadingHTTPServer((sup.HOST, 0), Handler) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://{sup.HOST}:{server.server_address[1]}/customers.csv"
        dataset = (dataset.replace("table_name: cart_kpis", "table_name: import_probe")
                   .replace("uuid: 941edc4c-a54e-5eef-a5b5-000d49556557",
                            "uuid: 941edc4c-a54e-5eef-a5b5-00000000beef")
                   + f"data: {url}\n")
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as zf:
            zf.writestr("probe/metadata.yaml", "version: 1.0.0\ntype: SqlaTable\n"
                        "timestamp: '2026-01-01T00:00:00+00:00'\n")
            zf.writestr("probe/databases/ecommerce_behavior.yaml",
                        database.replace(sup.PLACEHOLDER, str(superset.warehouse)))
            zf.writestr("probe/datasets/ecommerce_behavior/import_probe.yaml", dataset)
        response = superset.admin.post(
            superset.url + "/api/v1/dataset/import/",
            files={"formData": ("probe.zip", buffer.getvalue(), "application/zip")},
            data={"overwrite": "true"}, timeout=120)
        server.shutdown()
    assert response.status_code != 200, response.text[:300]  # Superset: a 500 page
    assert not fetched, f"Superset fetched {fetched}"
    names = [d["table_name"] for d in superset.get("/api/v1/dataset/", q="(page_size:100)")
             .json()["result"]]
    assert "import_probe" not in names


# --- 5. The viewer ------------------------------------------------------------------------------

VIEWER_REFUSED = [
    ("post", "/api/v1/sqllab/execute/", {"database_id": 1, "sql": "select 1"}),
    ("get", "/api/v1/sqllab/", None),
    ("get", "/api/v1/database/", None),
    ("get", "/api/v1/database/1/connection", None),
    ("put", "/api/v1/database/1", {"extra": "{}"}),
    ("post", "/api/v1/database/test_connection/", {"sqlalchemy_uri": "duckdb:///:memory:"}),
    ("get", "/api/v1/dataset/", None),
    ("post", "/api/v1/dataset/", {"database": 1, "table_name": "x", "sql": "select 1"}),
    ("post", "/api/v1/chart/", {"slice_name": "x", "viz_type": "table"}),
    ("put", "/api/v1/chart/1", {"slice_name": "x"}),
    ("put", "/api/v1/dashboard/1", {"dashboard_title": "x"}),
    ("get", "/api/v1/dashboard/export/?q=!(1)", None),
    ("get", "/api/v1/assets/export/", None),
    ("get", "/api/v1/query/", None),
    ("get", "/api/v1/saved_query/", None),
    ("get", "/api/v1/security/roles/", None),
    ("get", "/api/v1/log/", None),
]


@pytest.mark.parametrize("method,path,body", VIEWER_REFUSED,
                         ids=[f"{m}_{p}" for m, p, _ in VIEWER_REFUSED])
def test_viewer_is_refused(superset: Instance, method: str, path: str, body):
    """401/403, never a CSRF error: the viewer's session holds a valid token, so this is the
    role that refuses."""
    assert "X-CSRFToken" in superset.viewer.headers
    response = getattr(superset.viewer, method)(superset.url + path, json=body, timeout=120)
    assert response.status_code in (401, 403), f"{response.status_code}: {response.text[:300]}"


@pytest.mark.parametrize("page", ["/sqllab/", "/explore/", "/databaseview/list/",
                                  "/tablemodelview/list/", "/chart/add"])
def test_viewer_pages_are_refused(superset: Instance, page: str):
    response = superset.viewer.get(superset.url + page, timeout=120, allow_redirects=False)
    assert response.status_code in (302, 401, 403), response.status_code
    if response.status_code == 302:  # Superset's "access denied": to the login page
        assert urlparse(response.headers["Location"]).path == "/login/"


def test_viewer_ad_hoc_sql_is_refused(superset: Instance):
    """The viewer can shape a chart's query on a mart (its right), not reach outside it."""
    datasets = superset.get("/api/v1/dataset/", q="(page_size:100)").json()["result"]
    kpis = next(d["id"] for d in datasets if d["table_name"] == "cart_kpis")
    assert chart_data(superset.viewer, superset, kpis).status_code == 200
    for metric, refusal in [
        ("max(length((select string_agg(content) from read_text('/etc/passwd'))))",
         "cannot contain sub-queries"),
        ("max(current_setting('enable_external_access'))", GUARD),
    ]:
        assert refusal in refused(chart_data(superset.viewer, superset, kpis, metric))


def test_viewer_role_has_no_write_permission(superset: Instance):
    """The role is what scripts/superset.py declares: reads, and the dashboards' filter state."""
    import sqlite3

    with sqlite3.connect(superset.home / "superset.db") as con:
        rows = con.execute(
            "select p.name, v.name from ab_role r"
            " join ab_permission_view_role pr on pr.role_id = r.id"
            " join ab_permission_view pv on pv.id = pr.permission_view_id"
            " join ab_permission p on p.id = pv.permission_id"
            " join ab_view_menu v on v.id = pv.view_menu_id where r.name = ?",
            (sup.VIEWER_ROLE,),
        ).fetchall()
    assert set(rows) == {*sup.VIEWER_PERMISSIONS,
                         ("schema_access", f"[{sup.database_name()}].[marts]")}
    writes = {(p, v) for p, v in rows if not p.startswith(("can_read", "can_dashboard",
                                                            "schema_access", "menu_access"))}
    assert writes == {("can_write", "DashboardFilterStateRestApi"), ("can_log", "Superset"),
                      ("can_userinfo", "UserDBModelView")}


# --- 6. Accounts ------------------------------------------------------------------------------

def test_no_default_password(superset: Instance):
    for user, password, status in [("admin", "admin", 401), ("viewer", "viewer", 401),
                                   ("admin", "", 400)]:
        response = requests.post(
            superset.url + "/api/v1/security/login",
            json={"username": user, "password": password, "provider": "db"}, timeout=60)
        assert response.status_code == status, (user, password, response.status_code)


def test_secrets_are_private(superset: Instance):
    assert stat.S_IMODE(superset.home.stat().st_mode) == 0o700
    for name in ["secret_key", *(f"{a}_password" for a in sup.ACCOUNTS)]:
        path = superset.home / name
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
        assert len(path.read_text().strip()) >= sup.MIN_PASSWORD
    admin, viewer = (superset.account(a)[1] for a in ("admin", "viewer"))
    assert admin != viewer


def test_weak_operator_password_is_refused(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("SUPERSET_ADMIN_PASSWORD", "admin")
    with pytest.raises(SystemExit, match="SUPERSET_ADMIN_PASSWORD is too weak"):
        sup.account(tmp_path, "admin")
    monkeypatch.setenv("SUPERSET_ADMIN_PASSWORD", "a long operator password")
    assert sup.account(tmp_path, "admin") == ("admin", "a long operator password", False)
    assert not (tmp_path / "admin_password").exists()


def test_viewer_logs_in_and_admin_password_is_not_the_viewers(superset: Instance):
    user, password = superset.account("viewer")
    login(superset.url, user, password)
    with pytest.raises(AssertionError, match="401"):
        login(superset.url, superset.account("admin")[0], password)


# --- 7. Serving -------------------------------------------------------------------------------

def listening(port: int) -> set[str]:
    """The local addresses listening on a TCP port (IPv4 and IPv6), from /proc/net."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, _, state = line.split()[1:4]
            address, port_hex = local.split(":")
            if state == "0A" and int(port_hex, 16) == port:  # 0A: LISTEN
                found.add(address)
    return found


def test_served_by_gunicorn_on_loopback_only(superset: Instance):
    port = int(superset.url.rsplit(":", 1)[1])
    assert listening(port) == {"0100007F"}  # 127.0.0.1, nothing else, no IPv6
    cmdline = Path(f"/proc/{superset.server_pid}/cmdline").read_bytes().split(b"\0")
    assert b"gunicorn" in cmdline[1], cmdline
    workers, _ = sup.workers_and_threads()
    assert len(sup.process_tree(superset.server_pid)) == workers
