"""REES46 multi-category store clickstream CSV -> Segment `track` messages (ecommerce spec v2).

Streams the file. Purchase rows of one `user_session` at one `event_time` form one order; they are
held only until the file's time moves past them (the export is sorted by `event_time`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from cdp.importers._common import (
    CsvRow,
    ImportReport,
    blank_to_none,
    compact,
    deterministic_id,
    input_error,
    iso_utc,
    library_context,
    money,
    parse_decimal,
    read_csv,
)

FORMAT = "rees46"
COLUMNS = (
    "event_time",
    "event_type",
    "product_id",
    "category_id",
    "category_code",
    "brand",
    "price",
    "user_id",
    "user_session",
)
EVENT_NAMES = {
    "view": "Product Viewed",
    "cart": "Product Added",
    "remove_from_cart": "Product Removed",
    "purchase": "Order Completed",
}
_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) UTC$")


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix == ".csv")
        if not files:
            raise input_error(path, None, "no .csv files in this folder", "Pass a REES46 events CSV")
        return files
    return [path]


def _timestamp(row: CsvRow, path: Path) -> str:
    text = row.values["event_time"]
    match = _TIME.match(text)
    if not match:
        raise input_error(
            path,
            row.where,
            f"event_time {text!r} is not 'YYYY-MM-DD HH:MM:SS UTC'",
            "Fix or delete that line",
        )
    try:
        moment = datetime.fromisoformat(f"{match[1]}T{match[2]}").replace(tzinfo=UTC)
    except ValueError:
        raise input_error(
            path, row.where, f"event_time {text!r} is not a valid date", "Fix that line"
        ) from None
    return iso_utc(moment)


def _product(row: CsvRow, price: Decimal) -> dict[str, Any]:
    v = row.values
    return compact(
        {
            "product_id": blank_to_none(v["product_id"]),
            "category_id": blank_to_none(v["category_id"]),  # 19 digits: kept as text
            "category": blank_to_none(v["category_code"]),
            "brand": blank_to_none(v["brand"]),
            "price": float(price),
        }
    )


def _base(row: CsvRow, timestamp: str) -> dict[str, Any]:
    v = row.values
    return {
        "userId": blank_to_none(v["user_id"]),
        "anonymousId": blank_to_none(v["user_session"]),
        "timestamp": timestamp,
        "receivedAt": timestamp,
        "context": {"library": library_context(FORMAT)},
    }


def _order(key: tuple[str, str], rows: list[tuple[CsvRow, Decimal, str]]) -> dict[str, Any]:
    session, event_time = key
    first, _, timestamp = rows[0]
    products = []
    revenue = Decimal(0)
    for position, (row, price, _) in enumerate(rows, start=1):
        products.append({**_product(row, price), "quantity": 1, "position": position})
        revenue += price
    return {
        "type": "track",
        "event": "Order Completed",
        "messageId": deterministic_id(FORMAT, *(row.raw for row, _, _ in rows)),
        **{k: v for k, v in _base(first, timestamp).items() if v is not None},
        "properties": {
            "order_id": deterministic_id(FORMAT, "order", session, event_time),
            "revenue": money(revenue),
            "products": products,
        },
    }


def iter_messages(path: Path, report: ImportReport) -> Iterator[dict[str, Any]]:
    # purchase groups waiting for the clock to move past their event_time, in first-seen order
    pending: dict[tuple[str, str], list[tuple[CsvRow, Decimal, str]]] = {}
    watermark: str | None = None
    ordered = True

    def flush(before: str | None) -> Iterator[dict[str, Any]]:
        for key in [k for k in pending if before is None or k[1] < before]:
            report.counts["orders"] += 1
            yield _order(key, pending.pop(key))

    for file in _files(Path(path)):
        report.files.append(file)
        for row in read_csv(file, COLUMNS, what="REES46 events"):
            report.rows += 1
            v = row.values
            timestamp = _timestamp(row, file)
            if not (v["user_id"].strip() or v["user_session"].strip()):
                raise input_error(
                    file, row.where, "both user_id and user_session are empty", "Delete that line and re-run"
                )
            price = parse_decimal(v["price"], file, row.where, "price")
            event_time = v["event_time"]
            if ordered and watermark is not None and event_time < watermark:
                ordered = False
                report.notes.append(
                    f"{file} {row.where}: event_time goes backwards; purchase rows are held "
                    "until the end of the input from here on"
                )
            if ordered and (watermark is None or event_time > watermark):
                yield from flush(event_time)
                watermark = event_time
            event_type = v["event_type"].strip()
            if not event_type:
                raise input_error(file, row.where, "event_type is empty", "Fix or delete that line")
            if event_type == "purchase":
                # an order is one session's purchases at one second; without a session, one user's
                session_key = v["user_session"].strip() or f"user_id:{v['user_id'].strip()}"
                group = pending.setdefault((session_key, event_time), [])
                if any(existing.raw == row.raw for existing, _, _ in group):
                    report.counts["duplicate purchase rows folded"] += 1
                    continue
                group.append((row, price, timestamp))
                continue
            event = EVENT_NAMES.get(event_type, event_type)
            if event_type not in EVENT_NAMES:
                report.counts[f"unmapped event_type {event_type!r}"] += 1
            message = {
                "type": "track",
                "event": event,
                "messageId": deterministic_id(FORMAT, row.raw),
                **_base(row, timestamp),
                "properties": _product(row, price),
            }
            yield {k: val for k, val in message.items() if val is not None}
    yield from flush(None)
