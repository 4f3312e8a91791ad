"""CDNOW transactions (Fader & Hardie's CLV dataset) -> one `Order Completed` per line of the file.

The file is whitespace-separated text with a header (`customer_id date number_of_cds dollar_value`),
one purchase record per line. Every line becomes its own order, exact duplicate lines included:
the raw file lists them as separate purchase records and lifetimes' summary sums them into the
day's value, so dropping them would change the monetary inputs. Purchase days ("transactions"
in the BG/NBD sense) are distinct days per customer, computed in the warehouse
(int_traits__customer_transactions), so several lines on one day are one transaction there.

- userId: customer_id as text, zero padding kept ("00001").
- timestamp: the date at 00:00:00 UTC.
- properties: order_id `<customer>-<YYYYMMDD>-<n>` (n = 1-based occurrence of that customer and
  day in file order), revenue = dollar_value, currency USD, number_of_cds.
- messageId: UUIDv5("cdnow", "order", customer, date, n): stable across runs, and distinct for
  duplicate lines.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from cdp.importers._common import ImportReport, deterministic_id, input_error, iso_utc, library_context, money

FORMAT = "cdnow"
CURRENCY = "USD"
HEADER = ("customer_id", "date", "number_of_cds", "dollar_value")
_CUSTOMER = re.compile(r"^\d+$")
_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix == ".txt")
        if not files:
            raise input_error(path, None, "no .txt files in this folder", "Pass the CDNOW transactions file")
        return files
    return [path]


def _parse_line(fields: list[str], file: Path, where: str) -> tuple[str, datetime, int, Decimal]:
    if len(fields) != 4:
        raise input_error(
            file, where, f"{len(fields)} fields where 4 are expected ({' '.join(HEADER)})", "Fix or delete that line"
        )
    customer, date_text, cds_text, value_text = fields
    if not _CUSTOMER.match(customer):
        raise input_error(file, where, f"customer_id {customer!r} is not digits", "Fix or delete that line")
    match = _DATE.match(date_text)
    try:
        if not match:
            raise ValueError
        day = datetime(int(match[1]), int(match[2]), int(match[3]), tzinfo=UTC)
    except ValueError:
        raise input_error(file, where, f"date {date_text!r} is not a YYYYMMDD date", "Fix or delete that line") from None
    try:
        cds = int(cds_text)
    except ValueError:
        raise input_error(
            file, where, f"number_of_cds {cds_text!r} is not a whole number", "Fix or delete that line"
        ) from None
    try:
        value = Decimal(value_text)
    except InvalidOperation:
        raise input_error(file, where, f"dollar_value {value_text!r} is not a number", "Fix or delete that line") from None
    if not value.is_finite():
        raise input_error(file, where, f"dollar_value {value_text!r} is not a number", "Fix or delete that line")
    return customer, day, cds, value


def iter_messages(path: Path, report: ImportReport) -> Iterator[dict[str, Any]]:
    context = {"library": library_context(FORMAT)}
    occurrences: Counter = Counter()
    seen_lines: set[tuple[str, str, str, str]] = set()
    for file in _files(Path(path)):
        if not file.is_file():
            raise input_error(file, None, "CDNOW file not found", "Check the path you passed to `cdp import`")
        report.files.append(file)
        with open(file, encoding="utf-8") as handle:
            header = handle.readline().split()
            if tuple(header) != HEADER:
                raise input_error(
                    file,
                    "line 1 (header)",
                    f"header is {' '.join(header)!r}, expected {' '.join(HEADER)!r}",
                    "Pass the CDNOW master file as published (whitespace-separated, with its header)",
                )
            for number, line in enumerate(handle, start=2):
                fields = line.split()
                if not fields:
                    continue
                where = f"line {number}"
                customer, day, cds, value = _parse_line(fields, file, where)
                report.rows += 1
                key = (customer, day.strftime("%Y%m%d"))
                occurrences[key] += 1
                n = occurrences[key]
                if tuple(fields) in seen_lines:
                    report.counts["exact duplicate lines (kept as separate orders)"] += 1
                seen_lines.add(tuple(fields))
                if n > 1:
                    report.counts["further lines on a customer-day (separate orders)"] += 1
                yield {
                    "type": "track",
                    "event": "Order Completed",
                    "messageId": deterministic_id(FORMAT, "order", customer, key[1], n),
                    "userId": customer,
                    "timestamp": iso_utc(day),
                    "properties": {
                        "order_id": f"{customer}-{key[1]}-{n}",
                        "revenue": money(value),
                        "currency": CURRENCY,
                        "number_of_cds": cds,
                    },
                    "context": context,
                }
