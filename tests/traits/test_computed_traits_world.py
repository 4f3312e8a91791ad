"""customer_computed_traits built from a small generated world (dbt build of the model and what it
needs, with its data and unit tests), checked against traits recomputed independently in Python
from the events in fct_events."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from cdp.generate import generate_world
from tests.helpers import build_warehouse, query

AS_OF = datetime(2026, 12, 1)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    out = tmp_path_factory.mktemp("traits_world")
    generate_world(out_dir=out, n_events=20_000, seed=7, force=True)
    with pytest.MonkeyPatch.context() as patch:
        # only the tests whose every parent is built (a relationship test into fct_orders is not)
        patch.setenv("DBT_INDIRECT_SELECTION", "cautious")
        db = build_warehouse(
            out / "landing",
            out / "traits.duckdb",
            select="+customer_computed_traits",
            extra_vars={"cdp__as_of": AS_OF.strftime("%Y-%m-%d %H:%M:%S")},
        )
    events = query(
        db,
        "select event_id, profile_id, message_type, event_name, event_at, properties, context"
        " from marts.fct_events where event_at <= timestamp '2026-12-01 00:00:00'",
    )
    columns = [
        name for (name,) in query(db, "select column_name from (describe marts.customer_computed_traits)")
    ]
    traits = {
        row[0]: dict(zip(columns, row, strict=True))
        for row in query(db, "select * from marts.customer_computed_traits")
    }
    profiles = {profile_id for (profile_id,) in query(db, "select profile_id from marts.dim_profiles")}
    return events, traits, profiles


def test_one_row_per_profile(world):
    _, traits, profiles = world
    assert set(traits) == profiles


def test_orders_and_revenue_last_90_days(world):
    events, traits, profiles = world
    since = AS_OF - timedelta(days=90)
    first_of_order: dict[tuple[str, str], tuple] = {}
    for event_id, profile_id, _, name, event_at, properties, _ in events:
        if name != "Order Completed" or event_at < since:
            continue
        props = json.loads(properties or "{}")
        order_key = (profile_id, props.get("order_id") or f"event:{event_id}")
        candidate = (event_at, event_id, props.get("revenue"))
        if order_key not in first_of_order or candidate < first_of_order[order_key]:
            first_of_order[order_key] = candidate
    orders: Counter = Counter()
    revenue: dict[str, Decimal] = defaultdict(Decimal)
    for (profile_id, _), (_, _, amount) in first_of_order.items():
        orders[profile_id] += 1
        if amount is not None:
            revenue[profile_id] += Decimal(str(amount))
    assert sum(orders.values()) > 50
    for profile_id in profiles:
        assert traits[profile_id]["orders_last_90_days"] == orders[profile_id], profile_id
        expected = revenue[profile_id] if profile_id in orders else None
        assert traits[profile_id]["revenue_last_90_days"] == expected, profile_id


def test_viewed_categories_most_frequent_and_first_utm_source(world):
    events, traits, profiles = world
    seen: dict[str, list[tuple]] = defaultdict(list)
    first_source: dict[str, tuple] = {}
    for event_id, profile_id, message_type, name, event_at, properties, context in events:
        if name == "Product Viewed":
            category = json.loads(properties or "{}").get("category")
            if category:
                seen[profile_id].append((event_at, category))
        if message_type == "page":
            source = (json.loads(context or "{}").get("campaign") or {}).get("source")
            if source and (
                profile_id not in first_source or (event_at, event_id) < first_source[profile_id][:2]
            ):
                first_source[profile_id] = (event_at, event_id, source)
    checked_most_frequent = 0
    for profile_id in profiles:
        views = seen.get(profile_id, [])
        categories = sorted({category for _, category in views}, key=lambda c: (c.lower(), c))
        row = traits[profile_id]
        assert row["categories_viewed_count"] == len(categories), profile_id
        assert row["categories_viewed"] == (
            json.dumps(categories, separators=(",", ":"), ensure_ascii=False) if categories else None
        )
        counts = Counter(category for _, category in views)
        last_seen = {category: max(at for at, c in views if c == category) for category in counts}
        ranked = sorted(counts, key=lambda c: (-counts[c], -last_seen[c].timestamp(), c))
        expected = ranked[0] if ranked and counts[ranked[0]] >= 2 else None
        assert row["most_frequent_viewed_category"] == expected, profile_id
        checked_most_frequent += expected is not None
        assert row["first_utm_source"] == (
            first_source[profile_id][2] if profile_id in first_source else None
        )
    assert checked_most_frequent > 20
    assert len(first_source) > 20
