"""GA4 BigQuery export (parquet, one row per event) -> Segment `page` / `track` messages.

Streams record batches with pyarrow; memory stays flat whatever the file size.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pyarrow.parquet as pq

from cdp.importers._common import (
    ImportReport,
    compact,
    deterministic_id,
    input_error,
    library_context,
    micros_to_iso,
)

FORMAT = "ga4"
REQUIRED_COLUMNS = ("event_timestamp", "event_name", "user_pseudo_id")
OPTIONAL_COLUMNS = (
    "event_params",
    "event_bundle_sequence_id",
    "user_id",
    "device",
    "geo",
    "traffic_source",
    "ecommerce",
    "items",
)
BATCH_ROWS = 2_000

# GA4 recommended ecommerce events -> Segment ecommerce spec v2 event names
EVENT_NAMES = {
    "purchase": "Order Completed",
    "refund": "Order Refunded",
    "view_item": "Product Viewed",
    "add_to_cart": "Product Added",
    "remove_from_cart": "Product Removed",
    "begin_checkout": "Checkout Started",
    "add_payment_info": "Payment Info Entered",
    "add_shipping_info": "Checkout Step Completed",
    "view_item_list": "Product List Viewed",
    "select_item": "Product Clicked",
    "view_promotion": "Promotion Viewed",
    "select_promotion": "Promotion Clicked",
    "view_search_results": "Products Searched",
}
SINGLE_PRODUCT_EVENTS = {"Product Viewed", "Product Added", "Product Removed", "Product Clicked"}
PROMOTION_EVENTS = {"Promotion Viewed", "Promotion Clicked"}

# GA4 placeholder for "no value" (obfuscated export): treated as absent
NOT_SET = "(not set)"

# event_params that become context or spec properties rather than passing through by their GA4 key
CONSUMED_PARAMS = {
    "page_location",
    "page_title",
    "page_referrer",
    "source",
    "medium",
    "campaign",
    "term",
    "content",
    "transaction_id",
    "currency",
    "tax",
    "coupon",
    "search_term",
    "payment_type",
    "shipping_tier",
}


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix == ".parquet")
        if not files:
            raise input_error(
                path, None, "no .parquet files in this folder", "Pass a GA4 export parquet file"
            )
        return files
    return [path]


def _param_value(value: dict[str, Any] | None) -> Any:
    if not value:
        return None
    for key in ("string_value", "int_value", "float_value", "double_value"):
        if value.get(key) is not None:
            return value[key]
    return None


def _params(row: dict[str, Any]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for entry in row.get("event_params") or ():
        key = entry.get("key")
        if key is None:
            continue
        value = _param_value(entry.get("value"))
        if value is not None and key not in params:
            params[key] = value
    return params


def _set(value: Any) -> Any:
    """None for GA4's '(not set)' placeholder and empty strings."""
    if value is None or value == NOT_SET or value == "":
        return None
    return value


def _usd(struct: dict[str, Any], name: str, currency: str | None) -> float | None:
    """Prefer the `<name>_in_usd` column; fall back to `<name>` only when the event currency is USD."""
    value = struct.get(f"{name}_in_usd")
    if value is None and currency in (None, "USD"):
        value = struct.get(name)
    return value


def _product(item: dict[str, Any], position: int, currency: str | None) -> dict[str, Any]:
    return compact(
        {
            "product_id": _set(item.get("item_id")),
            "name": _set(item.get("item_name")),
            "brand": _set(item.get("item_brand")),
            "category": _set(item.get("item_category")),
            "variant": _set(item.get("item_variant")),
            "price": _usd(item, "price", currency),
            "quantity": item.get("quantity"),
            "position": position,
            "coupon": _set(item.get("coupon")),
        }
    )


def _page(params: dict[str, Any]) -> dict[str, Any]:
    url = params.get("page_location")
    page = {"url": url, "title": params.get("page_title"), "referrer": params.get("page_referrer")}
    if isinstance(url, str) and url:
        parts = urlsplit(url)
        page["path"] = parts.path or "/"
        page["search"] = f"?{parts.query}" if parts.query else None
    return compact(page)


def _context(row: dict[str, Any], params: dict[str, Any], page: dict[str, Any]) -> dict[str, Any]:
    device = row.get("device") or {}
    geo = row.get("geo") or {}
    web = device.get("web_info") or {}
    traffic = row.get("traffic_source") or {}
    return compact(
        {
            "library": library_context(FORMAT),
            "page": page,
            "campaign": {
                "source": params.get("source"),
                "medium": params.get("medium"),
                "name": params.get("campaign"),
                "term": params.get("term"),
                "content": params.get("content"),
            },
            "device": {
                "type": _set(device.get("category")),
                "manufacturer": _set(device.get("mobile_brand_name")),
                "model": _set(device.get("mobile_model_name")),
            },
            "os": {
                "name": _set(device.get("operating_system")),
                "version": _set(device.get("operating_system_version")),
            },
            "browser": {"name": _set(web.get("browser")), "version": _set(web.get("browser_version"))},
            "locale": _set(device.get("language")),
            "location": {
                "country": _set(geo.get("country")),
                "region": _set(geo.get("region")),
                "city": _set(geo.get("city")),
            },
            # user-scoped first-touch acquisition (GA4 `traffic_source`), not the event's campaign
            "traffic_source": {
                "source": traffic.get("source"),
                "medium": traffic.get("medium"),
                "name": traffic.get("name"),
            },
            "externalIds": [
                {
                    "id": row["user_pseudo_id"],
                    "type": "ga_client_id",
                    "collection": "users",
                    "encoding": "none",
                }
            ],
        }
    )


