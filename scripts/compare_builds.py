"""Prove that two revisions of the project build identical marts.

For a behaviour-preserving restructure: builds BASE_REV and NEW_REV (default: the
working tree, uncommitted changes included) on the same datasets, then checks, per
dataset, that schema `marts` holds the same tables, with the same columns and types
in the same order, and the same rows as multisets (EXCEPT ALL both ways, so a
duplicated row or a double changed in its last bit counts).

Usage:
    .venv/bin/python scripts/compare_builds.py BASE_REV [NEW_REV]
        [--datasets committed_sample,ecomgen_sample,light_s1,light_s2,heavy_s1,heavy_s2]
        [--workdir DIR] [--keep]

Datasets: committed_sample (no vars: data/sample, or the seeds of older revisions),
ecomgen_sample (commerce only) and generator output (600 customers, 40,000 events;
messiness light/heavy x seed 1/2), generated once by the new tree's generator and read
by both trees through raw_path.
Builds run one after the other with `dbt build --exclude-resource-type unit_test`,
each into its own folder <workdir>/<base|new>/<dataset>/. A revision is copied to
<workdir>/src/ (git archive), removed at the end unless --keep; without --workdir the
whole temporary folder is removed too (unless --keep).

Exit status: 0 all identical, 1 differences, 2 a build (or the generator) failed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

PROJECT_DIR = Path(__file__).resolve().parents[1]
DBT = PROJECT_DIR / ".venv" / "bin" / "dbt"
GENERATED = {f"{m}_s{s}": (m, s) for m in ("light", "heavy") for s in (1, 2)}
DATASETS = ["committed_sample", "ecomgen_sample", *GENERATED]


@dataclass
class MartDiff:
    """How one mart compares between database a (base) and database b (new)."""

    mart: str
    rows_a: int | None  # None: the mart is missing on that side
    rows_b: int | None
    differing_rows: int | None = None  # EXCEPT ALL both ways; None: not compared
    column_note: str = ""  # empty when names and types match, in order

    @property
    def identical(self) -> bool:
        return self.differing_rows == 0 and not self.column_note and self.rows_a == self.rows_b

    def describe(self) -> str:
        if self.identical:
            return "identical"
        if self.rows_a is None or self.rows_b is None:
            return f"DIFFERENT (missing in {'a' if self.rows_a is None else 'b'})"
        notes = [f"{self.differing_rows} rows" if self.differing_rows is not None
                 else "rows not compared"]
        if self.rows_a != self.rows_b:
            notes.append(f"row count {self.rows_a} vs {self.rows_b}")
        if self.column_note:
            notes.append(f"columns {self.column_note}")
        return f"DIFFERENT ({', '.join(notes)})"


def compare_marts(db_a: Path, db_b: Path, schema: str = "marts") -> list[MartDiff]:
    """Compare every table of `schema` in two DuckDB files (attached read-only), by name."""
    with duckdb.connect() as con:
        cols: dict[str, dict[str, list[tuple[str, str]]]] = {"a": {}, "b": {}}
        for db, path in (("a", db_a), ("b", db_b)):
            con.execute(f"attach '{str(path).replace(chr(39), chr(39) * 2)}' as {db} (read_only)")
            for table, column, dtype in con.execute(
                "select table_name, column_name, data_type from information_schema.columns where"
                " table_catalog = ? and table_schema = ? order by table_name, ordinal_position",
                [db, schema],
            ).fetchall():
                cols[db].setdefault(table, []).append((column, dtype))

        def count(sql: str) -> int:
            return con.execute(f"select count(*) from ({sql})").fetchone()[0]

        diffs = []
        for mart in sorted(cols["a"].keys() | cols["b"].keys()):
            ca, cb = cols["a"].get(mart), cols["b"].get(mart)
            ta, tb = f'a.{schema}."{mart}"', f'b.{schema}."{mart}"'
            diff = MartDiff(mart, ca and count(f"from {ta}"), cb and count(f"from {tb}"))
            if ca and cb and ca != cb:
                only_a = ", ".join(f"{c} {t}" for c, t in ca if (c, t) not in cb) or "-"
                only_b = ", ".join(f"{c} {t}" for c, t in cb if (c, t) not in ca) or "-"
                diff.column_note = (f"a: {only_a} / b: {only_b}" if only_a + only_b != "--"
                                    else "order")
            elif ca and cb:  # same columns: compare the rows as multisets
                diff.differing_rows = count(
                    f"(select * from {ta} except all select * from {tb}) union all"
                    f" (select * from {tb} except all select * from {ta})")
            diffs.append(diff)
        return diffs


class StepFailed(Exception):
    """A build, the generator or git failed; the message ends with its last output lines."""


def run(cmd: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> str:
    """Run a command and return its stdout; on failure raise StepFailed."""
    proc = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-30:])
        raise StepFailed(f"`{' '.join(cmd[:3])} ...` failed (exit {proc.returncode}):\n{tail}")
    return proc.stdout.strip()


def git(*args: str) -> str:
    return run(["git", *args], cwd=PROJECT_DIR)


def checkout(rev: str, dest: Path) -> Path:
    """A throwaway copy of `rev`. `git archive` + `tar -x` rather than `git worktree add`:
    it only reads the repository (no worktree entry written to .git, none left behind
    if this script is killed) and the copy is a plain folder, deleted like any other."""
    dest.mkdir(parents=True)
    git("archive", "--format=tar", "-o", str(dest / "rev.tar"), rev)
    run(["tar", "-xf", str(dest / "rev.tar"), "-C", str(dest)])
    (dest / "rev.tar").unlink()
    return dest


def dbt_build(tree: Path, out: Path, dbt_vars: dict) -> float:
    """`dbt build` of `tree` into a fresh folder `out`; returns the seconds it took."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    # DUCKDB_PATH: the build database of commits before publishing existed
    env = {**os.environ, "DUCKDB_BUILD_PATH": str(out / "warehouse.duckdb"),
           "DUCKDB_PATH": str(out / "warehouse.duckdb"),
           "DUCKDB_TEMP_DIRECTORY": str(out / "duckdb_tmp"), "DBT_PROFILES_DIR": str(tree),
           "DO_NOT_TRACK": "1", "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    start = time.monotonic()
    run([str(DBT), "build", "--project-dir", str(tree), "--profiles-dir", str(tree),
         "--target", "duckdb", "--target-path", str(out / "target"),
         "--log-path", str(out / "logs"),
         "--no-partial-parse", "--exclude-resource-type", "unit_test",
         "--vars", json.dumps(dbt_vars)], env, cwd=tree)
    return time.monotonic() - start


def dataset_vars(name: str, new_tree: Path, data_dir: Path) -> dict:
    if name == "committed_sample":
        return {}
    if name == "ecomgen_sample":
        sample = new_tree / "tests" / "data" / "ecomgen_sample"
        if not sample.is_dir():  # a new revision from before the sample was committed
            sample = PROJECT_DIR / "tests" / "data" / "ecomgen_sample"
        return {"raw_path": str(sample), "enable_events": False}
    messiness, seed = GENERATED[name]
    raw = data_dir / name
    shutil.rmtree(raw, ignore_errors=True)
    run([sys.executable, str(new_tree / "scripts" / "generate_data.py"), "--out", str(raw),
         "--customers", "600", "--events", "40000", "--seed", str(seed), "--messiness", messiness])
    return {"raw_path": str(raw)}


def describe_rev(rev: str | None) -> str:
    if rev is not None:
        return f"{rev} ({git('rev-parse', '--short', rev)})"
    dirty = " + working tree changes" if git("status", "--porcelain") else ""
    return f"working tree ({git('rev-parse', '--short', 'HEAD')}{dirty})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base_rev")
    parser.add_argument("new_rev", nargs="?", help="default: the working tree")
    parser.add_argument("--datasets", default=",".join(DATASETS), help="comma-separated")
    parser.add_argument("--workdir", type=Path, help="default: a temporary folder")
    parser.add_argument("--keep", action="store_true", help="keep the tree copies and temp folder")
    args = parser.parse_args(argv)
    datasets = [d.strip() for d in args.datasets.split(",") if d.strip()]
    if unknown := sorted(set(datasets) - set(DATASETS)):
        parser.error(f"unknown datasets {unknown}; choose from {DATASETS}")

    workdir = (args.workdir or Path(tempfile.mkdtemp(prefix="compare_builds_"))).resolve()
    copies = workdir / "src"
    shutil.rmtree(copies, ignore_errors=True)
    results: dict[str, list[MartDiff]] = {}
    try:
        print(f"base: {describe_rev(args.base_rev)}\nnew:  {describe_rev(args.new_rev)}",
              flush=True)
        trees = {"base": checkout(args.base_rev, copies / "base"),
                 "new": checkout(args.new_rev, copies / "new") if args.new_rev else PROJECT_DIR}
        for i, name in enumerate(datasets, 1):
            dbt_vars = dataset_vars(name, trees["new"], workdir / "data")
            for tree in ("base", "new"):
                print(f"[{i}/{len(datasets)}] {name}: dbt build of {tree} ...", end=" ",
                      flush=True)
                seconds = dbt_build(trees[tree], workdir / tree / name, dbt_vars)
                print(f"{seconds:.0f} s", flush=True)
            results[name] = compare_marts(workdir / "base" / name / "warehouse.duckdb",
                                          workdir / "new" / name / "warehouse.duckdb")
    except StepFailed as failure:
        print(f"FAILED\ncompare_builds: {failure}", flush=True)
        return 2
    finally:
        if not args.keep:
            shutil.rmtree(copies, ignore_errors=True)
            if args.workdir is None:
                shutil.rmtree(workdir, ignore_errors=True)

    marts = sorted({d.mart for diffs in results.values() for d in diffs})
    width = max(map(len, ["mart", *marts]))
    print(f"\n{'dataset':<17} {'mart':<{width}} {'rows':>7}  result (a = base, b = new)")
    for name, diffs in results.items():
        for d in diffs:
            rows = d.rows_a if d.rows_a is not None else d.rows_b
            print(f"{name:<17} {d.mart:<{width}} {rows:>7}  {d.describe()}")
        if not diffs:  # nothing compared proves nothing
            print(f"{name:<17} {'(no marts)':<{width}} {0:>7}  "
                  "DIFFERENT (no tables in schema marts)")
    different = sum(not d.identical for diffs in results.values() for d in diffs)
    different += sum(not diffs for diffs in results.values())
    if different:
        print(f"compare_builds: {different} differences")
        return 1
    compared = sum(map(len, results.values()))
    print(f"compare_builds: {len(marts)} marts x {len(results)} datasets identical"
          f" ({compared} mart comparisons; a dataset without events has no clickstream marts)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
