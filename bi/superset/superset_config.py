"""Superset configuration of the local dashboard instance (docs/dashboards.md).

Loaded through SUPERSET_CONFIG_PATH by scripts/superset.py. Everything instance-specific
lives in SUPERSET_HOME (default warehouse/superset, git-ignored): the metadata database
(SQLite) and the SECRET_KEY, generated per instance by scripts/superset.py, never committed.
Offline: in-process caches, no Redis, no Celery, no thumbnails, no outside host.
"""

import copy
import os
import sys
from pathlib import Path

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
