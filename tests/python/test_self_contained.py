"""The repository needs nothing beside it: no tracked file points outside it, and
every relative link in its documents leads to a file that is in it."""

from __future__ import annotations

import os
import re
import subprocess

import pytest

from conftest import PROJECT_DIR

pytestmark = pytest.mark.check  # parse-level: run by `make check`

# Written in two pieces so that this file does not match itself.
OUTSIDE_FOLDER = ".." + "/shared"


def tracked_files() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=PROJECT_DIR, capture_output=True, check=True
    ).stdout.decode()
    files = [f for f in listed.split("\0") if f]
    assert len(files) > 100, "git ls-files found too few files: is this a git checkout?"
    return files


def test_no_tracked_file_points_outside_the_repository():
    offenders = []
    for name in tracked_files():
        path = PROJECT_DIR / name
        if not path.is_file():
            continue
        text = path.read_bytes().decode("utf-8", errors="replace")
        if OUTSIDE_FOLDER in text:
            offenders.append(name)
    assert not offenders, f"files that mention {OUTSIDE_FOLDER}: {offenders}"


def test_document_links_lead_to_files_in_the_repository():
    tracked = set(tracked_files())
    documents = [f for f in tracked if f.endswith(".md")]
    assert "README.md" in documents
    broken = []
    for name in documents:
        text = (PROJECT_DIR / name).read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+://|mailto:|#", target):
                continue
            resolved = ((PROJECT_DIR / name).parent / target.split("#")[0]).resolve()
            relative = os.path.relpath(resolved, PROJECT_DIR.resolve())
            inside = not relative.startswith("..")
            if not inside or (relative not in tracked and not resolved.is_dir()):
                broken.append(f"{name}: {target}")
    assert not broken, f"links to files that are not in the repository: {broken}"
