"""Segment-format files -> landing lines, as they are (no ids, types or times invented).

Accepts a file or a folder (walked recursively in sorted order):
- `.json` holding one message, an HTTP batch envelope `{"batch": [...], ...}` (written as one line,
  envelope kept), a JSON array of messages (one line each), or a RudderStack test-case list
  `[{"description", "input": {"message", ...}}, ...]` (each `input.message` as a line);
- `.jsonl` / `.ndjson`: one message per line (valid JSON re-serialised compactly; invalid lines kept
  as they are, for the warehouse to quarantine);
- `.csv`: a Segment *warehouse* `pages` table export (one `page` message per row).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cdp.importers._common import (
    CsvRow,
    ImportReport,
    blank_to_none,
    compact,
    input_error,
    iso_utc,
    read_csv,
)

FORMAT = "segment"
JSON_SUFFIXES = {".json"}
LINE_SUFFIXES = {".jsonl", ".ndjson"}
CSV_SUFFIXES = {".csv"}

# Segment warehouse `pages` columns -> spec paths (the ones Segment's warehouse schema documents)
PAGE_COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("messageId",),
    "anonymous_id": ("anonymousId",),
    "user_id": ("userId",),
    "received_at": ("receivedAt",),
    "sent_at": ("sentAt",),
    "timestamp": ("timestamp",),
    "original_timestamp": ("originalTimestamp",),
    "name": ("name",),
    "category": ("category",),
    "context_ip": ("context", "ip"),
    "context_user_agent": ("context", "userAgent"),
    "context_locale": ("context", "locale"),
    "context_library_name": ("context", "library", "name"),
    "context_library_version": ("context", "library", "version"),
    "context_campaign_source": ("context", "campaign", "source"),
    "context_campaign_medium": ("context", "campaign", "medium"),
    "context_campaign_name": ("context", "campaign", "name"),
    "context_campaign_term": ("context", "campaign", "term"),
    "context_campaign_content": ("context", "campaign", "content"),
}
PAGE_FIELDS = ("url", "path", "title", "search", "referrer")  # properties.* and context.page.*
TIME_COLUMNS = {"received_at", "sent_at", "timestamp", "original_timestamp"}
DROPPED_COLUMNS = {"uuid", "uuid_ts", "loaded_at", "event", "event_text"}  # loader bookkeeping


def _files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    suffixes = JSON_SUFFIXES | LINE_SUFFIXES | CSV_SUFFIXES
    files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in suffixes)
    if not files:
        raise input_error(
            path, None, "no .json, .jsonl, .ndjson or .csv files here", "Pass Segment-format files"
        )
    return files


def _line(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _is_testcase(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("input"), dict) and "message" in value["input"]


def _count(report: ImportReport, message: Any) -> None:
    if isinstance(message, dict) and isinstance(message.get("batch"), list):
        report.counts["messages inside batch envelopes"] += len(message["batch"])
        for inner in message["batch"]:
            _count_one(report, inner)
    else:
        _count_one(report, message)


def _count_one(report: ImportReport, message: Any) -> None:
    if not isinstance(message, dict):
        report.counts["not an object (kept for quarantine)"] += 1
        return
    if not message.get("type"):
        report.counts["without type (kept for quarantine)"] += 1
    if not message.get("messageId"):
        report.counts["without messageId (kept for quarantine)"] += 1


def _json_file(path: Path, report: ImportReport) -> Iterator[dict[str, Any] | str]:
    try:
        with open(path, encoding="utf-8-sig") as handle:
            document = json.load(handle)
    except json.JSONDecodeError as exc:
        raise input_error(
            path,
            f"line {exc.lineno} column {exc.colno}",
            f"invalid JSON ({exc.msg})",
            "Fix the JSON and re-run",
        ) from None
    except UnicodeDecodeError:
        raise input_error(path, None, "not UTF-8 text", "Re-save the file as UTF-8") from None
    if isinstance(document, list):
        for element in document:
            message = element["input"]["message"] if _is_testcase(element) else element
            if _is_testcase(element):
                report.counts["test cases"] += 1
            _count(report, message)
            report.rows += 1
            yield message if isinstance(message, dict) else _line(message)
        if not document:
            report.notes.append(f"{path}: empty JSON array")
    elif isinstance(document, dict):
        _count(report, document)
        report.rows += 1
        yield document
    else:
        raise input_error(
            path,
            None,
            f"top-level JSON is a {type(document).__name__}",
            "Expected a message, a batch or a list",
        )


def _lines_file(path: Path, report: ImportReport) -> Iterator[dict[str, Any] | str]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for text in handle:
            text = text.rstrip("\r\n")
            if not text.strip():
                continue
            report.rows += 1
            try:
                message = json.loads(text)
            except json.JSONDecodeError:
                report.counts["invalid JSON lines (kept for quarantine)"] += 1
                yield text
                continue
            _count(report, message)
            yield message if isinstance(message, dict) else _line(message)


def _warehouse_time(text: str, path: Path, row: CsvRow, column: str) -> str:
    """Warehouse timestamps are UTC; naive text gets a Z, text with a zone is normalised to UTC."""
    value = text.strip().replace(" UTC", "")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise input_error(path, row.where, f"{column} {text!r} is not a timestamp", "Fix that line") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return iso_utc(moment)


def _set_path(target: dict[str, Any], keys: tuple[str, ...], value: Any) -> None:
    for key in keys[:-1]:
        target = target.setdefault(key, {})
    target[keys[-1]] = value


def _pages_csv(path: Path, report: ImportReport) -> Iterator[dict[str, Any]]:
    for row in read_csv(path, ("timestamp",), what="Segment warehouse pages"):
        report.rows += 1
        message: dict[str, Any] = {"type": "page"}
        properties: dict[str, Any] = {}
        context: dict[str, Any] = {}
        for column, text in row.values.items():
            value = blank_to_none(text)
            if value is None or column in DROPPED_COLUMNS:
                continue
            if column in TIME_COLUMNS:
                value = _warehouse_time(value, path, row, column)
            if column in PAGE_FIELDS:
                properties[column] = value
                context.setdefault("page", {})[column] = value
            elif column in PAGE_COLUMNS:
                keys = PAGE_COLUMNS[column]
                if keys[0] == "context":
                    _set_path(context, keys[1:], value)
                else:
                    message[keys[0]] = value
            elif column.startswith("context_"):
                context[column.removeprefix("context_")] = value
            else:
                properties[column] = value  # custom page properties are columns in the pages table
        message["properties"] = properties
        message["context"] = compact(context)
        _count_one(report, message)
        yield message


def iter_messages(path: Path, report: ImportReport) -> Iterator[dict[str, Any] | str]:
    for file in _files(Path(path)):
        report.files.append(file)
        suffix = file.suffix.lower()
        if suffix in CSV_SUFFIXES:
            yield from _pages_csv(file, report)
        elif suffix in LINE_SUFFIXES:
            yield from _lines_file(file, report)
        elif suffix in JSON_SUFFIXES:
            yield from _json_file(file, report)
        else:
            raise input_error(
                file, None, f"unknown file type {suffix!r}", "Use .json, .jsonl, .ndjson or .csv"
            )
