"""UCI Online Retail CSV (one row per invoice line) -> `Order Completed` per invoice, `identify` per customer.

Lines of one invoice may be anywhere in the file, so invoices are collected in memory as compact
tuples (a few fields per line) before the messages are written in first-seen invoice order.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from cdp.importers._common import (
    ImportReport,
    deterministic_id,
    input_error,
    iso_utc,
    library_context,
    local_to_utc,
    money,
    number,
    parse_decimal,
    read_csv,
)

FORMAT = "uci"
ZONE = ZoneInfo("Europe/London")
CURRENCY = "GBP"
COLUMNS = (
    "InvoiceNo",
    "StockCode",
    "Description",
    "Quantity",
    "InvoiceDate",
    "UnitPrice",
    "CustomerID",
    "Country",
)
_DATE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}) (\d{1,2}):(\d{2})(?::(\d{2}))?$")
_CUSTOMER = re.compile(r"^(\d+)(?:\.0+)?$")
_SPACES = re.compile(r"\s+")


@dataclass
class _Invoice:
    first_line: int
    time: datetime  # UTC, earliest line of the invoice
    customer: str | None
    country: str | None
    lines: list[tuple[str, str | None, Decimal, Decimal]] = field(default_factory=list)


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix == ".csv")
        if not files:
            raise input_error(path, None, "no .csv files in this folder", "Pass the Online Retail CSV")
        return files
    return [path]


def _invoice_time(text: str, path: Path, where: str) -> datetime:
    """Day-first UK wall-clock time (DD-MM-YYYY HH:MM) -> aware UTC datetime."""
    match = _DATE.match(text.strip())
    if not match:
        raise input_error(
            path,
            where,
            f"InvoiceDate {text!r} is not day-first 'DD-MM-YYYY HH:MM'",
            "Fix or delete that line",
        )
    day, month, year, hour, minute, second = (int(g) if g else 0 for g in match.groups())
    try:
        naive = datetime(year, month, day, hour, minute, second)
    except ValueError:
        raise input_error(
            path, where, f"InvoiceDate {text!r} is not a valid day-first date", "Fix or delete that line"
        ) from None
    return local_to_utc(naive, ZONE)


def _customer(text: str, path: Path, where: str) -> str | None:
    """'17850.0' -> '17850'; '' -> None."""
    text = text.strip()
    if text == "":
        return None
    match = _CUSTOMER.match(text)
    if not match:
        raise input_error(
            path, where, f"CustomerID {text!r} is not a whole number", "Fix or delete that line"
        )
    return match[1]


def _description(text: str) -> str | None:
    cleaned = _SPACES.sub(" ", text).strip()
    return cleaned or None


def iter_messages(path: Path, report: ImportReport) -> Iterator[dict[str, Any]]:
    invoices: dict[str, _Invoice] = {}
    for file in _files(Path(path)):
        report.files.append(file)
        for row in read_csv(file, COLUMNS, what="UCI Online Retail"):
            report.rows += 1
            v = row.values
            invoice_no = v["InvoiceNo"].strip()
            if not invoice_no:
                raise input_error(file, row.where, "InvoiceNo is empty", "Fix or delete that line")
            when = _invoice_time(v["InvoiceDate"], file, row.where)
            customer = _customer(v["CustomerID"], file, row.where)
            price = parse_decimal(v["UnitPrice"], file, row.where, "UnitPrice")
            quantity = parse_decimal(v["Quantity"], file, row.where, "Quantity")
            invoice = invoices.get(invoice_no)
            if invoice is None:
                invoice = invoices[invoice_no] = _Invoice(
                    row.line, when, customer, v["Country"].strip() or None
                )
            elif invoice.customer != customer:
                raise input_error(
                    file,
                    row.where,
                    f"invoice {invoice_no} has CustomerID {customer} here but {invoice.customer} "
                    f"on line {invoice.first_line}",
                    "An invoice belongs to one customer: fix the CustomerID of one of the lines",
                )
            invoice.time = min(invoice.time, when)
            invoice.lines.append((v["StockCode"].strip(), _description(v["Description"]), price, quantity))

    # one identify per customer: country and time of the customer's latest invoice
    latest: dict[str, _Invoice] = {}
    for invoice in invoices.values():
        if invoice.customer is None:
            continue
        known = latest.get(invoice.customer)
        if known is None or invoice.time >= known.time:
            latest[invoice.customer] = invoice
    context = {"library": library_context(FORMAT)}
    for customer, invoice in latest.items():
        traits = {"country": invoice.country} if invoice.country else {}
        yield {
            "type": "identify",
            "messageId": deterministic_id(FORMAT, "identify", customer),
            "userId": customer,
            "timestamp": iso_utc(invoice.time),
            "traits": traits,
            "context": context,
        }

    for invoice_no, invoice in invoices.items():
        products = []
        revenue = Decimal(0)
        for position, (code, name, price, quantity) in enumerate(invoice.lines, start=1):
            revenue += price * quantity
            product = {
                "product_id": code,
                "sku": code,
                "name": name,
                "price": float(price),
                "quantity": number(quantity),
                "position": position,
            }
            products.append({k: val for k, val in product.items() if val is not None})
        cancelled = invoice_no.upper().startswith("C")
        identity: dict[str, str] = (
            {"userId": invoice.customer}
            if invoice.customer
            # guest checkout: no customer id, so the invoice itself is the only identifier
            else {"anonymousId": f"uci-invoice-{invoice_no}"}
        )
        if invoice.customer is None:
            report.counts["invoices without CustomerID (anonymousId = invoice)"] += 1
        if cancelled:
            report.counts["cancellation invoices (Order Refunded)"] += 1
        properties: dict[str, Any] = {
            "order_id": invoice_no,
            ("total" if cancelled else "revenue"): money(revenue),
            "currency": CURRENCY,
            "products": products,
        }
        yield {
            "type": "track",
            "event": "Order Refunded" if cancelled else "Order Completed",
            "messageId": deterministic_id(FORMAT, "invoice", invoice_no),
            **identity,
            "timestamp": iso_utc(invoice.time),
            "properties": properties,
            "context": {**context, "location": {"country": invoice.country}} if invoice.country else context,
        }
