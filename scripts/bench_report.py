"""The benchmark's results: results.md (the table, the Targets, the Checks) and results.png.

It reads the tiers measured by bench_measures.py (measure_tier's dicts of Measures) and runs
nothing.
"""

from __future__ import annotations

from pathlib import Path

from bench_harness import Measure
from bench_measures import EVENTS_PER_CUSTOMER, LARGE_TIER, MAX_CUSTOMERS

INCREMENTAL_TARGET = 0.20  # an incremental run after one more day, share of a full build
FLOOR_TARGET = 2  # the clickstream build, times the floor


def seconds_cell(m: Measure) -> str:
    """The median seconds of a measure, or its failure."""
    return m.failure if m.failure else f"{m.median_seconds:.1f}"


def incremental_target(r: dict, target_here: bool) -> str:
    """The target row of a tier's incremental run: its share of a full build of the same
    data, against the target (set at the 10M tier; measured against it elsewhere)."""
    inc = r["incremental"]
    what = (f"incremental run at most {INCREMENTAL_TARGET:.0%} of the full build" if target_here
            else f"incremental run, share of the full build (the {INCREMENTAL_TARGET:.0%} "
                 "target is set at 10M)")
    label = f"| {r['events']:,} events + 1 day: {what} |"
    failed = inc["incremental"].failure or inc["full"].failure
    if failed:
        return f"{label} {failed} | no |"
    share = inc["incremental"].median_seconds / inc["full"].median_seconds
    nothing_new = inc["nothing_new"]
    fixed = (f"{nothing_new.median_seconds:.1f} s = "
             f"{nothing_new.median_seconds / inc['full'].median_seconds:.0%}"
             if nothing_new.failure is None else nothing_new.failure)
    return (
        f"{label} {inc['incremental'].median_seconds:.1f} s vs "
        f"{inc['full'].median_seconds:.1f} s = {share:.0%} (a run with nothing new: "
        f"{fixed}) | {'yes' if share <= INCREMENTAL_TARGET else 'no'} |"
    )


def family_targets(big: dict) -> list[str]:
    """The target rows measured on the 10M tier (or the largest tier up to 10M)."""
    lines: list[str] = []
    click, floor, peer = big["clickstream"], big["floor"], big["peer"]
    ratio = click.median_seconds / floor.median_seconds
    lines.append(
        f"| {big['events']:,} events: clickstream build within {FLOOR_TARGET}x of the floor | "
        f"{ratio:.2f}x | {'yes' if ratio <= FLOOR_TARGET else 'no'} |"
    )
    lines.append(
        f"| {big['events']:,} events: clickstream build under 4 GB peak, DuckDB memory limit "
        f"{big['memory_limit']} | {click.peak_mib:,.0f} MiB | "
        f"{'yes' if click.peak_mib < 4096 else 'no'} |"
    )
    faster = peer.failure is not None or click.median_seconds < peer.median_seconds
    lines.append(
        f"| {big['events']:,} events: clickstream build faster than the pandas peer | "
        f"{click.median_seconds:.1f} s vs {seconds_cell(peer)} s | "
        f"{'yes' if faster else 'no'} |"
    )
    if big["incremental"]:
        lines.append(incremental_target(big, target_here=True))
    gen = big["generation_seconds"]
    lines.append(
        f"| generator: {big['events']:,} events in about a minute | {gen:.1f} s | "
        f"{'yes' if gen <= 90 else 'no'} |"
    )
    return lines


def large_targets(r: dict, big: dict | None) -> list[str]:
    """The target rows of a tier above 10M: the build, and the incremental run."""
    full = r["full"]
    growth = (
        f"; {full.median_seconds / big['full'].median_seconds:.1f}x the time of "
        f"{big['events']:,} for {r['events'] / big['events']:.0f}x the events"
        if full.failure is None and big is not None and big["full"].failure is None else ""
    )
    lines = [
        f"| {r['events']:,} events: builds without running out of memory, time "
        f"roughly linear | {full.failure or f'{full.median_seconds:.0f} s'}, "
        f"{full.peak_mib:,.0f} MiB peak{growth} | {'yes' if full.failure is None else 'no'} |"
    ]
    if r["incremental"]:
        lines.append(incremental_target(r, target_here=False))
    return lines


def tier_measures(r: dict) -> list[Measure]:
    """Every measure of a tier, in the order of the results table."""
    measures = [r[k] for k in ("full", "clickstream", "floor", "peer") if r[k] is not None]
    if r["incremental"]:
        measures += [r["incremental"][k] for k in ("incremental", "nothing_new", "full")]
    return measures