def _spec_properties(event: str, row: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    ecommerce = row.get("ecommerce") or {}
    currency = params.get("currency")
    items = row.get("items") or []
    products = [_product(item, i, currency) for i, item in enumerate(items, start=1)]
    props: dict[str, Any] = {}
    if products:
        props["products"] = products
        if event in SINGLE_PRODUCT_EVENTS and len(products) == 1:
            props.update(products[0])
    if event in PROMOTION_EVENTS and items:
        first = items[0]
        props.update(
            compact(
                {
                    "promotion_id": _set(first.get("promotion_id")),
                    "name": _set(first.get("promotion_name")),
                    "creative": _set(first.get("creative_name")),
                    "position": _set(first.get("creative_slot")),
                }
            )
        )
    if event in ("Product List Viewed", "Product Clicked") and items:
        props["list_id"] = _set(items[0].get("item_list_id"))
        props["category"] = props.get("category") or _set(items[0].get("item_list_name"))
    if event in ("Order Completed", "Order Refunded", "Checkout Started"):
        order_id = _set(ecommerce.get("transaction_id"))
        props["order_id"] = str(order_id) if order_id is not None else None
        props["tax"] = _usd(ecommerce, "tax_value", currency)
        props["shipping"] = _usd(ecommerce, "shipping_value", currency)
    if event == "Order Completed":
        props["revenue"] = _usd(ecommerce, "purchase_revenue", currency)
    if event == "Order Refunded":
        props["total"] = _usd(ecommerce, "refund_value", currency)
    if event == "Products Searched":
        props["query"] = params.get("search_term")
    if event == "Payment Info Entered":
        props["payment_method"] = params.get("payment_type")
    if event == "Checkout Step Completed":
        props["shipping_method"] = params.get("shipping_tier")
    if products or props.get("revenue") is not None or props.get("total") is not None:
        props["currency"] = "USD"  # every amount above is taken from the *_in_usd columns
    props["coupon"] = params.get("coupon")
    return props


class _OccurrenceCounter:
    """Numbers rows that share a key (0 for the first) to tell identical rows apart.

    While timestamps arrive in order (a GA4 export is sorted by event_timestamp) only keys of the
    current timestamp are kept; after the first out-of-order row every key is kept.
    """

    def __init__(self) -> None:
        self._seen: dict[tuple, int] = {}
        self._watermark: int | None = None
        self._ordered = True

    def next(self, timestamp: int, key: tuple) -> int:
        if self._ordered:
            if self._watermark is not None and timestamp < self._watermark:
                self._ordered = False
            elif self._watermark is None or timestamp > self._watermark:
                self._seen.clear()
                self._watermark = timestamp
        occurrence = self._seen.get(key, 0)
        self._seen[key] = occurrence + 1
        return occurrence


def _convert(row: dict[str, Any], occurrence: int) -> dict[str, Any]:
    params = _params(row)
    ga_event = row["event_name"]
    timestamp = micros_to_iso(row["event_timestamp"])
    page = _page(params)
    message_id = deterministic_id(
        FORMAT,
        row["user_pseudo_id"],
        row["event_timestamp"],
        ga_event,
        row.get("event_bundle_sequence_id"),
        occurrence,
    )
    base: dict[str, Any] = {
        "messageId": message_id,
        "anonymousId": row["user_pseudo_id"],
        "userId": row.get("user_id") or None,
        "timestamp": timestamp,
        "receivedAt": timestamp,
    }
    passthrough = {k: v for k, v in params.items() if k not in CONSUMED_PARAMS}
    if ga_event == "page_view":
        properties = {**passthrough, **page}
        message = {"type": "page", **base, "properties": properties}
    else:
        event = EVENT_NAMES.get(ga_event, ga_event)
        properties = {**passthrough, **_spec_properties(event, row, params)}
        message = {"type": "track", "event": event, **base, "properties": properties}
    message["properties"] = {k: v for k, v in message["properties"].items() if v is not None}
    message["context"] = _context(row, params, page)
    return {k: v for k, v in message.items() if v is not None}


def iter_messages(path: Path, report: ImportReport) -> Iterator[dict[str, Any]]:
    counter = _OccurrenceCounter()
    for file in _files(Path(path)):
        report.files.append(file)
        try:
            parquet = pq.ParquetFile(file)
        except Exception as exc:  # pyarrow raises several types for a non-parquet file
            raise input_error(
                file, None, f"not a readable parquet file ({exc})", "Pass a GA4 export"
            ) from None
        names = set(parquet.schema_arrow.names)
        missing = [c for c in REQUIRED_COLUMNS if c not in names]
        if missing:
            raise input_error(
                file,
                None,
                f"missing required column(s) {', '.join(missing)}",
                "Pass a GA4 BigQuery export (events_* table written as parquet)",
            )
        columns = list(REQUIRED_COLUMNS) + [c for c in OPTIONAL_COLUMNS if c in names]
        position = 0
        for batch in parquet.iter_batches(batch_size=BATCH_ROWS, columns=columns):
            for row in batch.to_pylist():
                position += 1
                report.rows += 1
                for column in REQUIRED_COLUMNS:
                    if row.get(column) in (None, ""):
                        raise input_error(
                            file,
                            f"row {position}",
                            f"{column} is empty",
                            "Every GA4 event needs event_timestamp, event_name and user_pseudo_id; "
                            "drop such rows before importing",
                        )
                key = (
                    row["user_pseudo_id"],
                    row["event_timestamp"],
                    row["event_name"],
                    row.get("event_bundle_sequence_id"),
                )
                occurrence = counter.next(row["event_timestamp"], key)
                if occurrence:
                    report.counts["identical-key rows (numbered)"] += 1
                message = _convert(row, occurrence)
                props = message["properties"]
                if message.get("event") == "Order Completed" and "order_id" not in props:
                    report.counts["purchases without transaction_id"] += 1
                yield message
