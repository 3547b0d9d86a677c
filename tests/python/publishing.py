"""Running scripts/publish.py in tests (test_publish.py, test_publish_refusals.py,
test_rule_overrides.py): each refresh in its own folder `root` (the work database, the
publication, the exports, dbt's target and logs), in its own process group so that a
test can kill -9 it with its dbt; and reading a publication back as a BI tool would.
The module-scoped fixtures `published` and `ecomgen_work` (conftest.py) start from these.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from dbt_invocation import PROJECT_DIR

import publish
from parses import seed_partial_parse

PUBLICATION = "pub/ecommerce_behavior.duckdb"
EXPORTS = "pub/exports"
# The ecomgen sample is another shop than the committed sample: publishing it over the
# sample's publication moves the whole history, which tests accept on purpose.
ANOTHER_SHOP = {"ACCEPT_HISTORY_CHANGE": "the tests publish another shop (ecomgen) on purpose"}


def publish_env(
    root: Path, project_dir: Path = PROJECT_DIR, unit_tests: bool = False
) -> dict[str, str]:
    """The environment of a refresh in `root`: every path publish.py and dbt write to.
    dbt leaves out its unit tests and its debug log file unless `unit_tests` is set, as
    run_dbt does (conftest.py; DECISIONLOG X11): they give the same result on every data
    set and run in `make test`'s dbt build and in test_rule_overrides."""
    quicker = {} if unit_tests else {"DBT_EXCLUDE_RESOURCE_TYPES": "unit_test",
                                     "DBT_LOG_LEVEL_FILE": "none"}
    return {
        **quicker,
        # make build's RAW_PATH and VARS (read by publish.py) never leak into a test
        **{k: v for k, v in os.environ.items() if k not in ("RAW_PATH", "VARS")},
        "DUCKDB_PATH": str(root / PUBLICATION),
        "EXPORTS_PATH": str(root / EXPORTS),
        "DUCKDB_BUILD_PATH": str(root / "build" / "ecommerce_behavior.duckdb"),
        "DUCKDB_TEMP_DIRECTORY": str(root / "duckdb_tmp"),
        "DBT_TARGET_PATH": str(root / "target"),
        "DBT_LOG_PATH": str(root / "logs"),
        "DBT_PROFILES_DIR": str(project_dir),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }


def start_publish(
    root: Path, *args: str, project_dir: Path = PROJECT_DIR, unit_tests: bool = False
) -> subprocess.Popen:
    """scripts/publish.py in its own process group (so that a test can kill -9 it
    together with its dbt); its output goes to files in `root` (a pipe nobody reads
    would fill up and block it), read back by `output`. `unit_tests`: publish_env.
    Its dbt finds this test process's parse of the project in its target folder
    (parses.py): a full parse is what publish.py would run, so it is not run again."""
    env = publish_env(root, project_dir, unit_tests)
    seed_partial_parse(root / "target", publish_vars_text(args), "duckdb", env, project_dir)
    return start_in_group(root, [str(project_dir / "scripts" / "publish.py"), *args],
                          project_dir, env)


def publish_vars_text(args: tuple[str, ...]) -> str | None:
    """The `--vars` text publish.py gives dbt when run with `args` (publish_env keeps
    RAW_PATH and VARS out of its environment)."""
    raw_path = args[args.index("--raw-path") + 1] if "--raw-path" in args else None
    vars_yaml = args[args.index("--vars") + 1] if "--vars" in args else None
    dbt_vars = publish.build_vars(raw_path, vars_yaml)
    return json.dumps(dbt_vars, default=str) if dbt_vars else None


def start_in_group(
    root: Path, arguments: list[str], cwd: Path, env: dict[str, str]
) -> subprocess.Popen:
    """`python arguments` in its own process group, its output in files in `root`
    (publish-<n>.out and .err), which `finish` reads back."""
    root.mkdir(parents=True, exist_ok=True)
    number = len(list(root.glob("publish-*.out")))
    process = subprocess.Popen(
        [sys.executable, *arguments],
        cwd=cwd,
        env=env,
        stdout=open(root / f"publish-{number}.out", "w"),  # noqa: SIM115
        stderr=open(root / f"publish-{number}.err", "w"),  # noqa: SIM115
        start_new_session=True,
    )
    process.output_files = (root / f"publish-{number}.out", root / f"publish-{number}.err")
    return process


def finish(process: subprocess.Popen, timeout: float = 900) -> tuple[int, str, str]:
    """Waits for a refresh; its exit code, output and error output."""
    process.wait(timeout=timeout)
    out, err = (path.read_text() for path in process.output_files)
    return process.returncode, out, err


def run_publish(
    root: Path, *args: str, project_dir: Path = PROJECT_DIR, unit_tests: bool = False
):
    return finish(start_publish(root, *args, project_dir=project_dir, unit_tests=unit_tests))


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def publication_state(root: Path) -> tuple[str, str]:
    """The publication's bytes and its export manifest, as they are now."""
    return file_digest(root / PUBLICATION), (root / EXPORTS / "manifest.json").read_text()


