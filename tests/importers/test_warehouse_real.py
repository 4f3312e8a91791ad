"""Warehouse-level checks: the real imports built with dbt, marts compared with `expected_<format>()`.

Two warehouses ("shops", see conftest.py): A = ga4 + rees46 + segment, B = olist + uci. Every
expected value comes from the raw files (the `expected_*` functions), never from converter output.
"""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import pytest

from tests.helpers import build_warehouse, query
from tests.importers.test_ga4 import DATASET as GA4
from tests.importers.test_ga4 import expected_ga4
from tests.importers.test_olist import DATASET as OLIST
from tests.importers.test_olist import expected_olist
from tests.importers.test_rees46 import DATASET as REES46
from tests.importers.test_rees46 import expected_rees46
from tests.importers.test_segment import DATASET as SEGMENT
from tests.importers.test_segment import expected_segment
from tests.importers.test_uci import DATASET as UCI
from tests.importers.test_uci import expected_uci


@pytest.fixture(scope="module")
def warehouses(landed_real, real_landing_root, tmp_path_factory) -> dict[str, Path]:
    """Both shops built by dbt at the same time (two processes: wall time of one build on 2 cores)."""
    for fmt, dataset in (
        ("ga4", GA4),
        ("rees46", REES46),
        ("segment", SEGMENT),
        ("olist", OLIST),
        ("uci", UCI),
    ):
        landed_real(fmt, dataset)
    folder = tmp_path_factory.mktemp("warehouse")
    with ThreadPoolExecutor(max_workers=2) as pool:
        # the whole project with `dbt build`: every data test and unit test also runs on real data
        futures = {
            shop: pool.submit(
                build_warehouse,
                real_landing_root / shop,
                folder / f"{shop}.duckdb",
            )
            for shop in ("shop_a", "shop_b")
        }
        return {shop: future.result() for shop, future in futures.items()}


@pytest.fixture(scope="module")
def shop_a(warehouses) -> Path:
    return warehouses["shop_a"]


@pytest.fixture(scope="module")
def shop_b(warehouses) -> Path:
    return warehouses["shop_b"]


def _outcomes(db, source: str) -> dict:
    rows = query(
        db,
        f"select outcome, coalesce(quarantine_reason, ''), sum(message_count) from marts.data_quality_summary "
        f"where source_name = '{source}' group by all",
    )
    return {(outcome, reason): int(n) for outcome, reason, n in rows}


def _types(db, source: str) -> dict:
    rows = query(
        db, f"select message_type, count(*) from marts.fct_events where source_name = '{source}' group by 1"
    )
    return dict(rows)


def _names(db, source: str) -> dict:
    rows = query(
        db,
        f"select event_name, count(*) from marts.fct_events "
        f"where source_name = '{source}' and message_type = 'track' group by 1",
    )
    return dict(rows)


def _orders(db, source: str) -> tuple:
    return query(
        db,
        "select count(*), count(distinct order_id), sum(revenue), sum(shipping), sum(total), "
        "count(*) filter (where not has_order_id), count(*) filter (where is_cancelled) "
        f"from marts.fct_orders where source_name = '{source}'",
    )[0]


def test_ga4_in_the_warehouse(shop_a, landed_real):
    e = expected_ga4(GA4)
    assert _outcomes(shop_a, "ga4") == {("staged", ""): e["messages"]}
    assert _types(shop_a, "ga4") == e["events_by_type"]
    assert _names(shop_a, "ga4") == e["events_by_name"]
    count, distinct, revenue, _, _, without_id, _ = _orders(shop_a, "ga4")
    assert count == distinct == e["distinct_orders"] == 504
    assert revenue == Decimal(str(e["revenue"]))
    assert without_id == e["orders_without_order_id"] == 62
    # event_id is the messageId the importer wrote
    first = landed_real("ga4", GA4).messages[0]
    assert query(
        shop_a, f"select event_name from marts.fct_events where event_id = '{first['messageId']}'"
    ) == [(first["event"],)]


