"""`cdp import ga4` on the real GA4 obfuscated sample export (Google Merchandise Store, Nov-Dec 2020)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import duckdb
import pytest

from tests.importers._shared import Landed, assert_valid_segment, import_again_identical, real_dataset

DATASET = real_dataset("ga4_obfuscated_sample_ecommerce")

# written out from the brief, not imported from the converter (the test must not share its mapping)
SPEC_NAMES = {
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


def _parquet_glob(raw_path: Path) -> str:
    raw_path = Path(raw_path)
    glob = raw_path / "*.parquet" if raw_path.is_dir() else raw_path
    return str(glob).replace("'", "''")


def expected_ga4(raw_path: Path) -> dict:
    """What the warehouse should show for this export, computed with DuckDB from the raw parquet only.

    distinct_orders / revenue follow fct_orders: order key = transaction_id when it is a real id
    (not NULL, not '(not set)'), else the event itself; revenue of the first purchase per order.
    """
    con = duckdb.connect()
    con.execute(f"create view g as select * from read_parquet('{_parquet_glob(raw_path)}')")
    names = dict(con.execute("select event_name, count(*) from g group by 1").fetchall())
    total = sum(names.values())
    events_by_name: dict[str, int] = {}
    for name, n in names.items():
        if name != "page_view":
            spec = SPEC_NAMES.get(name, name)
            events_by_name[spec] = events_by_name.get(spec, 0) + n
    distinct_orders, revenue, revenue_all, tax_all, no_id = con.execute(
        """
        with p as (
            select event_timestamp, ecommerce.purchase_revenue as revenue, ecommerce.tax_value as tax,
                   nullif(ecommerce.transaction_id, '(not set)') as tid
            from g where event_name = 'purchase'
        ), ranked as (
            select *, row_number() over (partition by tid order by event_timestamp) as rn from p
        )
        select count(distinct tid) + count(*) filter (where tid is null),
               coalesce(sum(revenue) filter (where tid is null or rn = 1), 0),
               coalesce(sum(revenue), 0),
               coalesce(sum(tax), 0),
               count(*) filter (where tid is null)
        from ranked
        """
    ).fetchone()
    products, identical_keys, users = con.execute(
        """
        select (select coalesce(sum(len(items)), 0) from g),
               (select count(*) - count(distinct (user_pseudo_id, event_timestamp, event_name,
                                                  event_bundle_sequence_id)) from g),
               (select count(distinct user_pseudo_id) from g)
        """
    ).fetchone()
    return {
        "messages": total,
        "events_by_type": {"page": names.get("page_view", 0), "track": total - names.get("page_view", 0)},
        "events_by_name": events_by_name,
        "distinct_orders": distinct_orders,
        "revenue": round(float(revenue), 2),
        "revenue_all_order_completed": round(float(revenue_all), 2),
        "tax_all_order_completed": round(float(tax_all), 2),
        "orders_without_order_id": no_id,
        "products": products,
        "distinct_anonymous_ids": users,
        # identical (user, time, name, bundle) rows are numbered, so no messageId repeats
        "duplicate_message_ids": 0,
        "identical_key_rows": identical_keys,
    }


@pytest.fixture(scope="module")
def expected() -> dict:
    return expected_ga4(DATASET)


@pytest.fixture(scope="module")
def landed(landed_real) -> Landed:
    return landed_real("ga4", DATASET)


def _one(messages, **where):
    found = [m for m in messages if all(m.get(k) == v for k, v in where.items())]
    assert len(found) == 1, (where, len(found))
    return found[0]


def test_counts_per_type_and_event_match_the_raw_file(landed, expected):
    assert len(landed.messages) == expected["messages"] == 17_453
    assert landed.by_type() == expected["events_by_type"] == {"page": 5_161, "track": 12_292}
    assert landed.by_event() == expected["events_by_name"]
    assert landed.by_event()["Order Completed"] == 510


def test_every_message_is_valid_segment_and_ids_are_unique(landed, expected):
    for message in landed.messages:
        assert_valid_segment(message)
        assert message["receivedAt"] == message["timestamp"]
        ext = message["context"]["externalIds"]
        assert ext == [
            {"id": message["anonymousId"], "type": "ga_client_id", "collection": "users", "encoding": "none"}
        ]
        assert "userId" not in message  # user_id is NULL everywhere in this export
    assert landed.duplicate_message_ids() == expected["duplicate_message_ids"] == 0
    assert len({m["anonymousId"] for m in landed.messages}) == expected["distinct_anonymous_ids"] == 13_526


def test_purchase_with_null_transaction_id_converted_exactly(landed):
    # first purchase of the file: ecommerce.transaction_id is NULL -> no order_id (warehouse uses event id)
    m = _one(landed.messages, anonymousId="2422026.0165722609", event="Order Completed")
    assert m["timestamp"] == "2020-11-01T01:44:44.942033Z"  # event_timestamp 1604195084942033 us
    props = m["properties"]
    assert "order_id" not in props
    assert (props["revenue"], props["tax"], props["currency"]) == (72.0, 7.0, "USD")
    assert props["ga_session_id"] == 9417724700
    assert props["products"] == [
        {
            "product_id": "9196875",
            "name": "Google KeepCup",
            "brand": "Google",
            "category": "New",
            "variant": "Single Option Only",
            "price": 35.0,
            "quantity": 2,
            "position": 1,
        },
        {
            "product_id": "9180823",
            "name": "Google Mini Kick Ball",
            "brand": "Google",
            "category": "Fun",
            "variant": "Single Option Only",
            "price": 2.0,
            "quantity": 1,
            "position": 2,
        },
    ]
    assert m["context"]["page"]["url"] == "https://shop.googlemerchandisestore.com/ordercompleted.html"
    assert m["context"]["device"]["type"] == "desktop"
    assert m["context"]["locale"] == "en-us"


def test_not_set_transaction_id_gives_no_order_id(landed, expected):
    m = _one(landed.messages, anonymousId="91518233.2791103693", event="Order Completed")
    assert m["timestamp"] == "2020-11-02T03:46:45.206601Z"
    assert "order_id" not in m["properties"]
    assert m["properties"]["revenue"] == 67.0
    without = [m for m in landed.tracks("Order Completed") if "order_id" not in m["properties"]]
    assert len(without) == expected["orders_without_order_id"] == 62  # 59 '(not set)' + 3 NULL
    assert all(m["properties"].get("order_id") != "(not set)" for m in landed.messages)


def test_repeated_transaction_id_keeps_order_id_on_both_events(landed):
    pair = [m for m in landed.tracks("Order Completed") if m["properties"].get("order_id") == "351286"]
    assert sorted(m["timestamp"] for m in pair) == [
        "2020-11-25T02:33:37.894673Z",
        "2020-11-25T02:33:37.906446Z",
    ]
    assert len({m["messageId"] for m in pair}) == 2


def test_money_sums_match_the_raw_file(landed, expected):
    orders = landed.tracks("Order Completed")
    assert (
        round(sum(m["properties"].get("revenue", 0) for m in orders), 2)
        == expected["revenue_all_order_completed"]
    )
    assert round(sum(m["properties"].get("tax", 0) for m in orders), 2) == expected["tax_all_order_completed"]
    # what fct_orders should hold: first Order Completed per coalesce(order_id, messageId) by time
    first: dict[str, dict] = {}
    for m in sorted(orders, key=lambda m: m["timestamp"]):
        first.setdefault(m["properties"].get("order_id") or m["messageId"], m)
    assert len(first) == expected["distinct_orders"] == 504
    assert round(sum(m["properties"].get("revenue", 0) for m in first.values()), 2) == expected["revenue"]
    products = sum(len(m["properties"].get("products", [])) for m in landed.messages)
    assert products == expected["products"] == 17_423


def test_page_view_becomes_page_with_url_title_and_derived_path(landed):
    m = _one(landed.messages, type="page", timestamp="2020-11-01T00:19:25.382550Z")
    url = "https://shop.googlemerchandisestore.com/Google Redesign/Lifestyle/Drinkware"
    assert m["anonymousId"] == "41647610.0583114001"
    assert m["properties"]["url"] == m["context"]["page"]["url"] == url
    assert m["properties"]["title"] == "Page Unavailable"
    assert m["properties"]["path"] == "/Google Redesign/Lifestyle/Drinkware"
    assert m["properties"]["ga_session_id"] == 4281370290
    assert m["context"]["traffic_source"] == {"source": "google", "medium": "organic", "name": "(organic)"}


def test_event_scoped_campaign_goes_to_context_campaign(landed):
    with_campaign = [m for m in landed.messages if "campaign" in m["context"]]
    assert with_campaign, "about a third of GA4 events carry source/medium/campaign params"
    sources = Counter(m["context"]["campaign"].get("source") for m in with_campaign)
    assert sources["google"] > 0
    searched = landed.tracks("Products Searched")
    assert searched and all(m["properties"]["query"] == "<obfuscated>" for m in searched)


def test_reimport_is_byte_identical(landed, tmp_path):
    assert import_again_identical("ga4", DATASET, landed, tmp_path)
