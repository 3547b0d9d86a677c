"""Superset configuration of the local dashboard instance (docs/dashboards.md).

Loaded through SUPERSET_CONFIG_PATH by scripts/superset.py. Everything instance-specific
lives in SUPERSET_HOME (default warehouse/superset, git-ignored): the metadata database
(SQLite), the SECRET_KEY and the accounts' passwords, generated per instance by
scripts/superset.py, never committed. Offline: in-process caches, no Redis, no Celery, no
thumbnails, no outside host.

The dashboards reach the marts only ("Lock-down" in docs/dashboards.md): Superset may open
one database, the published warehouse (SUPERSET_WAREHOUSE, set by scripts/superset.py), and
every connection to it is made here, read-only, without file or network access, without
extensions to install or load, and with its configuration locked, whatever the connection
form, an imported bundle or the database's `extra` say. SQL that is not a query, or that
calls DuckDB's file, settings or extension functions, is refused before it reaches DuckDB.
"""

import copy
import os
import sys
from pathlib import Path

from sqlalchemy.pool import NullPool

_HOME = Path(os.environ["SUPERSET_HOME"]).resolve()

SECRET_KEY = (_HOME / "secret_key").read_text().strip()
SQLALCHEMY_DATABASE_URI = f"sqlite:///{_HOME / 'superset.db'}"

# In-process caches. Chart data is never cached, so a new publication shows on the next
# query without a restart (Superset opens a new DuckDB connection per query).
CACHE_CONFIG = {"CACHE_TYPE": "SimpleCache", "CACHE_DEFAULT_TIMEOUT": 300}
DATA_CACHE_CONFIG = {"CACHE_TYPE": "NullCache"}
FILTER_STATE_CACHE_CONFIG = {"CACHE_TYPE": "SimpleCache", "CACHE_DEFAULT_TIMEOUT": 86400}
EXPLORE_FORM_DATA_CACHE_CONFIG = {"CACHE_TYPE": "SimpleCache", "CACHE_DEFAULT_TIMEOUT": 86400}
RATELIMIT_STORAGE_URI = "memory://"

THUMBNAILS_FEATURE_FLAG = False
FEATURE_FLAGS = {"THUMBNAILS": False, "ALERT_REPORTS": False}
SQLLAB_CTAS_NO_LIMIT = False
ROW_LIMIT = 50000

# The front-end loads a usage pixel from an outside host: leave that host out of the
# content security policy, so browsers do not fetch it.
_defaults = sys.modules.get("superset.config")
if _defaults is not None and hasattr(_defaults, "TALISMAN_CONFIG"):
    TALISMAN_CONFIG = copy.deepcopy(_defaults.TALISMAN_CONFIG)
    _csp = TALISMAN_CONFIG.get("content_security_policy") or {}
    for _directive, _sources in _csp.items():
        if isinstance(_sources, list):
            _csp[_directive] = [s for s in _sources if "scarf.sh" not in s]

# ---- Lock-down: the dashboards reach the marts only (docs/dashboards.md, "Lock-down") ----

# The published warehouse as configured: an absolute path, compared as written and never
# resolved, since the publication may be a symlink that a publish step switches.
WAREHOUSE = os.environ.get("SUPERSET_WAREHOUSE", "")
if not os.path.isabs(WAREHOUSE):
    raise RuntimeError(
        "superset_config.py: SUPERSET_WAREHOUSE must be the absolute path of the published "
        f"warehouse (got {WAREHOUSE!r}); start Superset with scripts/superset.py, which sets it"
    )

# Every DuckDB connection Superset opens gets exactly these settings (DuckDB 1.5.6):
# read-only; no file or network access but the database file itself (read_csv, read_text,
# glob, COPY ... TO, ATTACH, INSTALL refused); no extension installed or loaded on demand; and
# the configuration locked, so SET/RESET/PRAGMA cannot undo any of it.
DUCKDB_LOCKDOWN = {
    "access_mode": "read_only",
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "lock_configuration": True,
}


def check_warehouse_uri(uri) -> None:
    """Refuse any database but the published warehouse (DB_SQLA_URI_VALIDATOR).

    Superset calls it before it opens any connection (charts, SQL Lab, the connection
    test): another file, another engine, an in-memory or a MotherDuck database is refused.
    """
    if (uri.drivername, uri.database) != ("duckdb", WAREHOUSE) or any(
        (uri.host, uri.port, uri.username, uri.password)
    ):
        raise ValueError(
            f"{uri.drivername}:///{uri.database or ''}: this Superset reads only the published "
            f"warehouse, duckdb:///{WAREHOUSE} (SUPERSET_WAREHOUSE, "
            "bi/superset/superset_config.py)"
        )


