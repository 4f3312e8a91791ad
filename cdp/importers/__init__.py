"""`cdp import <format> <path>`: convert real exports into Segment-spec landing files.

Each format module exposes `iter_messages(path, report)`, a generator of Segment messages (dicts)
or of already-serialised lines (str, written as they are). `run_import` replaces the source's
landing files as a whole, so importing the same export twice gives the same files.
See docs/importers.md for the field-by-field mappings.
"""

from __future__ import annotations

import importlib
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from cdp.importers._common import ImporterError, ImportReport
from cdp.landing import _INCOMING_DIR, LandingWriter, clear_source, segment_dir

__all__ = ["FORMATS", "ImporterError", "run_import", "iter_format"]

Message = dict[str, Any] | str


def _loader(name: str) -> Callable[[Path, ImportReport], Iterator[Message]]:
    def load(path: Path, report: ImportReport) -> Iterator[Message]:
        module = importlib.import_module(f"cdp.importers.{name}")
        return module.iter_messages(path, report)

    return load


FORMATS: dict[str, Callable[[Path, ImportReport], Iterator[Message]]] = {
    name: _loader(name) for name in ("ga4", "rees46", "olist", "uci", "segment", "cdnow")
}

COMPETITOR_FORMATS = ("amazon_in", "tiki_shopee")

_SOURCE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def iter_format(fmt: str, path: Path, report: ImportReport | None = None) -> Iterator[Message]:
    """The messages one format produces for `path`, without writing anything (used by tests)."""
    key = fmt.strip().lower()
    if key not in FORMATS:
        raise ImporterError(f"Unknown import format {fmt!r}. Use one of: {', '.join(FORMATS)}")
    path = Path(path)
    if not path.exists():
        raise ImporterError(f"{path}: no such file or folder. Pass the {key} export's path")
    return FORMATS[key](path, report if report is not None else ImportReport())


def run_import(fmt: str, path: Path, landing: Path, source_name: str | None = None) -> str:
    """Convert `path` (format `fmt`) into gzip NDJSON under `<landing>/segment/<source_name>/`.

    The new files are written outside the folder the warehouse reads and replace the source's
    previous files only when the whole export converted: a failed import leaves the previous
    import untouched. Returns a short summary.
    """
    key = fmt.strip().lower()
    source = source_name or key
    if key in COMPETITOR_FORMATS:  # competitor scrapes land as CSV under competitors/, not as Segment messages
        return importlib.import_module(f"cdp.importers.{key}").run_import(Path(path), Path(landing), source)
    if not _SOURCE_NAME.match(source):
        raise ImporterError(
            f"Source name {source!r} is not a plain folder name. Use letters, digits, '_', '-' or '.'"
        )
    landing = Path(landing)
    report = ImportReport()
    messages = iter_format(key, path, report)  # checks format and path before anything is written
    staging = landing / _INCOMING_DIR / f"_import-{source}"
    shutil.rmtree(staging, ignore_errors=True)
    type_counts: dict[str, int] = {}
    try:
        with LandingWriter(staging, source, prefix=key) as writer:
            for message in messages:
                if isinstance(message, str):
                    writer.write_line(message)
                    kind = "raw line"
                else:
                    writer.write(message)
                    kind = str(message.get("type") or ("batch" if "batch" in message else "no type"))
                type_counts[kind] = type_counts.get(kind, 0) + 1
        clear_source(landing, source)  # re-import replaces, never adds
        target = segment_dir(landing, source)
        target.mkdir(parents=True, exist_ok=True)
        for written in writer.files_written:
            os.replace(written, target / written.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    total = sum(type_counts.values())
    by_type = ", ".join(f"{kind} {n:,}" for kind, n in sorted(type_counts.items()))
    lines = [
        f"{key}: {total:,} lines ({by_type}) from {report.rows:,} input rows in "
        f"{len(report.files)} file(s) -> {target} ({len(writer.files_written)} file(s))"
    ]
    if report.counts:
        lines.append("  " + ", ".join(f"{name}: {n:,}" for name, n in sorted(report.counts.items())))
    lines.extend(f"  note: {note}" for note in report.notes)
    return "\n".join(lines)
