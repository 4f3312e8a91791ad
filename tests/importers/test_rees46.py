"""`cdp import rees46` on the real REES46 clickstream slice (2019-10-01 00:00-02:40 UTC)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.importers._shared import Landed, assert_valid_segment, import_again_identical, real_dataset

DATASET = real_dataset("rees46_multicategory_events")
SPEC_NAMES = {
    "view": "Product Viewed",
    "cart": "Product Added",
    "remove_from_cart": "Product Removed",
    "purchase": "Order Completed",
}


def _csv_glob(raw_path: Path) -> str:
    raw_path = Path(raw_path)
    glob = raw_path / "*.csv" if raw_path.is_dir() else raw_path
    return str(glob).replace("'", "''")


def expected_rees46(raw_path: Path) -> dict:
    """Warehouse expectations computed with DuckDB from the raw CSV only (every column read as text).

    One Order Completed per (user_session, event_time) of purchase rows; exact duplicate rows land
    as duplicate messageIds, which the warehouse drops (`duplicate_message_ids`).
    """
    con = duckdb.connect()
    con.execute(
        f"create view r as select * from read_csv('{_csv_glob(raw_path)}', header = true, "
        "all_varchar = true, delim = ',', quote = '\"')"
    )
    by_type = dict(con.execute("select event_type, count(*) from r group by 1").fetchall())
    rows, distinct_rows, users, sessions = con.execute(
        "select count(*), (select count(*) from (select distinct * from r)), "
        "count(distinct user_id), count(distinct user_session) from r"
    ).fetchone()
    orders, revenue, purchase_rows = con.execute(
        """
        with p as (select distinct * from r where event_type = 'purchase')
        select count(distinct (user_session, event_time)), sum(price::decimal(18, 2)), count(*) from p
        """
    ).fetchone()
    duplicate_purchase_rows = con.execute(
        "select count(*) - (select count(*) from (select distinct * from r where event_type = 'purchase')) "
        "from r where event_type = 'purchase'"
    ).fetchone()[0]
    duplicates_by_type = con.execute(
        "select event_type, count(*) - count(distinct (event_time, product_id, category_id, category_code, "
        "brand, price, user_id, user_session)) from r where event_type <> 'purchase' group by 1"
    ).fetchall()
    events_by_name = {SPEC_NAMES.get(t, t): n for t, n in by_type.items() if t != "purchase"}
    if orders:
        events_by_name["Order Completed"] = orders
    messages = rows - duplicate_purchase_rows - (purchase_rows - orders)
    return {
        "input_rows": rows,
        "messages": messages,
        "events_by_type": {"track": messages},
        "events_by_name": events_by_name,
        "distinct_orders": orders,
        "revenue": float(revenue or 0),
        "duplicate_message_ids": rows - distinct_rows - duplicate_purchase_rows,
        "duplicates_by_name": {SPEC_NAMES.get(t, t): n for t, n in duplicates_by_type if n},
        "distinct_user_ids": users,
        "distinct_anonymous_ids": sessions,
    }


@pytest.fixture(scope="module")
def expected() -> dict:
    return expected_rees46(DATASET)


@pytest.fixture(scope="module")
def landed(landed_real) -> Landed:
    return landed_real("rees46", DATASET)


def test_counts_match_the_raw_file(landed, expected):
    assert expected["input_rows"] == 11_562
    assert len(landed.messages) == expected["messages"] == 11_562
    assert landed.by_type() == expected["events_by_type"]
    assert landed.by_event() == expected["events_by_name"]
    assert landed.by_event() == {"Product Viewed": 11_313, "Product Added": 110, "Order Completed": 139}
    assert len({m["userId"] for m in landed.messages}) == expected["distinct_user_ids"] == 3_208
    assert len({m["anonymousId"] for m in landed.messages}) == expected["distinct_anonymous_ids"] == 3_584


def test_every_message_is_valid_segment(landed):
    for message in landed.messages:
        assert_valid_segment(message)
        assert message["receivedAt"] == message["timestamp"]


def test_exact_duplicate_rows_give_duplicate_message_ids(landed, expected):
    assert landed.duplicate_message_ids() == expected["duplicate_message_ids"] == 4
    hp = [
        m
        for m in landed.messages
        if m["timestamp"] == "2019-10-01T02:25:40Z"
        and m["userId"] == "548049635"
        and m["properties"]["product_id"] == "1307116"
    ]
    assert len(hp) == 4 and len({m["messageId"] for m in hp}) == 1  # the line appears 4 times


def test_first_row_converted_exactly(landed):
    # 2019-10-01 00:00:00 UTC,view,44600062,2103807459595387724,,shiseido,35.79,541312140,72d76fde-...
    m = landed.messages[0]
    assert m["type"] == "track" and m["event"] == "Product Viewed"
    assert m["timestamp"] == "2019-10-01T00:00:00Z"
    assert m["userId"] == "541312140"
    assert m["anonymousId"] == "72d76fde-8bb3-4e00-8c23-a032dfed738c"
    # category_code empty -> absent; 19-digit category_id kept as exact text
    assert m["properties"] == {
        "product_id": "44600062",
        "category_id": "2103807459595387724",
        "brand": "shiseido",
        "price": 35.79,
    }


def test_empty_brand_is_absent_not_empty(landed):
    products = [m["properties"] for m in landed.messages if m["event"] != "Order Completed"]
    products += [p for m in landed.tracks("Order Completed") for p in m["properties"]["products"]]
    assert len(products) == 11_562
    assert sum("brand" not in p for p in products) == 1_691  # SOURCE.md: brand empty in 1,691 rows
    assert sum("category" not in p for p in products) == 3_778  # category_code empty in 3,778 rows
    assert all(m["properties"].get("brand") != "" for m in landed.messages)
    assert all(m["properties"].get("category") != "" for m in landed.messages)
    assert all(len(p["category_id"]) == 19 and p["category_id"].isdigit() for p in products)


def test_purchase_becomes_order_with_one_product(landed, expected):
    orders = landed.tracks("Order Completed")
    assert len({m["properties"]["order_id"] for m in orders}) == expected["distinct_orders"] == 139
    first = next(m for m in orders if m["timestamp"] == "2019-10-01T00:02:14Z")
    assert first["userId"] == "543272936"
    assert first["anonymousId"] == "8187d148-3c41-46d4-b0c0-9c08cd9dc564"
    assert first["properties"]["revenue"] == 130.76
    assert first["properties"]["products"] == [
        {
            "product_id": "1004856",
            "category_id": "2053013555631882655",
            "category": "electronics.smartphone",
            "brand": "samsung",
            "price": 130.76,
            "quantity": 1,
            "position": 1,
        }
    ]


def test_revenue_matches_the_raw_file(landed, expected):
    orders = landed.tracks("Order Completed")
    assert round(sum(m["properties"]["revenue"] for m in orders), 2) == round(expected["revenue"], 2)
    assert round(sum(p["price"] for m in orders for p in m["properties"]["products"]), 2) == round(
        expected["revenue"], 2
    )


def test_purchases_in_one_session_and_second_merge_into_one_order(tmp_path):
    header = "event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session\n"
    rows = [
        "2019-10-01 00:00:05 UTC,purchase,1,2053013555631882655,,a,10.00,7,s1\n",
        "2019-10-01 00:00:05 UTC,view,3,2053013555631882655,,,5.00,8,s2\n",
        "2019-10-01 00:00:05 UTC,purchase,2,2053013555631882655,,b,2.50,7,s1\n",
        "2019-10-01 00:00:06 UTC,purchase,1,2053013555631882655,,a,10.00,7,s1\n",
    ]
    source = tmp_path / "events.csv"
    source.write_text(header + "".join(rows))
    landed = Landed("rees46", source, tmp_path / "landing")
    orders = landed.tracks("Order Completed")
    assert [len(m["properties"]["products"]) for m in orders] == [2, 1]
    assert orders[0]["properties"]["revenue"] == 12.5
    assert orders[0]["properties"]["order_id"] != orders[1]["properties"]["order_id"]


def test_bad_row_error_names_file_and_line(tmp_path):
    from cdp.importers import ImporterError, run_import

    header = "event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session\n"
    good = tmp_path / "good.csv"
    good.write_text(header + "2019-10-01 00:00:05 UTC,view,1,2,,a,10.00,7,s1\n")
    run_import("rees46", good, tmp_path / "landing")
    landed_dir = tmp_path / "landing" / "segment" / "rees46"
    previous = {p.name: p.read_bytes() for p in landed_dir.iterdir()}

    bad = tmp_path / "events.csv"
    bad.write_text(
        header
        + "2019-10-01 00:00:05 UTC,view,1,2,,a,10.00,7,s1\n2019-10-01 00:00:05,view,1,2,,a,10.00,7,s1\n"
    )
    with pytest.raises(ImporterError, match=r"events\.csv, line 3: event_time"):
        run_import("rees46", bad, tmp_path / "landing")
    # a failed import leaves the previous one as it was, and no temporary files behind
    assert {p.name: p.read_bytes() for p in landed_dir.iterdir()} == previous
    assert not list((tmp_path / "landing" / "_incoming").rglob("*.partial"))


def test_reimport_is_byte_identical(landed, tmp_path):
    assert import_again_identical("rees46", DATASET, landed, tmp_path)
    # importing again into the same landing replaces the source's files instead of adding to them
    again = Landed("rees46", DATASET, tmp_path)
    assert again.digest == landed.digest
    assert [p.name for p in again.files] == ["rees46-00001.jsonl.gz"]
