"""Exact values from the hand-written fixture landing set (tests/fixtures/landing)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tests.helpers import FIXTURE_LANDING, count_landed_messages, query, scalar


def test_every_landed_message_is_accounted_for_per_file(fixture_warehouse):
    landed = count_landed_messages(FIXTURE_LANDING)
    assert landed == {
        "server/batch-001.ndjson": 5,  # 4 batch elements + 1 empty batch line
        "web/events-2024-03-10.jsonl": 22,
        "web/events-2024-03-11.jsonl.gz": 2,
    }
    rows = query(
        fixture_warehouse,
        """select source_file,
                  sum(message_count) filter (where outcome = 'staged'),
                  coalesce(sum(message_count) filter (where outcome = 'duplicate'), 0),
                  coalesce(sum(message_count) filter (where outcome = 'quarantined'), 0)
           from marts.data_quality_summary group by source_file order by source_file""",
    )
    for source_file, staged, duplicates, quarantined in rows:
        assert staged + duplicates + quarantined == landed[source_file], source_file
    assert rows == [
        ("server/batch-001.ndjson", 3, 0, 2),
        ("web/events-2024-03-10.jsonl", 11, 1, 10),
        ("web/events-2024-03-11.jsonl.gz", 1, 1, 0),
    ]


def test_quarantine_reasons_with_file_and_line(fixture_warehouse):
    rows = query(
        fixture_warehouse,
        "select source_file, line_number, batch_index, quarantine_reason from marts.quarantined_events "
        "order by source_file, line_number, batch_index",
    )
    web = "web/events-2024-03-10.jsonl"
    assert rows == [
        ("server/batch-001.ndjson", 1, 4, "not_a_message"),
        ("server/batch-001.ndjson", 2, None, "empty_batch"),
        (web, 4, None, "invalid_json"),
        (web, 5, None, "blank_line"),
        (web, 6, None, "missing_type"),
        (web, 7, None, "unknown_type"),
        (web, 8, None, "missing_message_id"),
        (web, 9, None, "missing_identity"),
        (web, 10, None, "unparseable_timestamp"),
        (web, 11, None, "non_numeric_amount"),
        (web, 12, None, "non_numeric_price"),
        (web, 13, None, "not_a_message"),
    ]


def test_duplicate_keeps_earliest_received_copy_from_any_file(fixture_warehouse):
    # m-order-1 landed twice; the gzip copy was received a second earlier, so it is the one kept
    row = query(
        fixture_warehouse,
        "select source_file, line_number, event_at from marts.fct_events where event_id = 'm-order-1'",
    )
    # receivedAt 15:00:06Z - (sentAt 11:00:05-05:00 - originalTimestamp 11:00:00-05:00) = 15:00:01Z
    assert row == [("web/events-2024-03-11.jsonl.gz", 1, dt.datetime(2024, 3, 10, 15, 0, 1))]
    # m-page-1: the first copy was received first and is kept
    assert query(
        fixture_warehouse, "select source_file from marts.fct_events where event_id = 'm-page-1'"
    ) == [("web/events-2024-03-10.jsonl",)]


def test_times_are_utc_honouring_offsets(fixture_warehouse):
    times = dict(query(fixture_warehouse, "select event_id, event_at from marts.fct_events"))
    # 09:30 at +05:30 is 04:00 UTC (skew formula not applicable: no sentAt)
    assert times["m-order-2"] == dt.datetime(2024, 3, 11, 4, 0, 0)
    assert times["m-page-1"] == dt.datetime(2024, 3, 10, 14, 58, 0)
    # batch message without sentAt inherits the envelope's: 05:00:12 - (05:00:10 - 03:00:00)
    assert times["s-add-1"] == dt.datetime(2024, 3, 11, 3, 0, 2)


def test_future_events_are_flagged_not_dropped(fixture_warehouse):
    rows = query(fixture_warehouse, "select event_id from marts.fct_events where is_future_event")
    assert rows == [("m-future",)]


def test_event_names_are_canonical(fixture_warehouse):
    names = dict(query(fixture_warehouse, "select event_id, event_name from marts.fct_events"))
    assert names["m-order-2"] == "Order Completed"  # order_completed
    assert names["m-order-3"] == "Order Completed"  # Completed Order (v1)
    assert names["m-view-1"] == "Product Viewed"  # productViewed
    original = scalar(
        fixture_warehouse, "select event_name_original from marts.fct_events where event_id='m-order-2'"
    )
    assert original == "order_completed"
    counts = dict(query(fixture_warehouse, "select message_type, count(*) from marts.fct_events group by 1"))
    assert counts == {"track": 9, "identify": 2, "page": 1, "screen": 1, "alias": 1, "group": 1}


def test_orders_and_items(fixture_warehouse):
    orders = query(
        fixture_warehouse,
        "select order_id, has_order_id, revenue, total, shipping, tax, discount, currency, product_line_count, "
        "item_quantity, lines_missing_product_id, completed_event_count, is_refunded, is_cancelled "
        "from marts.fct_orders order by order_id",
    )
    assert orders == [
        (
            "m-order-3",
            False,
            Decimal("7.5"),
            None,
            None,
            None,
            None,
            "USD",
            1,
            Decimal(1),
            0,
            1,
            False,
            False,
        ),
        (
            "o-1",
            True,
            Decimal("100.5"),
            Decimal("118.5"),
            Decimal(10),
            Decimal(8),
            Decimal(5),
            "USD",
            2,
            Decimal(3),
            1,
            2,
            True,
            False,
        ),
        ("o-2", True, Decimal(20), None, None, None, None, "EUR", 1, Decimal(1), 0, 1, False, True),
    ]
    assert scalar(fixture_warehouse, "select sum(revenue) from marts.fct_orders") == Decimal("128.0")
    items = query(
        fixture_warehouse,
        "select order_item_id, product_id, price, quantity, line_amount, is_missing_product_id "
        "from marts.fct_order_items order by 1",
    )
    assert items == [
        ("m-order-3:1", "p-4", Decimal("7.5"), Decimal(1), Decimal("7.5"), False),
        ("o-1:1", "p-1", Decimal("45.25"), Decimal(2), Decimal("90.5"), False),
        ("o-1:2", None, Decimal(10), Decimal(1), Decimal(10), True),
        ("o-2:1", "p-3", Decimal(20), Decimal(1), Decimal(20), False),
    ]


def test_context_is_flattened(fixture_warehouse):
    row = query(
        fixture_warehouse,
        "select page_path, utm_source, utm_campaign, device_id, advertising_id, library_name, locale, email "
        "from marts.fct_events where event_id = 'm-order-1'",
    )
    assert row == [("/p/1", "news", "spring", "dev-1", "ad-1", "analytics.js", "en-US", None)]
    email = scalar(fixture_warehouse, "select email from marts.fct_events where event_id = 'm-identify-1'")
    assert email == "  Jane.Doe@Example.COM "  # staged as sent; identity resolution normalises
    lib = scalar(
        fixture_warehouse, "select library_name from marts.fct_events where event_id = 's-identify-1'"
    )
    assert lib == "analytics-python"  # inherited from the batch envelope


def test_every_event_carries_its_profile(fixture_warehouse):
    rows = query(
        fixture_warehouse,
        "select profile_id, list(event_id order by event_id) from marts.fct_events group by 1",
    )
    groups = sorted(events for _, events in rows)
    assert groups == [
        ["m-alias-1", "m-future", "m-group-1", "m-order-3", "m-view-1"],  # anon-3 aliased to u-3
        [
            "m-identify-1",
            "m-order-1",
            "m-order-1-again",
            "m-page-1",
            "m-refund-1",
        ],  # anon-1 identified as u-1
        ["m-order-2", "s-add-1", "s-cancel-2", "s-identify-1"],  # u-2
        ["m-screen-1"],  # anon-4, never identified
    ]
    orders = query(
        fixture_warehouse,
        "select count(*) from marts.fct_orders join marts.fct_events using (event_id) "
        "where fct_orders.profile_id = fct_events.profile_id",
    )
    assert orders == [(3,)]