def copy_publication(source: Path, root: Path, legacy: bool = False) -> None:
    """A folder that starts with the publication of `source`: its folder as it is (the
    links kept as links), or, with `legacy`, laid out as earlier versions did (a file
    and a folder of exports, no links)."""
    if legacy:
        (root / "pub").mkdir(parents=True)
        shutil.copy2(source / PUBLICATION, root / PUBLICATION)
        shutil.copytree(source / EXPORTS, root / EXPORTS)
    else:
        shutil.copytree(source / "pub", root / "pub", symlinks=True)


def copy_work(source: Path, root: Path) -> None:
    """The work database and dbt's target of `source` copied into `root` (replacing
    root's), as a finished build leaves them: what publish_again publishes."""
    for part in ("build", "target"):
        shutil.rmtree(root / part, ignore_errors=True)
        shutil.copytree(source / part, root / part)


def in_place(root: Path) -> tuple[str, dict[str, int]]:
    """Checks that the publication's name and the exports' name show ONE whole pair and
    returns its publication id (from manifest.json, 'legacy' without one) and the row
    count of every mart as the database has it; fails when the database and the exports
    come from different publications."""
    manifest = json.loads((root / EXPORTS / "manifest.json").read_text())
    tables = read_marts(root / PUBLICATION)
    exported = {f"marts.{name}": mart["rows"] for name, mart in manifest["marts"].items()}
    assert tables == exported, "the database and the exports are not one publication"
    if (root / PUBLICATION).is_symlink() and (root / EXPORTS).is_symlink():
        # both names lead into one complete folder
        folder = (root / PUBLICATION).resolve().parent
        assert folder.parent.name == "ecommerce_behavior.publications"
        assert (root / EXPORTS).resolve() == folder / "exports"
        assert (folder / ".complete").is_file()
    return manifest.get("publication_id", "legacy"), tables


def kill_group(process: subprocess.Popen) -> None:
    """kill -9 of the refresh and its dbt (its own process group)."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=60)


def read_marts(path: Path) -> dict[str, int]:
    """Opens the publication read-only in a new process, as a BI tool would, and
    returns every table's row count (`schema.table`)."""
    script = textwrap.dedent(
        """
        import json, sys, duckdb
        con = duckdb.connect(sys.argv[1], read_only=True)
        tables = con.execute(
            "select table_schema || '.' || table_name from information_schema.tables"
        ).fetchall()
        print(json.dumps({t: con.execute(f"select count(*) from {t}").fetchone()[0]
                          for (t,) in tables}))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(path)], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out)


STEP_RUNNER = textwrap.dedent(
    """
    # scripts/publish.py's main() with dbt's build skipped: the work database and target
    # of the folder are published again. argv: scripts folder, then `ok` (followed by
    # publish.py's own arguments, if any), `hold FILE` (the same, its build printing the
    # time it started and lasting until FILE exists), `fail` (the audit finds a failure) or
    # `crash FUNCTION N before|after` (SIGKILL just before or just after the N-th call
    # of publish.FUNCTION, or of os.FUNCTION when FUNCTION is replace or rename)
    import os, signal, sys, time
    sys.path.insert(0, sys.argv[1])
    import publish
    mode = sys.argv[2]
    publish.run_build = lambda *args, **kwargs: 0
    if mode == "hold":
        release = sys.argv[3]
        def held_build(*args, **kwargs):
            print(f"build started at {time.time()}", flush=True)
            while not os.path.exists(release):
                time.sleep(0.01)
            return 0
        publish.run_build = held_build
    audit = publish.audit_build
    if mode == "fail":
        publish.audit_build = lambda *args: (["planted failure"], {})
    else:
        publish.audit_build = lambda code, target, started: audit(code, target, 0)
    if mode == "crash":
        name, number, when = sys.argv[3], int(sys.argv[4]), sys.argv[5]
        owner = os if name in ("replace", "rename") else publish
        original, calls = getattr(owner, name), []
        def crashing(*args, **kwargs):
            calls.append(1)
            if len(calls) == number and when == "before":
                os.kill(os.getpid(), signal.SIGKILL)
            result = original(*args, **kwargs)
            if len(calls) == number and when == "after":
                os.kill(os.getpid(), signal.SIGKILL)
            return result
        setattr(owner, name, crashing)
    arguments = {"ok": sys.argv[3:], "hold": sys.argv[4:]}.get(mode, [])
    sys.exit(publish.main(arguments))
    """
)


def start_publish_again(root: Path, *mode: str, env: dict | None = None) -> subprocess.Popen:
    """STEP_RUNNER started in `root` (whose work database and target a real build made),
    in its own process group as start_publish, with `env` added to its environment."""
    return start_in_group(
        root, ["-c", STEP_RUNNER, str(PROJECT_DIR / "scripts"), *mode], PROJECT_DIR,
        {**publish_env(root), **(env or {})},
    )


def publish_again(root: Path, *mode: str, env: dict | None = None) -> tuple[int, str]:
    """Runs STEP_RUNNER in `root` (start_publish_again) to its end; its exit code (-9
    when it crashed) and its output."""
    code, out, err = finish(start_publish_again(root, *mode, env=env), timeout=300)
    return code, out + err