def test_rees46_in_the_warehouse(shop_a):
    e = expected_rees46(REES46)
    assert _outcomes(shop_a, "rees46") == {
        ("staged", ""): e["messages"] - e["duplicate_message_ids"],
        ("duplicate", ""): e["duplicate_message_ids"],
    }
    names = dict(e["events_by_name"])
    for name, n in e["duplicates_by_name"].items():
        names[name] -= n
    assert _names(shop_a, "rees46") == names
    count, distinct, revenue, *_ = _orders(shop_a, "rees46")
    assert count == distinct == e["distinct_orders"] == 139
    assert revenue == Decimal(str(e["revenue"]))


def test_segment_fixtures_in_the_warehouse(shop_a):
    e = expected_segment(SEGMENT)
    outcomes = _outcomes(shop_a, "segment")
    assert sum(outcomes.values()) == e["messages"]
    assert outcomes.pop(("staged", "")) == e["staged"] == 4
    assert outcomes.pop(("duplicate", "")) == e["duplicates_after_quarantine"] == 83
    assert {reason: n for (_, reason), n in outcomes.items()} == e["quarantined_by_reason"]
    assert sum(_types(shop_a, "segment").values()) == e["staged"]


def test_olist_in_the_warehouse(shop_b):
    e = expected_olist(OLIST)
    assert _outcomes(shop_b, "olist") == {("staged", ""): e["messages"]}
    assert _types(shop_b, "olist") == e["events_by_type"]
    assert _names(shop_b, "olist") == e["events_by_name"]
    count, distinct, revenue, shipping, total, without_id, cancelled = _orders(shop_b, "olist")
    assert count == distinct == e["distinct_orders"] == 6_605
    assert (revenue, shipping, total) == (
        Decimal(str(e["revenue"])),
        Decimal(str(e["shipping"])),
        Decimal(str(e["total"])),
    )
    assert without_id == 0
    assert cancelled == e["events_by_name"]["Order Cancelled"] == 1_006
    assert query(
        shop_b,
        "select ordered_at, currency from marts.fct_orders where order_id = '494ccc8cd99c1f8293512733b50d1658'",
    ) == [(dt.datetime(2018, 2, 9, 12, 47, 2), e["currency"])]


def test_uci_in_the_warehouse(shop_b):
    e = expected_uci(UCI)
    assert _outcomes(shop_b, "uci") == {("staged", ""): e["messages"]}
    assert _types(shop_b, "uci") == e["events_by_type"]
    assert _names(shop_b, "uci") == e["events_by_name"]
    count, distinct, revenue, *_ = _orders(shop_b, "uci")
    assert count == distinct == e["distinct_orders"] == 6_302
    assert revenue == Decimal(str(e["revenue"]))
    assert query(
        shop_b, "select ordered_at, currency, user_id from marts.fct_orders where order_id = '558647'"
    ) == [(dt.datetime(2011, 7, 1, 9, 39), e["currency"], "14868")]


def test_olist_orders_resolve_to_one_profile_per_person(shop_b):
    """Olist mints a customer_id per order; the identify calls link each to customer_unique_id.
    Identity resolution must find the persons (6,516), not the per-order ids (6,605)."""
    expected = expected_olist(OLIST)
    profiles = query(
        shop_b,
        "select count(distinct profile_id), count(distinct anonymous_id) from marts.fct_orders "
        "where source_name = 'olist'",
    )
    assert profiles == [(expected["distinct_persons"], 6_605)]
    # every order of a repeat buyer lands on the same profile as the buyer's identify
    split = query(
        shop_b,
        """select count(*) from (
               select user_id from marts.fct_events
               where source_name = 'olist' and message_type = 'identify'
               group by user_id having count(distinct profile_id) > 1)""",
    )
    assert split == [(0,)]
