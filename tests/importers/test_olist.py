"""`cdp import olist` on the real Olist subset (customers, orders, items, payments)."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests.importers._shared import Landed, assert_valid_segment, import_again_identical, real_dataset

DATASET = real_dataset("olist_brazilian_ecommerce")


def expected_olist(raw_path: Path) -> dict:
    """Warehouse expectations from the raw CSVs only (DuckDB, every column as text).

    fct_orders: one row per order_id with revenue = sum(item price) (0 for orders without items),
    shipping = sum(freight_value), total = sum(payment_value). Order Completed carries only the
    anonymousId (customer_id): `distinct_persons` is what a correct identity graph finds.
    """
    con = duckdb.connect()
    for table in ("customers", "orders", "order_items", "order_payments"):
        path = str(Path(raw_path) / f"olist_{table}_dataset.csv").replace("'", "''")
        con.execute(
            f"create view {table} as select * from read_csv('{path}', header = true, all_varchar = true)"
        )
    customers, persons, leading_zero = con.execute(
        "select count(*), count(distinct customer_unique_id), "
        "count(*) filter (where customer_zip_code_prefix like '0%') from customers"
    ).fetchone()
    orders, cancelled = con.execute(
        "select count(distinct order_id), "
        "count(*) filter (where order_status in ('canceled', 'unavailable')) from orders"
    ).fetchone()
    revenue, shipping, items = con.execute(
        "select sum(price::decimal(18, 2)), sum(freight_value::decimal(18, 2)), count(*) from order_items "
        "where order_id in (select order_id from orders)"
    ).fetchone()
    total = con.execute(
        "select sum(payment_value::decimal(18, 2)) from order_payments "
        "where order_id in (select order_id from orders)"
    ).fetchone()[0]
    without_items = con.execute(
        "select count(*) from orders where order_id not in (select order_id from order_items)"
    ).fetchone()[0]
    return {
        "messages": customers + orders + cancelled,
        "events_by_type": {"identify": customers, "track": orders + cancelled},
        "events_by_name": {"Order Completed": orders, "Order Cancelled": cancelled},
        "distinct_orders": orders,
        "revenue": float(revenue),
        "shipping": float(shipping),
        "total": float(total),
        "currency": "BRL",
        "order_items": items,
        "orders_without_items": without_items,
        "distinct_customer_ids": customers,
        "distinct_persons": persons,
        "customers_with_leading_zero_zip": leading_zero,
        "duplicate_message_ids": 0,
    }


@pytest.fixture(scope="module")
def expected() -> dict:
    return expected_olist(DATASET)


@pytest.fixture(scope="module")
def landed(landed_real) -> Landed:
    return landed_real("olist", DATASET)


def test_counts_match_the_raw_files(landed, expected):
    assert len(landed.messages) == expected["messages"] == 6_605 + 6_605 + 1_006
    assert landed.by_type() == expected["events_by_type"]
    assert landed.by_event() == expected["events_by_name"]
    assert landed.duplicate_message_ids() == expected["duplicate_message_ids"]
    identifies = [m for m in landed.messages if m["type"] == "identify"]
    assert len({m["userId"] for m in identifies}) == expected["distinct_persons"] == 6_516
    assert len({m["anonymousId"] for m in identifies}) == expected["distinct_customer_ids"]


def test_every_message_is_valid_segment(landed):
    for message in landed.messages:
        assert_valid_segment(message)
        if message["type"] == "track":
            # orders reach the person only through the identify's customer_id -> customer_unique_id link
            assert "userId" not in message and message["anonymousId"]


def test_zip_prefix_keeps_leading_zero_and_identify_is_exact(landed, expected):
    m = next(
        m
        for m in landed.messages
        if m["type"] == "identify" and m["anonymousId"] == "8d401266c416fe74129569742199d75f"
    )
    assert m == {
        "type": "identify",
        "messageId": m["messageId"],
        "userId": "632b9f83894a36849b293ce84d62d399",
        "anonymousId": "8d401266c416fe74129569742199d75f",
        # the customer's order 2018-02-09 10:47:02 in Sao Paulo summer time (UTC-2)
        "timestamp": "2018-02-09T12:47:02Z",
        "traits": {"city": "sao paulo", "state": "SP", "postal_code": "01151", "country": "BR"},
        "context": {
            "library": m["context"]["library"],
            "externalIds": [
                {
                    "id": "8d401266c416fe74129569742199d75f",
                    "type": "olist_customer_id",
                    "collection": "users",
                    "encoding": "none",
                }
            ],
        },
    }
    zeros = [m for m in landed.messages if m["type"] == "identify" and m["traits"]["postal_code"][0] == "0"]
    assert len(zeros) == expected["customers_with_leading_zero_zip"] == 1_620
    assert all(len(m["traits"]["postal_code"]) == 5 for m in landed.messages if m["type"] == "identify")


def test_order_converted_exactly(landed):
    m = next(
        m
        for m in landed.tracks("Order Completed")
        if m["properties"]["order_id"] == "494ccc8cd99c1f8293512733b50d1658"
    )
    assert m["anonymousId"] == "8d401266c416fe74129569742199d75f"
    assert m["timestamp"] == "2018-02-09T12:47:02Z"
    props = m["properties"]
    assert props["products"] == [
        {
            "product_id": "6506fe6d39dbfe5539082b749f6654c8",
            "price": 38.0,
            "quantity": 1,
            "position": 1,
            "seller_id": "1900267e848ceeba8fa32d80c1a5f5a8",
        }
    ]
    assert (props["revenue"], props["shipping"], props["total"], props["currency"]) == (
        38.0,
        12.69,
        50.69,
        "BRL",
    )
    assert props["order_status"] == "delivered"
    # delivered 2018-02-20 20:34:57 local: summer time ended on 2018-02-18, so UTC-3 again
    assert props["delivered_customer_at"] == "2018-02-20T23:34:57Z"


def test_winter_time_and_cancel_without_approval_use_purchase_time(landed):
    # 00b1cb03...: canceled, order_approved_at empty; 2018-08-28 15:26:39 local, UTC-3 (no DST in August)
    events = [
        m
        for m in landed.messages
        if m.get("properties", {}).get("order_id") == "00b1cb0320190ca0daa2c88b35206009"
    ]
    assert sorted((m["event"], m["timestamp"]) for m in events) == [
        ("Order Cancelled", "2018-08-28T18:26:39Z"),
        ("Order Completed", "2018-08-28T18:26:39Z"),
    ]
    assert "approved_at" not in events[0]["properties"]


def test_cancel_uses_approval_time_when_present(landed):
    cancels = {m["properties"]["order_id"]: m for m in landed.tracks("Order Cancelled")}
    completed = {m["properties"]["order_id"]: m for m in landed.tracks("Order Completed")}
    statuses = Counter(m["properties"]["order_status"] for m in cancels.values())
    assert statuses == {"canceled": 523, "unavailable": 483}
    for order_id, cancel in cancels.items():
        props = completed[order_id]["properties"]
        assert cancel["timestamp"] == props.get("approved_at", completed[order_id]["timestamp"])


def test_money_sums_match_the_raw_files(landed, expected):
    orders = landed.tracks("Order Completed")
    assert len({m["properties"]["order_id"] for m in orders}) == expected["distinct_orders"]

    def total(key: str) -> float:
        return float(sum(Decimal(str(m["properties"].get(key, 0))) for m in orders))

    assert total("revenue") == expected["revenue"] == 888_824.05
    assert total("shipping") == expected["shipping"] == 140_584.26
    assert total("total") == expected["total"] == 1_155_334.46
    assert sum(len(m["properties"].get("products", [])) for m in orders) == expected["order_items"]
    assert sum(1 for m in orders if not m["properties"].get("products")) == expected["orders_without_items"]


def test_missing_file_error_says_what_to_do(tmp_path):
    from cdp.importers import ImporterError, run_import

    (tmp_path / "olist_customers_dataset.csv").write_text("customer_id\n")
    with pytest.raises(ImporterError, match="olist_orders_dataset.csv is missing"):
        run_import("olist", tmp_path, tmp_path / "landing")


def test_reimport_is_byte_identical(landed, tmp_path):
    assert import_again_identical("olist", DATASET, landed, tmp_path)
