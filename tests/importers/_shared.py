"""Helpers for the importer tests: where the real data is, importing into a temp landing, reading it back."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from cdp.importers import run_import
from cdp.landing import iter_json_lines, segment_dir

REPO = Path(__file__).resolve().parents[2]
# Real public datasets are laid beside the repo (never copied into it: their licences forbid that).
REAL_DATA = REPO / ".." / "shared" / "data" / "real"


def real_dataset(folder: str) -> Path:
    """Path of one real dataset folder; skips the calling module when it is not there."""
    path = REAL_DATA / folder
    if not path.exists():
        pytest.skip(
            f"real dataset {folder!r} not found at {path.resolve()} (shared/data/real is laid beside the "
            "repo on developer machines and in CI; these tests need it)",
            allow_module_level=True,
        )
    return path


class Landed:
    """One import into a temporary landing folder, read back."""

    def __init__(self, fmt: str, source: Path, landing: Path) -> None:
        self.landing = landing
        self.summary = run_import(fmt, source, landing)
        self.dir = segment_dir(landing, fmt)
        self.files = sorted(self.dir.iterdir())
        self.lines = [line for path in self.files for line in iter_json_lines(path)]
        self.messages: list[dict[str, Any]] = [json.loads(line) for line in self.lines]
        sha = hashlib.sha256()
        for path in self.files:
            sha.update(path.name.encode())
            sha.update(path.read_bytes())
        self.digest = sha.hexdigest()  # of the bytes as first written

    def by_type(self) -> dict[str, int]:
        return dict(Counter(m.get("type") for m in self.messages))

    def by_event(self) -> dict[str, int]:
        return dict(Counter(m["event"] for m in self.messages if m.get("type") == "track"))

    def tracks(self, event: str) -> list[dict[str, Any]]:
        return [m for m in self.messages if m.get("type") == "track" and m.get("event") == event]

    def duplicate_message_ids(self) -> int:
        ids = [m["messageId"] for m in self.messages if "messageId" in m]
        return len(ids) - len(set(ids))


def import_again_identical(fmt: str, source: Path, first: Landed, tmp: Path) -> bool:
    """Import the same export again into a fresh landing folder: the bytes must not change."""
    return Landed(fmt, source, tmp).digest == first.digest


def assert_valid_segment(message: dict[str, Any]) -> None:
    """The minimal Segment-spec contract every converted message must meet."""
    assert message["type"] in {"track", "page", "identify", "screen", "group", "alias"}, message
    assert isinstance(message["messageId"], str) and message["messageId"], message
    assert message.get("userId") or message.get("anonymousId"), message
    ts = message["timestamp"]
    assert ts.endswith("Z") and "T" in ts, ts
    assert isinstance(message.get("context"), dict), message
    if message["type"] == "track":
        assert isinstance(message["event"], str) and message["event"], message
        assert isinstance(message["properties"], dict), message
    if message["type"] == "identify":
        assert isinstance(message["traits"], dict), message