def check_lines(r: dict) -> list[str]:
    """The Checks of a tier: KPI agreement, memory limit, spill files, incremental marts."""

    def said(value):
        return "not run" if value is None else ("yes" if value else "NO")

    agreement = r["agreement"]
    spill = [f"{m.name}: {', '.join(m.spill_left)}" for m in tier_measures(r) if m.spill_left]
    lines = [
        f"- {r['events']:,} events: the floor's KPIs equal the build's funnel_kpis: "
        f"{said(agreement['floor'])}; the peer's: {said(agreement['peer'])}; "
        f"generation {r['generation_seconds']:.1f} s; DuckDB memory limit "
        f"{r['memory_limit']}; spill files left after the builds and the floor: "
        f"{'; '.join(spill) + ' (removed)' if spill else 'none'}."
    ]
    if r["incremental"]:
        n = r["incremental"]["differing_mart_rows"]
        equal = ("not compared (a build failed)" if n is None
                 else "yes" if n == 0 else f"NO ({n} rows differ)")
        lines.append(
            f"- {r['events']:,} events + 1 day: the incremental run's marts equal the "
            f"full build's: {equal}; it kept dbt's partial parse (same vars, database and "
            f"target folder as the build before it): "
            f"{'yes' if r['incremental']['partial_parse'] else 'NO'}."
        )
    return lines


def write_results(results: list[dict], facts: dict, results_dir: Path) -> None:
    """Write results.md and results.png into results_dir, and print results.md."""
    results_dir.mkdir(parents=True, exist_ok=True)
    runs_note = ", ".join(f"{r['events']:,} events: {r['runs']}" for r in results)
    lines = [
        "# Benchmark results",
        "",
        f"Measured by `{facts['command']}` on {facts['cores']} cores, "
        f"{facts['memory_gib']} GiB, {facts['cpu']}; Python {facts['python']}, "
        f"DuckDB {facts['duckdb']}. Medians of the runs per tier ({runs_note}); peak "
        "memory is the whole process tree (dbt and DuckDB, or the script), sampled every "
        "50 ms; peak disk is everything under the tier's folder (raw data, databases, "
        "DuckDB spill files), sampled every second. Builds are production builds: models "
        "and data tests, unit tests excluded (`--exclude-resource-type unit_test`: their "
        "input is fixed, so they are run by CI, not per data size). The builds and the "
        "floor run with the same DuckDB memory limit (`DUCKDB_MEMORY_LIMIT`): "
        "`--small-memory-limit` (default 3GB) on tiers up to 10M events; above, "
        "`--large-memory-limit` if given, otherwise the caller's `DUCKDB_MEMORY_LIMIT`, "
        "otherwise the profile's default; the limit of each tier is under Checks. "
        "Raw data: generator output, `--messiness light`, parquet; "
        f"commerce scaled at one customer per {EVENTS_PER_CUSTOMER} events (at most "
        f"{MAX_CUSTOMERS:,}, the generator's id space). The machine is "
        "shared: compare ratios measured in the same run rather than absolute seconds.",
        "",
        "| events | measure | median s | rows/s | peak MiB | peak disk GiB | vs floor |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        floor_s = r["floor"].median_seconds if not r["floor"].failure else None
        for m in tier_measures(r):
            ok = m.failure is None
            rate = f"{r['events'] / m.median_seconds:,.0f}" if ok else "-"
            versus = f"{m.median_seconds / floor_s:.2f}x" if ok and floor_s else "-"
            lines.append(
                f"| {r['events']:,} | {m.name} | {seconds_cell(m)} | {rate} | "
                f"{m.peak_mib:,.0f} | {m.peak_disk_gib:,.2f} | {versus} |"
            )
    lines += ["", "## Targets", "", "| target | measured | met |", "|---|---|---|"]
    with_family = [r for r in results if r["clickstream"] is not None]
    big = next((r for r in results if r["events"] == LARGE_TIER),
               max(with_family, key=lambda r: r["events"]) if with_family else None)
    if big is not None:
        lines += family_targets(big)
    for r in results:
        if r["events"] > LARGE_TIER:
            lines += large_targets(r, big)
    lines += ["", "## Checks", ""]
    for r in results:
        lines += check_lines(r)
    (results_dir / "results.md").write_text("\n".join(lines) + "\n")
    plot(results, results_dir)
    print("\n".join(lines))


def plot_series(results: list[dict]) -> list[tuple[str, str, list[tuple[int, float]]]]:
    """The lines of results.png: (label, matplotlib style, (events, median seconds))
    for each measure that finished on at least one tier."""
    measures = {
        "o-": [r["full"] for r in results],
        "s-": [r["clickstream"] for r in results],
        "^--": [r["floor"] for r in results],
        "v:": [r["peer"] for r in results],
        "D-": [r["incremental"] and r["incremental"]["incremental"] for r in results],
    }
    series = []
    for style, per_tier in measures.items():
        points = [(r["events"], m.median_seconds) for r, m in zip(results, per_tier, strict=True)
                  if m is not None and m.failure is None]
        if points:
            series.append((next(m.name for m in per_tier if m is not None), style, points))
    return series


def plot(results: list[dict], results_dir: Path) -> None:
    """results.png: the median seconds of each measure against the events, log-log."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for label, style, points in plot_series(results):
        ax.plot(*zip(*points, strict=True), style, label=label)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("events")
    ax.set_ylabel("seconds (median)")
    ax.set_title("ecommerce_behavior: build time vs events")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(results_dir / "results.png", dpi=120)
