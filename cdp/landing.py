"""Writing Segment-spec messages into the landing zone as newline-delimited JSON.

Files are written under a temporary name outside the folder dbt reads and renamed into place
when complete, so a crash never leaves a partial file that the warehouse build would read.
"""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

SEGMENT_DIR = "segment"
_INCOMING_DIR = "_incoming"


def to_json_line(message: dict[str, Any]) -> str:
    """One message as one compact JSON line (UTF-8, no trailing newline)."""
    return json.dumps(message, ensure_ascii=False, separators=(",", ":"), default=str)


def segment_dir(landing_dir: Path, source_name: str) -> Path:
    """Folder for one source's Segment files: <landing>/segment/<source_name>/."""
    return Path(landing_dir) / SEGMENT_DIR / source_name


class LandingWriter:
    """Writes messages into numbered, gzip-compressed NDJSON files of at most `rows_per_file` lines.

    Use as a context manager; files appear in `<landing>/segment/<source_name>/` only when complete.
    """

    def __init__(
        self,
        landing_dir: Path,
        source_name: str,
        *,
        prefix: str = "part",
        rows_per_file: int = 500_000,
        compress: bool = True,
    ) -> None:
        self.landing_dir = Path(landing_dir)
        self.target_dir = segment_dir(self.landing_dir, source_name)
        self.incoming_dir = self.landing_dir / _INCOMING_DIR / source_name
        self.prefix = prefix
        self.rows_per_file = rows_per_file
        self.compress = compress
        self.files_written: list[Path] = []
        self.rows_written = 0
        self._file_index = 0
        self._rows_in_file = 0
        self._handle = None
        self._tmp_path: Path | None = None
        self._final_path: Path | None = None

    def __enter__(self) -> LandingWriter:
        self.target_dir.mkdir(parents=True, exist_ok=True)
        self.incoming_dir.mkdir(parents=True, exist_ok=True)
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self._close_current()
        else:  # never publish a partial file
            if self._handle is not None:
                self._handle.close()
                self._handle = None
            if self._tmp_path is not None and self._tmp_path.exists():
                self._tmp_path.unlink()

    def _open_next(self) -> None:
        self._file_index += 1
        suffix = ".jsonl.gz" if self.compress else ".jsonl"
        name = f"{self.prefix}-{self._file_index:05d}{suffix}"
        self._final_path = self.target_dir / name
        self._tmp_path = self.incoming_dir / (name + ".partial")
        if self.compress:
            # mtime=0 keeps gzip output byte-identical across runs (deterministic sample world)
            raw = open(self._tmp_path, "wb")  # noqa: SIM115
            self._handle = gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, compresslevel=5)
            self._raw = raw
        else:
            self._handle = open(self._tmp_path, "wb")  # noqa: SIM115
            self._raw = None
        self._rows_in_file = 0

    def _close_current(self) -> None:
        if self._handle is None:
            return
        self._handle.close()
        if self._raw is not None:
            self._raw.close()
        self._handle = None
        assert self._tmp_path is not None and self._final_path is not None
        os.replace(self._tmp_path, self._final_path)
        self.files_written.append(self._final_path)
        self._tmp_path = None

    def write_line(self, line: str) -> None:
        """Write one raw line (already serialised; may be deliberately malformed)."""
        if self._handle is None or self._rows_in_file >= self.rows_per_file:
            self._close_current()
            self._open_next()
        self._handle.write(line.encode("utf-8") + b"\n")
        self._rows_in_file += 1
        self.rows_written += 1

    def write(self, message: dict[str, Any]) -> None:
        self.write_line(to_json_line(message))

    def write_all(self, messages: Iterable[dict[str, Any]]) -> int:
        n = 0
        for message in messages:
            self.write(message)
            n += 1
        return n


def clear_source(landing_dir: Path, source_name: str) -> None:
    """Remove a source's landed files (used with --force so reruns are idempotent)."""
    target = segment_dir(landing_dir, source_name)
    if target.exists():
        for path in target.iterdir():
            if path.is_file():
                path.unlink()


def iter_json_lines(path: Path) -> Iterator[str]:
    """Lines of a landed file, plain or gzip."""
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            yield line.rstrip("\n")
