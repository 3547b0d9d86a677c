"""The benchmark's peer: the funnel KPIs in pandas, the way a typical notebook does it.

Reads the raw events, drops duplicates and invalid prices, parses times, and
computes the headline funnel KPIs (users, sessions, events by type, revenue,
viewers, cart users, purchasers). No strict funnel, no sessionisation of empty
sessions, no tests: only the KPIs, which is what most analysts would compute
instead of using the project.

Usage: python scripts/bench_peer.py --raw-path DIR
Prints the KPIs as one JSON line.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd


def load(raw_path: Path) -> pd.DataFrame:
    parquet, csv = raw_path / "events.parquet", raw_path / "events.csv"
    if parquet.exists():
        return pd.read_parquet(parquet)
    if csv.exists():
        return pd.read_csv(csv, dtype=str, keep_default_na=False)
    raise SystemExit(f"bench_peer: no events.parquet or events.csv in {raw_path}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw-path", required=True, type=Path)
    args = parser.parse_args()

    events = load(args.raw_path).drop_duplicates()
    events["price"] = pd.to_numeric(events["price"], errors="coerce")
    events = events[events["price"] > 0]
    events["event_time"] = pd.to_datetime(
        events["event_time"].str.removesuffix(" UTC"), errors="coerce"
    )
    events = events.dropna(subset=["event_time"])
    events["event_type"] = events["event_type"].str.strip().str.lower()

    by_type = events["event_type"].value_counts()
    users = events.groupby("user_id")["event_type"].agg(set)
    purchases = events[events["event_type"] == "purchase"]
    kpis = {
        "total_users": float(events["user_id"].nunique()),
        "total_sessions": float(
            events[["user_id", "user_session"]].drop_duplicates().shape[0]
        ),
        "view_events": float(by_type.get("view", 0)),
        "cart_events": float(by_type.get("cart", 0)),
        "purchase_events": float(by_type.get("purchase", 0)),
        "revenue": float(purchases["price"].sum()),
        "viewers": float(users.map(lambda s: "view" in s).sum()),
        "cart_users": float(users.map(lambda s: "cart" in s).sum()),
        "purchasers": float(users.map(lambda s: "purchase" in s).sum()),
    }
    print(json.dumps(kpis))
    return 0


if __name__ == "__main__":
    sys.exit(main())
