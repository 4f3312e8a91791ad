"""The generated sample world through the whole warehouse (dbt build with every test), checked
against the counts the generator knows by construction (ground_truth/expected.json)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from cdp.generate import generate_world
from tests.helpers import build_warehouse, count_landed_messages, query, scalar

EVENTS = 20_000


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    out = tmp_path_factory.mktemp("world")
    generate_world(out_dir=out, n_events=EVENTS, seed=7, force=True)
    expected = json.loads((out / "ground_truth" / "expected.json").read_text())
    db = build_warehouse(out / "landing", out / "sample.duckdb")
    return out, expected, db


def test_every_landed_message_is_accounted_for(world):
    out, expected, db = world
    landed = count_landed_messages(out / "landing")
    outcomes = {
        (source_file, outcome): int(n)
        for source_file, outcome, n in query(
            db, "select source_file, outcome, sum(message_count) from marts.data_quality_summary group by all"
        )
    }
    segment_files = {
        k[len("segment/") :]: v for k, v in expected["files"].items() if k.startswith("segment/")
    }
    assert set(landed) == set(segment_files)
    for source_file, truth in segment_files.items():
        staged = outcomes.get((source_file, "staged"), 0)
        duplicates = outcomes.get((source_file, "duplicate"), 0)
        quarantined = outcomes.get((source_file, "quarantined"), 0)
        # a truncated (invalid JSON) line holds no countable message but is one landed row
        assert staged + duplicates + quarantined == landed[source_file], source_file
        assert landed[source_file] == truth["messages"] + truth["malformed"].get("invalid_json", 0), (
            source_file
        )
        assert duplicates == truth["duplicate_copies"], source_file
        assert quarantined == sum(truth["malformed"].values()), source_file


def test_quarantine_reasons_match_the_injected_problems(world):
    _, expected, db = world
    reasons = dict(query(db, "select quarantine_reason, count(*) from marts.quarantined_events group by 1"))
    assert reasons == {reason: n for reason, n in expected["malformed_lines"].items() if n}


def test_staged_events_by_type_and_name(world):
    _, expected, db = world
    assert (
        scalar(db, "select count(*) from marts.fct_events") == expected["totals"]["distinct_valid_messages"]
    )
    by_type = dict(query(db, "select message_type, count(*) from marts.fct_events group by 1"))
    assert by_type == {k: v for k, v in expected["messages_by_type"].items() if v}
    by_name = dict(
        query(db, "select event_name, count(*) from marts.fct_events where message_type = 'track' group by 1")
    )
    assert by_name == {k: v for k, v in expected["track_events_by_canonical_name"].items() if v}
    assert (
        scalar(db, "select count(*) from marts.fct_events where is_future_event")
        == expected["far_future_events"]
    )


def test_orders_revenue_and_lines(world):
    _, expected, db = world
    orders = expected["orders"]
    assert scalar(db, "select count(*) from marts.fct_orders") == orders["distinct_orders"]
    revenue = dict(query(db, "select currency, sum(revenue) from marts.fct_orders group by 1"))
    assert revenue == {
        currency: Decimal(str(round(amount, 2))) for currency, amount in orders["revenue_by_currency"].items()
    }
    assert scalar(db, "select count(*) from marts.fct_order_items") == orders["product_lines"]
    assert (
        scalar(db, "select count(*) from marts.fct_order_items where is_missing_product_id")
        == orders["product_lines_missing_product_id"]
    )
