"""Helpers shared by the importers: ids, time conversion, money, CSV reading with row-level errors."""

from __future__ import annotations

import csv
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

LIBRARY_NAME = "cdp-importer"
LIBRARY_VERSION = "0.1.0"

# Fixed namespace: message ids must never change between runs or machines.
_ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "cdp:importers:message-id:v1")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_CENT = Decimal("0.01")


class ImporterError(ValueError):
    """Input that cannot be converted. The message names the file, the row and what to do."""


def input_error(path: Path, where: str | None, problem: str, fix: str) -> ImporterError:
    location = f"{path}" + (f", {where}" if where else "")
    return ImporterError(f"{location}: {problem}. {fix}")


@dataclass
class ImportReport:
    """What an importer saw: counts for the summary line, plus free-text notes."""

    files: list[Path] = field(default_factory=list)
    rows: int = 0
    counts: Counter = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)


def deterministic_id(*parts: Any) -> str:
    """A UUID derived only from `parts` (UUIDv5): same input, same id, on every run."""
    text = "\x1f".join("" if part is None else str(part) for part in parts)
    return str(uuid.uuid5(_ID_NAMESPACE, text))


def library_context(fmt: str) -> dict[str, str]:
    return {"name": f"{LIBRARY_NAME}-{fmt}", "version": LIBRARY_VERSION}


# --- time -------------------------------------------------------------------------------------


def iso_utc(moment: datetime) -> str:
    """ISO-8601 UTC with a Z suffix; fractional seconds only when present (then 6 digits)."""
    moment = moment.astimezone(UTC)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if moment.microsecond:
        text += f".{moment.microsecond:06d}"
    return text + "Z"


def micros_to_iso(micros: int) -> str:
    """Epoch microseconds (GA4 `event_timestamp`) to ISO UTC, exactly (no float rounding)."""
    return iso_utc(_EPOCH + timedelta(microseconds=int(micros)))


def local_to_utc(naive: datetime, zone: ZoneInfo) -> datetime:
    """Interpret a naive wall-clock time in `zone`.

    fold=0: an ambiguous time (the repeated hour when DST ends) is read as the first occurrence
    (the daylight-saving one); a time in the skipped hour (DST start) is read with the offset in
    force before the jump. Both are what `zoneinfo` does by default.
    """
    return naive.replace(tzinfo=zone, fold=0).astimezone(UTC)


# --- values -----------------------------------------------------------------------------------


def blank_to_none(value: str | None) -> str | None:
    if value is None:
        return None
    return value if value.strip() != "" else None


def compact(mapping: dict[str, Any]) -> dict[str, Any]:
    """Drop keys whose value is None or an empty dict/list (recursively for nested dicts)."""
    out: dict[str, Any] = {}
    for key, value in mapping.items():
        if value is None:
            continue
        kind = type(value)
        if kind is dict:
            value = compact(value)
            if not value:
                continue
        elif kind is list and not value:
            continue
        out[key] = value
    return out


def parse_decimal(text: str, path: Path, where: str, column: str) -> Decimal:
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, AttributeError):
        raise input_error(
            path, where, f"column {column} is {text!r}, not a number", "Fix or remove that row"
        ) from None
    if not value.is_finite():
        raise input_error(path, where, f"column {column} is {text!r}", "Fix or remove that row")
    return value


def money(value: Decimal) -> float:
    """Round half away from zero to cents (as SQL `round(x, 2)` does) and return a float."""
    return float(value.quantize(_CENT, rounding=ROUND_HALF_UP))


def number(value: Decimal) -> int | float:
    """A parsed decimal as JSON number: int when integral, else float."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)


# --- CSV --------------------------------------------------------------------------------------


class _LineTap:
    """Iterator over a text file that remembers the physical lines the csv reader consumed."""

    def __init__(self, handle) -> None:
        self._handle = handle
        self.consumed: list[str] = []

    def __iter__(self) -> _LineTap:
        return self

    def __next__(self) -> str:
        line = next(self._handle)
        self.consumed.append(line)
        return line


@dataclass
class CsvRow:
    line: int  # physical line number where the record starts (header is line 1)
    values: dict[str, str]
    raw: str  # record text as in the file, without the line terminator

    @property
    def where(self) -> str:
        return f"line {self.line}"


def read_csv(path: Path, required: Sequence[str], *, what: str) -> Iterator[CsvRow]:
    """Stream a CSV file row by row as text (no type inference: zip codes and ids keep their zeros).

    Checks the header for `required` columns and every record for the header's field count;
    errors name the file and line and say what to do.
    """
    path = Path(path)
    if not path.is_file():
        raise input_error(path, None, f"{what} file not found", "Check the path you passed to `cdp import`")
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            tap = _LineTap(handle)
            reader = csv.reader(tap)
            try:
                header = next(reader)
            except StopIteration:
                raise input_error(
                    path, None, "file is empty", f"Expected a {what} CSV with a header row"
                ) from None
            header = [name.strip() for name in header]
            missing = [name for name in required if name not in header]
            if missing:
                raise input_error(
                    path,
                    "line 1 (header)",
                    f"missing required column(s) {', '.join(missing)}; found {', '.join(header)}",
                    f"Pass the original {what} export (comma-separated with its header row)",
                )
            tap.consumed.clear()
            next_line = 2
            for record in reader:
                start = next_line
                next_line = reader.line_num + 1
                raw = "".join(tap.consumed).rstrip("\r\n")
                tap.consumed.clear()
                if not record:
                    continue  # blank line
                if len(record) != len(header):
                    raise input_error(
                        path,
                        f"line {start}",
                        f"{len(record)} fields where the header has {len(header)}",
                        "The line is truncated or has an unquoted comma: fix or delete it and re-run",
                    )
                yield CsvRow(start, dict(zip(header, record, strict=True)), raw)
    except UnicodeDecodeError as exc:
        raise input_error(path, None, f"not UTF-8 text ({exc.reason})", "Re-save the file as UTF-8") from None
    except csv.Error as exc:
        raise input_error(path, None, f"CSV parse error ({exc})", "Fix the quoting in the file") from None