def lock_duckdb_connection(uri, params, username, security_manager, source):
    """The URL and engine parameters of every connection Superset opens (DB_CONNECTION_MUTATOR).

    Whatever the database's URI query or `extra` hold (connect_args, config, preload
    extensions, filesystems, a pool), the connection gets DUCKDB_LOCKDOWN, and a new DuckDB
    connection per use (NullPool), so a swapped publication shows on the next query.
    """
    check_warehouse_uri(uri)
    return uri.set(query={}), {
        "poolclass": NullPool,
        "connect_args": {"config": dict(DUCKDB_LOCKDOWN)},
    }


def refuse_what_is_not_a_query(sql: str, **kwargs) -> str:
    """Refuse SQL that is not a plain query, before it reaches DuckDB (SQL_QUERY_MUTATOR).

    Runs on everything Superset sends to the warehouse: SQL Lab, charts, virtual datasets,
    previews. Only SELECT (with WITH, UNION, ...) passes: COPY, ATTACH, SET, RESET, PRAGMA,
    INSTALL, LOAD, CALL, CREATE TEMP, USE and anything the parser does not know are refused,
    and so is a call to a function of DUCKDB_REFUSED_FUNCTIONS. A second line behind
    DUCKDB_LOCKDOWN, which refuses what matters even without it.
    """
    import sqlglot
    from sqlglot import exp
    from superset.errors import ErrorLevel, SupersetError, SupersetErrorType
    from superset.exceptions import SupersetSecurityException

    try:
        statements = [s for s in sqlglot.parse(sql, read="duckdb") if s is not None]
    except sqlglot.errors.SqlglotError:
        statements = []
    refused = [s.sql(dialect="duckdb") for s in statements if not isinstance(s, exp.Query)]
    functions = {
        (f.name if isinstance(f, exp.Anonymous) else f.sql_name()).lower()
        for s in statements for f in s.find_all(exp.Func)
    } & DUCKDB_REFUSED_FUNCTIONS
    if refused or functions or not statements:
        what = ", ".join(sorted(functions)) or (refused or [sql])[0][:80]
        raise SupersetSecurityException(
            SupersetError(
                message=f"Only queries on the marts run on this Superset; refused: {what}",
                error_type=SupersetErrorType.QUERY_SECURITY_ACCESS_ERROR,
                level=ErrorLevel.ERROR,
            )
        )
    return sql


# An imported dataset may carry a `data:` URL that Superset fetches from this host and loads
# (any http(s) URL by default): none is allowed.
DATASET_IMPORT_ALLOWED_DATA_URLS: list[str] = []

DB_SQLA_URI_VALIDATOR = check_warehouse_uri
DB_CONNECTION_MUTATOR = lock_duckdb_connection
SQL_QUERY_MUTATOR = refuse_what_is_not_a_query
MUTATE_AFTER_SPLIT = False

# DuckDB functions refused by name, on every path: files, settings, secrets, extensions,
# logging, dynamic SQL (query() would hide a name in a string). SQL Lab checks them itself
# (DISALLOWED_SQL_FUNCTIONS, Superset's message), the charts through SQL_QUERY_MUTATOR. A
# file named as a table (`from "data.csv"`) calls no function: DUCKDB_LOCKDOWN refuses it.
DUCKDB_REFUSED_FUNCTIONS = {
    "read_csv", "read_csv_auto", "sniff_csv", "read_text", "read_blob", "glob",
    "read_json", "read_json_auto", "read_json_objects", "read_json_objects_auto",
    "read_ndjson", "read_ndjson_auto", "read_ndjson_objects",
    "read_parquet", "parquet_scan", "parquet_metadata", "parquet_schema",
    "parquet_file_metadata", "parquet_kv_metadata",
    "duckdb_secrets", "which_secret", "duckdb_extensions", "duckdb_settings",
    "current_setting", "getvariable", "enable_logging", "query", "query_table",
}
DISALLOWED_SQL_FUNCTIONS = {
    **getattr(sys.modules.get("superset.config"), "DISALLOWED_SQL_FUNCTIONS", {}),
    "duckdb": DUCKDB_REFUSED_FUNCTIONS,
}
