"""The benchmark's harness: run one command and measure it, on this machine.

A command runs in the project folder with its output kept; measured are its wall time, the
peak resident memory of its process tree (sampled every 50 ms) and the peak disk used under a
folder (sampled every second, and once at the end). A process tree past a memory cap is
killed before the machine runs out of memory (MemoryCapExceeded); a command that exits with an
error raises CommandFailed with its first error line. A DuckDB spill folder is removed and the
files left in it are named. Also the facts of the machine, for the results.

It knows nothing of tiers, dbt or results.md: what is run is bench_measures.py's, what is
written bench_report.py's (scripts/bench.py ties them together).
"""

from __future__ import annotations

import contextlib
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import psutil

PROJECT_DIR = Path(__file__).resolve().parents[1]
MEMORY_SAMPLE_SECONDS = 0.05
DISK_SAMPLE_SECONDS = 1.0  # a walk of the tier folder costs more than a look at the processes


@dataclass
class Run:
    """What one run of a command measured."""

    seconds: float = 0.0
    peak_bytes: int = 0
    peak_disk_bytes: int = 0
    output: str = ""
    spill_left: list[str] = field(default_factory=list)  # left by DuckDB, then removed


@dataclass
class Measure:
    """Wall times, peak memory and peak disk of repeated runs of one command."""

    name: str
    seconds: list[float] = field(default_factory=list)
    peak_bytes: list[int] = field(default_factory=list)
    peak_disk_bytes: list[int] = field(default_factory=list)
    spill_left: list[str] = field(default_factory=list)
    output: str = ""
    failure: str | None = None  # e.g. out of memory: no time to report

    @property
    def median_seconds(self) -> float:
        return statistics.median(self.seconds)

    @property
    def peak_mib(self) -> float:
        return max(self.peak_bytes) / 2**20

    @property
    def peak_disk_gib(self) -> float:
        return max(self.peak_disk_bytes) / 2**30

    def record_peaks(self, run: Run) -> None:
        """Keep a run's peaks and spill leftovers, whether or not it finished."""
        self.peak_bytes.append(run.peak_bytes)
        self.peak_disk_bytes.append(run.peak_disk_bytes)
        self.spill_left += run.spill_left


class CommandStopped(Exception):
    """The command did not finish normally; `run` holds what was measured until then."""

    def __init__(self, message: str, run: Run):
        super().__init__(message)
        self.run = run

    def failure(self) -> str:
        """The failure, as the results table says it."""
        return f"failed: {self}"


class CommandFailed(CommandStopped):
    """The command exited with an error; the message is its first error line."""


class MemoryCapExceeded(CommandStopped):
    """The command's process tree went past the memory cap and was stopped."""

    def __init__(self, run: Run):
        super().__init__(
            f"stopped at {run.peak_bytes / 2**30:.1f} GiB after {run.seconds:.0f} s", run
        )

    def failure(self) -> str:
        return f"out of memory ({self})"


def disk_used(folder: Path) -> int:
    """Bytes on disk of the files under folder (links are not followed)."""
    total = 0
    for root, _, files in os.walk(folder):
        for name in files:
            with contextlib.suppress(OSError):  # a spill file may go while we walk
                total += os.lstat(os.path.join(root, name)).st_blocks * 512
    return total


def tree_rss(process: psutil.Process) -> int:
    """The resident memory of a process and all its children, in bytes."""
    try:
        tree = [process] + process.children(recursive=True)
        return sum(p.memory_info().rss for p in tree if p.is_running())
    except psutil.Error:
        return 0


def kill_tree(process: psutil.Process) -> None:
    """Kill a process and all its children, and wait for it."""
    for child in process.children(recursive=True) + [process]:
        with contextlib.suppress(psutil.Error):
            child.kill()
    process.wait()


def run_measured(command: list[str], env: dict | None = None, memory_cap: int | None = None,
                 disk_folder: Path | None = None) -> Run:
    """Run a command; return its wall seconds, the peak RSS of its process tree, the
    peak disk used under disk_folder (if given) and its output.

    Memory is sampled every 50 ms, disk every second (and once at the end). With
    memory_cap (bytes), the process tree is killed when its RSS passes it
    (MemoryCapExceeded), before the machine runs out of memory."""
    run = Run()
    next_disk_sample = 0.0
    # output goes to a file: a pipe read only at the end would fill up and block
    with tempfile.TemporaryFile(mode="w+") as log:
        started = time.perf_counter()
        process = psutil.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, text=True,
            env={**os.environ, **(env or {})}, cwd=PROJECT_DIR,
        )
        while process.poll() is None:
            run.peak_bytes = max(run.peak_bytes, tree_rss(process))
            if disk_folder is not None and time.perf_counter() >= next_disk_sample:
                run.peak_disk_bytes = max(run.peak_disk_bytes, disk_used(disk_folder))
                next_disk_sample = time.perf_counter() + DISK_SAMPLE_SECONDS
            if memory_cap is not None and run.peak_bytes > memory_cap:
                kill_tree(process)
                run.seconds = time.perf_counter() - started
                raise MemoryCapExceeded(run)
            time.sleep(MEMORY_SAMPLE_SECONDS)
        run.seconds = time.perf_counter() - started
        if disk_folder is not None:
            run.peak_disk_bytes = max(run.peak_disk_bytes, disk_used(disk_folder))
        log.seek(0)
        run.output = log.read()
    if process.returncode != 0:
        lines = run.output.splitlines()
        errors = [line.strip() for line in lines if "Error" in line and "Runtime Error" not in line]
        print(f"bench: command failed ({process.returncode}): {' '.join(command)}\n"
              + "\n".join(lines[-30:]), flush=True)
        raise CommandFailed(errors[0] if errors else f"exit code {process.returncode}", run)
    return run


def remove_spill_folder(temp_dir: Path) -> list[str]:
    """Remove a DuckDB temp (spill) folder; return the files that were left in it."""
    left = [
        f"{path.relative_to(temp_dir)} ({path.stat().st_size / 2**30:.2f} GiB)"
        for path in sorted(temp_dir.rglob("*")) if path.is_file()
    ] if temp_dir.exists() else []
    shutil.rmtree(temp_dir, ignore_errors=True)
    return left


def machine_facts() -> dict:
    """The machine, versions and command line of this run, for the results."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "cpu": cpu,
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "command": shlex.join(["python", "scripts/bench.py", *sys.argv[1:]]),
    }
