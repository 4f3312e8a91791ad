"""customer_traits and customer_affinities on a generated sample world, against values recomputed
independently in Python from the marts they read (fct_orders, fct_events,
fct_product_events_enriched, the fx seed)."""

from __future__ import annotations

import csv
import json
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest

from cdp.generate import generate_world
from tests.helpers import REPO, build_warehouse, query

AS_OF = datetime(2026, 12, 1)
WEIGHTS = {"Product Viewed": 1, "Product Added": 3, "Order Completed": 5}
HALF_LIFE = 30


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    out = tmp_path_factory.mktemp("traits_world")
    generate_world(out_dir=out, n_events=20_000, seed=7, force=True)
    select = " ".join(
        f"+{model},resource_type:{kind}"
        for model in ("customer_traits", "customer_affinities")
        for kind in ("model", "seed", "snapshot")
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DBT_INDIRECT_SELECTION", "empty")
        return build_warehouse(
            out / "landing", out / "traits.duckdb", select=select, extra_vars={"cdp__as_of": str(AS_OF)}
        )


def cents(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def traits(db) -> dict[str, dict]:
    cols = [
        "profile_id", "order_count", "lifetime_revenue", "orders_without_fx_rate", "refund_rate",
        "days_since_last_order", "clv_frequency", "clv_recency_days", "clv_age_days", "rfm_segment",
        "preferred_category", "preferred_brand", "preferred_price_tier", "price_sensitivity",
        "consent_marketing", "consent_advertising", "consent_analytics", "probability_alive",
        "predicted_purchases_365d", "predicted_clv_365d", "cancelled_order_count",
    ]
    rows = query(db, f"select {', '.join(cols)} from marts.customer_traits")
    return {row[0]: dict(zip(cols, row, strict=True)) for row in rows}


def test_one_row_per_profile(warehouse):
    profiles = {row[0] for row in query(warehouse, "select profile_id from marts.dim_profiles")}
    got = traits(warehouse)
    assert len(got) == len(query(warehouse, "select 1 from marts.customer_traits")) == len(profiles)
    assert set(got) == profiles


def test_orders_revenue_refunds_and_clv_inputs(warehouse):
    with open(REPO / "seeds" / "competitor_fx_rates.csv") as handle:
        rates = {row["currency"]: Decimal(row["units_per_usd"]) for row in csv.DictReader(handle)}
    orders = query(
        warehouse,
        "select profile_id, ordered_at, coalesce(revenue, total), currency, "
        # refunded as of AS_OF: a later refund has not happened yet
        f"coalesce(is_refunded and refunded_at < timestamp '{AS_OF}', false), "
        f"coalesce(is_cancelled and cancelled_at < timestamp '{AS_OF}', false) "
        "from marts.fct_orders",
    )
    per: dict[str, list] = {}
    cancelled: dict[str, int] = {}
    for profile, at, revenue, currency, refunded, is_cancelled in orders:
        if at < AS_OF and is_cancelled:  # no purchase
            cancelled[profile] = cancelled.get(profile, 0) + 1
        elif at < AS_OF:
            per.setdefault(profile, []).append((at, revenue, currency, refunded))
    got = traits(warehouse)
    observation_end = (AS_OF - timedelta(seconds=1)).date()
    for profile, row in got.items():
        mine = per.get(profile, [])
        assert row["order_count"] == len(mine), profile
        assert row["cancelled_order_count"] == cancelled.get(profile, 0), profile
        if not mine:
            assert row["rfm_segment"] == "No Orders" and row["lifetime_revenue"] == 0
            assert row["clv_frequency"] is None and row["refund_rate"] is None
            continue
        converted = [r / rates[c] * rates["USD"] for _, r, c, _ in mine if c in rates and r is not None]
        if any(c in rates for _, _, c, _ in mine):
            assert row["lifetime_revenue"] == cents(sum(converted, Decimal(0))), profile
        else:  # no order could be converted: unknown, not 0
            assert row["lifetime_revenue"] is None, profile
        assert row["orders_without_fx_rate"] == sum(1 for _, _, c, _ in mine if c not in rates)
        assert row["refund_rate"] == pytest.approx(sum(1 for *_, f in mine if f) / len(mine), abs=1e-12)
        days = sorted({at.date() for at, *_ in mine})
        assert row["clv_frequency"] == len(days) - 1
        assert row["clv_recency_days"] == (days[-1] - days[0]).days
        assert row["clv_age_days"] == (observation_end - days[0]).days
        assert row["days_since_last_order"] == (AS_OF.date() - max(at for at, *_ in mine).date()).days
        assert 0 <= row["probability_alive"] <= 1
        assert row["predicted_purchases_365d"] >= 0
        assert row["rfm_segment"] != "No Orders"


def test_preferences_follow_decayed_affinities(warehouse):
    lines = query(
        warehouse,
        """
        select e.profile_id, l.event_name, l.event_at, l.category, l.brand, l.price_tier
        from marts.fct_product_events_enriched as l
        inner join marts.fct_events as e on l.event_id = e.event_id
        -- a repeated Order Completed of an order_id is the same purchase: only its first event counts
        where l.event_name <> 'Order Completed' or l.event_id in (select event_id from marts.fct_orders)
        """,
    )
    scores: dict[tuple[str, str], dict[str, float]] = {}
    for profile, name, at, *values in lines:
        if name not in WEIGHTS or at >= AS_OF:
            continue
        age = (AS_OF - at.replace(microsecond=0)).total_seconds() / 86400  # whole seconds, as datediff counts
        weight = WEIGHTS[name] * 0.5 ** (age / HALF_LIFE)
        for dimension, value in zip(("category", "brand", "price_tier"), values, strict=True):
            if value is not None:
                bucket = scores.setdefault((profile, dimension), {})
                bucket[value] = bucket.get(value, 0.0) + weight
    got = traits(warehouse)
    checked = 0
    for profile, row in got.items():
        for dimension in ("category", "brand", "price_tier"):
            bucket = scores.get((profile, dimension))
            if not bucket:
                assert row[f"preferred_{dimension}"] is None
                continue
            best = min(bucket.items(), key=lambda item: (-round(item[1], 6), item[0]))[0]
            assert row[f"preferred_{dimension}"] == best, (profile, dimension, bucket)
            checked += 1
    assert checked > 100


def test_price_sensitivity_share_of_cheapest_purchases(warehouse):
    lines = query(
        warehouse,
        """
        select e.profile_id, l.price_position
        from marts.fct_product_events_enriched as l
        inner join marts.fct_events as e on l.event_id = e.event_id
        where l.event_name = 'Order Completed' and l.event_at < timestamp '2026-12-01'
            and l.event_id in (
                select event_id from marts.fct_orders
                where not coalesce(is_cancelled and cancelled_at < timestamp '2026-12-01', false)
            )
        """,
    )
    counts: dict[str, list[int]] = {}
    for profile, position in lines:
        if position in ("cheapest", "mid_range", "premium"):
            pair = counts.setdefault(profile, [0, 0])
            pair[0] += position == "cheapest"
            pair[1] += 1
    for profile, row in traits(warehouse).items():
        if profile in counts:
            assert row["price_sensitivity"] == pytest.approx(counts[profile][0] / counts[profile][1], abs=1e-12)
        else:
            assert row["price_sensitivity"] is None


def test_consent_from_the_latest_record_and_false_without_one(warehouse):
    events = query(
        warehouse,
        "select profile_id, event_at, received_at, event_id, consent_preferences from marts.fct_events "
        "where consent_preferences is not null and event_at < timestamp '2026-12-01'",
    )
    latest: dict[str, tuple] = {}
    for profile, at, received, event_id, prefs in events:
        key = (at, received, event_id)
        if profile not in latest or key > latest[profile][0]:
            latest[profile] = (key, prefs)
    got = traits(warehouse)
    without = 0
    for profile, row in got.items():
        if profile not in latest:
            without += 1
            assert not (row["consent_marketing"] or row["consent_advertising"] or row["consent_analytics"])
            continue
        prefs = json.loads(latest[profile][1])
        for category in ("marketing", "advertising", "analytics"):
            assert row[f"consent_{category}"] is (prefs.get(category) is True), (profile, category)
    assert without > 0


def test_affinity_ranks_are_dense_and_unique(warehouse):
    rows = query(
        warehouse,
        """
        select profile_id, dimension, count(*), min(affinity_rank), max(affinity_rank), count(distinct affinity_rank)
        from marts.customer_affinities group by 1, 2
        """,
    )
    assert rows
    for _, _, n, low, high, distinct in rows:
        assert (low, high, distinct) == (1, n, n)
