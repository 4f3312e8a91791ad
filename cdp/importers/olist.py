"""Olist Brazilian e-commerce CSVs -> Segment `identify` (per customer_id) and `track` order messages.

Reads every file as text (zip prefixes keep their leading zeros). Items and payments are summed per
order in memory (a few numbers per order); customers and orders are streamed.
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
    compact,
    deterministic_id,
    input_error,
    iso_utc,
    library_context,
    local_to_utc,
    money,
    parse_decimal,
    read_csv,
)

FORMAT = "olist"
ZONE = ZoneInfo("America/Sao_Paulo")
CURRENCY = "BRL"
CANCELLED_STATUSES = {"canceled", "unavailable"}

FILES = {
    "customers": ("olist_customers_dataset.csv", ("customer_id", "customer_unique_id",
                  "customer_zip_code_prefix", "customer_city", "customer_state")),
    "orders": ("olist_orders_dataset.csv", ("order_id", "customer_id", "order_status",
               "order_purchase_timestamp", "order_approved_at", "order_delivered_carrier_date",
               "order_delivered_customer_date", "order_estimated_delivery_date")),
    "items": ("olist_order_items_dataset.csv", ("order_id", "order_item_id", "product_id", "seller_id",
              "price", "freight_value")),
    "payments": ("olist_order_payments_dataset.csv", ("order_id", "payment_sequential", "payment_type",
                 "payment_installments", "payment_value")),
}  # fmt: skip
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")


@dataclass
class _Order:
    items: list[tuple[int, str, str, Decimal]] = field(default_factory=list)
    freight: Decimal = Decimal(0)
    payments: list[tuple[int, str, int | None, Decimal]] = field(default_factory=list)


def _locate(folder: Path) -> dict[str, Path]:
    if not folder.is_dir():
        raise input_error(
            folder, None, "not a folder", "Pass the folder holding the olist_*_dataset.csv files"
        )
    found: dict[str, Path] = {}
    for key, (name, _) in FILES.items():
        path = folder / name
        if not path.is_file():
            raise input_error(
                folder, None, f"{name} is missing", "Pass the Olist folder with customers, orders, "
                "order_items and order_payments CSVs (original Kaggle file names)"
            )  # fmt: skip
        found[key] = path
    return found


def _local_time(text: str, path: Path, where: str, column: str, required: bool) -> str | None:
    """Naive Brazil wall-clock text -> ISO UTC; '' -> None (or an error when required)."""
    text = text.strip()
    if text == "":
        if required:
            raise input_error(path, where, f"{column} is empty", "Every order needs a purchase time")
        return None
    if not _TIMESTAMP.match(text):
        raise input_error(
            path, where, f"{column} {text!r} is not 'YYYY-MM-DD HH:MM:SS'", "Fix or delete that line"
        )
    return iso_utc(local_to_utc(datetime.fromisoformat(text), ZONE))


def _load_lines(paths: dict[str, Path], report: ImportReport) -> dict[str, _Order]:
    orders: dict[str, _Order] = {}
    path = paths["items"]
    for row in read_csv(path, FILES["items"][1], what="Olist order items"):
        v = row.values
        try:
            item_no = int(v["order_item_id"])
        except ValueError:
            raise input_error(
                path, row.where, f"order_item_id {v['order_item_id']!r}", "Fix that line"
            ) from None
        order = orders.setdefault(v["order_id"], _Order())
        price = parse_decimal(v["price"], path, row.where, "price")
        order.items.append((item_no, v["product_id"], v["seller_id"], price))
        order.freight += parse_decimal(v["freight_value"], path, row.where, "freight_value")
        report.counts["order item rows"] += 1
    path = paths["payments"]
    for row in read_csv(path, FILES["payments"][1], what="Olist order payments"):
        v = row.values
        value = parse_decimal(v["payment_value"], path, row.where, "payment_value")
        try:
            sequential = int(v["payment_sequential"])
        except ValueError:
            raise input_error(
                path, row.where, f"payment_sequential {v['payment_sequential']!r}", "Fix that line"
            ) from None
        installments = int(v["payment_installments"]) if v["payment_installments"].strip().isdigit() else None
        orders.setdefault(v["order_id"], _Order()).payments.append(
            (sequential, v["payment_type"], installments, value)
        )
        report.counts["payment rows"] += 1
    return orders


def _identify(row, first_order_time: str) -> dict[str, Any]:
    v = row.values
    customer_id = v["customer_id"]
    return {
        "type": "identify",
        "messageId": deterministic_id(FORMAT, "identify", customer_id),
        "userId": v["customer_unique_id"],
        "anonymousId": customer_id,
        "timestamp": first_order_time,
        "traits": compact(
            {
                "city": v["customer_city"] or None,
                "state": v["customer_state"] or None,
                "postal_code": v["customer_zip_code_prefix"] or None,  # text: '01151' keeps its zero
                "country": "BR",
            }
        ),
        "context": {
            "library": library_context(FORMAT),
            "externalIds": [
                {"id": customer_id, "type": "olist_customer_id", "collection": "users", "encoding": "none"}
            ],
        },
    }


def _order_messages(row, path: Path, lines: _Order | None) -> Iterator[dict[str, Any]]:
    v = row.values
    order_id = v["order_id"]
    status = v["order_status"].strip()
    purchased = _local_time(v["order_purchase_timestamp"], path, row.where, "order_purchase_timestamp", True)
    approved = _local_time(v["order_approved_at"], path, row.where, "order_approved_at", False)
    lines = lines or _Order()
    items = sorted(lines.items)
    payments = sorted(lines.payments)
    products = [
        {
            "product_id": product_id,
            "price": float(price),
            "quantity": 1,
            "position": item_no,
            "seller_id": seller,
        }
        for item_no, product_id, seller, price in items
    ]
    properties = {
        "order_id": order_id,
        "order_status": status,
        "revenue": money(sum((price for *_, price in items), Decimal(0))),
        "shipping": money(lines.freight),
        "total": money(sum((value for *_, value in payments), Decimal(0))) if payments else None,
        "currency": CURRENCY,
        "products": products,
        "payments": [
            compact({"payment_type": kind, "installments": n, "value": float(value)})
            for _, kind, n, value in payments
        ],
        "approved_at": approved,
        "delivered_carrier_at": _local_time(
            v["order_delivered_carrier_date"], path, row.where, "order_delivered_carrier_date", False
        ),
        "delivered_customer_at": _local_time(
            v["order_delivered_customer_date"], path, row.where, "order_delivered_customer_date", False
        ),
        "estimated_delivery_at": _local_time(
            v["order_estimated_delivery_date"], path, row.where, "order_estimated_delivery_date", False
        ),
    }
    context = {"library": library_context(FORMAT)}
    yield {
        "type": "track",
        "event": "Order Completed",
        "messageId": deterministic_id(FORMAT, "order", order_id),
        # anonymousId only: the identity graph links customer_id -> customer_unique_id via identify
        "anonymousId": v["customer_id"],
        "timestamp": purchased,
        "properties": {k: val for k, val in properties.items() if val is not None and val != []},
        "context": context,
    }
    if status in CANCELLED_STATUSES:
        yield {
            "type": "track",
            "event": "Order Cancelled",
            "messageId": deterministic_id(FORMAT, "cancel", order_id),
            "anonymousId": v["customer_id"],
            "timestamp": approved or purchased,
            "properties": {"order_id": order_id, "order_status": status},
            "context": context,
        }


def iter_messages(path: Path, report: ImportReport) -> Iterator[dict[str, Any]]:
    paths = _locate(Path(path))
    report.files.extend(paths.values())
    lines = _load_lines(paths, report)

    # pass 1 over orders: each customer's first order time (the identify's timestamp)
    first_order: dict[str, str] = {}
    orders_path = paths["orders"]
    for row in read_csv(orders_path, FILES["orders"][1], what="Olist orders"):
        v = row.values
        when = _local_time(
            v["order_purchase_timestamp"], orders_path, row.where, "order_purchase_timestamp", True
        )
        assert when is not None
        customer = v["customer_id"]
        if customer not in first_order or when < first_order[customer]:
            first_order[customer] = when

    customers_path = paths["customers"]
    for row in read_csv(customers_path, FILES["customers"][1], what="Olist customers"):
        report.rows += 1
        v = row.values
        if not v["customer_id"].strip() or not v["customer_unique_id"].strip():
            raise input_error(
                customers_path,
                row.where,
                "customer_id or customer_unique_id is empty",
                "Fix or delete that line",
            )
        when = first_order.get(v["customer_id"])
        if when is None:
            report.counts["customers without an order (no identify: no event time)"] += 1
            continue
        yield _identify(row, when)

    seen_orders: set[str] = set()
    for row in read_csv(orders_path, FILES["orders"][1], what="Olist orders"):
        report.rows += 1
        order_id = row.values["order_id"]
        if not order_id.strip() or not row.values["customer_id"].strip():
            raise input_error(
                orders_path, row.where, "order_id or customer_id is empty", "Fix or delete that line"
            )
        seen_orders.add(order_id)
        order_lines = lines.get(order_id)
        if order_lines is None or not order_lines.items:
            report.counts["orders without items"] += 1
        yield from _order_messages(row, orders_path, order_lines)
    orphans = len(set(lines) - seen_orders)
    if orphans:
        report.notes.append(
            f"{orphans:,} order ids in items/payments have no row in the orders file (skipped)"
        )
