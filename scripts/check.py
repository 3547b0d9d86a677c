"""`make check`: the feedback of a change in well under a minute, without building
anything (docs/testing.md, "The loops"). Three things run side by side:

- the parse-level tests (`pytest -m check`): one `dbt parse`, then the contracts against
  the published interface, the generated files up to date (scripts/generate.py), every
  model, column, source, var and macro described, the layout rules, the links;
- sqlfluff on the SQL files changed since the branch left main (and not committed yet);
- ruff on every Python file.

Exit status 0 when all pass. What is not covered here (the data, the unit tests, the
marts against their references) is `make test`'s job.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
LINTED_SQL_FOLDERS = ("models", "analyses", "tests")  # those of `make lint`


def git_lines(*args: str) -> list[str]:
    result = subprocess.run(["git", *args], cwd=PROJECT_DIR, capture_output=True, text=True)
    return result.stdout.split() if result.returncode == 0 else []


def changed_sql_files() -> list[str]:
    """The .sql files of the linted folders that differ from where the branch left main
    (committed or not), and the new ones not yet added; all of them when there is no main."""
    base = git_lines("merge-base", "HEAD", "main")
    if not base:
        return list(LINTED_SQL_FOLDERS)
    changed = set(git_lines("diff", "--name-only", base[0]))
    changed |= set(git_lines("ls-files", "--others", "--exclude-standard"))
    return sorted(
        path for path in changed
        if path.endswith(".sql") and path.split("/")[0] in LINTED_SQL_FOLDERS
        and (PROJECT_DIR / path).exists()
    )


def main() -> int:
    started = time.monotonic()
    sql = changed_sql_files()
    steps = {
        "parse-level tests": [str(BIN / "python"), "-m", "pytest", "-q", "-m", "check",
                              "-p", "no:cacheprovider"],
        "ruff": [str(BIN / "ruff"), "check", "scripts", "tests"],
    }
    if sql:
        steps[f"sqlfluff ({len(sql)} changed file(s))"] = [str(BIN / "sqlfluff"), "lint", *sql]
    running = {name: subprocess.Popen(command, cwd=PROJECT_DIR)
               for name, command in steps.items()}
    failed = [name for name, process in running.items() if process.wait() != 0]
    seconds = time.monotonic() - started
    if not sql:
        print("check: no changed SQL file to lint")
    if failed:
        print(f"check: FAILED ({', '.join(failed)}) in {seconds:.0f} s", file=sys.stderr)
        return 1
    print(f"check: passed in {seconds:.0f} s ({', '.join(steps)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
