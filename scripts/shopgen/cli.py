"""Command-line entry point of ``scripts/generate_data.py``."""

import os

from .options import build_parser, validate_arguments
from .pipeline import generate


def main(argv: list[str] | None = None) -> int:
    """Parse and check the arguments, generate the tables and print one line per file.

    Bad arguments and unwritable output folders exit with status 2 and an argparse error.
    """
    p = build_parser()
    a = p.parse_args(argv)
    try:
        validate_arguments(a.customers, a.events, a.seed, a.messiness, a.fmt, a.start_date, a.days)
    except ValueError as e:
        p.error(str(e))
    if os.path.exists(a.out) and not os.path.isdir(a.out):
        p.error(f"--out {a.out!r} exists and is not a directory")
    try:
        counts = generate(a.out, a.customers, a.events, a.seed, a.messiness, a.fmt,
                          a.start_date, a.days, a.daily_files, a.marketing)
    except OSError as e:
        p.error(f"cannot write to {a.out!r}: {e}")
    for name, n in counts.items():
        where = (os.path.join(a.out, name, f"<day>.{a.fmt}") if name == "events" and a.daily_files
                 else os.path.join(a.out, name + "." + a.fmt))
        print(f"{name}: {n} rows -> {where}")
    return 0
