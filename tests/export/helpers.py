from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path

from cdp.export import run_export

BOM = b"\xef\xbb\xbf"


def export(warehouse: Path, out: Path, destination: str, *, minute: int = 0, **kwargs):
    kwargs.setdefault("audience", "vip")
    return run_export(
        warehouse=warehouse,
        destination=destination,
        out_dir=out,
        now=datetime(2026, 12, 1, 9, minute),
        **kwargs,
    )


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    raw = Path(path).read_bytes()
    assert not raw.startswith(BOM), f"{path.name} starts with a byte-order mark"
    text = raw.decode("utf-8")  # raises when not UTF-8
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = list(reader)
    header = rows[0]
    return header, [dict(zip(header, row, strict=True)) for row in rows[1:]]


def file_of(result, kind: str) -> Path:
    matches = [Path(f["path"]) for f in result.manifest["files"] if f["kind"] == kind]
    assert len(matches) == 1, f"no {kind} file in {result.manifest['files']}"
    return matches[0]
