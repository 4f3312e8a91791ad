"""`cdp import segment` on the real Segment-format fixtures (analytics-go, RudderStack ga4.json, dbt seed)."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pytest

from tests.importers._shared import Landed, import_again_identical, real_dataset

DATASET = real_dataset("segment_spec_payloads")
GO = DATASET / "segmentio_analytics-go_fixtures"
RUDDER = DATASET / "rudderstack_transformer_ga4_testcases" / "ga4.json"
PAGES = DATASET / "dbt-labs_segment_seed" / "example_segment_pages.csv"


def _raw_messages(raw_path: Path) -> tuple[int, list]:
    """(landing lines, messages with batch envelopes expanded), read straight from the fixture files."""
    lines = 0
    messages: list = []
    for path in sorted(p for p in Path(raw_path).rglob("*") if p.suffix in {".json", ".csv"}):
        if path.suffix == ".csv":
            with open(path, newline="", encoding="utf-8") as handle:
                rows = list(csv.DictReader(handle))
            lines += len(rows)
            messages += [
                {"type": "page", "messageId": r["id"], "userId": r["user_id"], "timestamp": r["timestamp"]}
                for r in rows
            ]
            continue
        document = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(document, dict) and "batch" in document:
            lines += 1
            messages += document["batch"]
        elif isinstance(document, list):
            lines += len(document)
            messages += [d["input"]["message"] if "input" in d else d for d in document]
        else:
            lines += 1
            messages.append(document)
    return lines, messages


def expected_segment(raw_path: Path) -> dict:
    """Expectations from the raw fixture files only.

    Nothing is invented: 15 RudderStack messages have no messageId and one has no type — the
    warehouse must quarantine them. The messageIds that exist are test constants ("I'm unique" x13,
    one RudderStack id x80), so deduplication by messageId keeps only 4 distinct ids; which of the
    duplicates survives is the warehouse's rule, hence orders are counted before deduplication.
    """
    lines, messages = _raw_messages(raw_path)
    ids = [m["messageId"] for m in messages if m.get("messageId")]
    orders = [m for m in messages if str(m.get("event", "")).strip().lower() == "order completed"]
    problems = Counter(_warehouse_problem(m) for m in messages)
    valid_ids = [m["messageId"] for m in messages if _warehouse_problem(m) is None]
    return {
        "landing_lines": lines,
        "messages": len(messages),
        "events_by_type": dict(Counter(m.get("type") or "(none)" for m in messages)),
        "missing_message_id": sum(1 for m in messages if not m.get("messageId")),
        "missing_type": sum(1 for m in messages if not m.get("type")),
        "missing_identity": sum(1 for m in messages if not (m.get("userId") or m.get("anonymousId"))),
        "distinct_message_ids": len(set(ids)),
        "duplicate_message_ids": len(ids) - len(set(ids)),
        "order_completed_before_dedup": len(orders),
        "distinct_orders_before_dedup": len({m["properties"]["order_id"] for m in orders}),
        "revenue_before_dedup": float(sum(m["properties"].get("revenue", 0) for m in orders)),
        # after the warehouse's checks (first failing check wins, in this order) and dedup
        "quarantined_by_reason": {k: v for k, v in problems.items() if k is not None},
        "staged": len(set(valid_ids)),
        "duplicates_after_quarantine": len(valid_ids) - len(set(valid_ids)),
    }


SEGMENT_TYPES = {"track", "identify", "page", "screen", "group", "alias"}


def _warehouse_problem(m: dict) -> str | None:
    """The Segment-spec checks a warehouse applies before accepting a message, first failure wins."""
    if not m.get("type"):
        return "missing_type"
    if str(m["type"]).lower() not in SEGMENT_TYPES:
        return "unknown_type"
    if not m.get("messageId"):
        return "missing_message_id"
    if not (m.get("userId") or m.get("anonymousId")):
        return "missing_identity"
    if m["type"] == "track" and not m.get("event"):
        return "missing_event_name"
    if not (m.get("timestamp") or m.get("originalTimestamp") or m.get("receivedAt")):
        return "missing_timestamp"
    return None


@pytest.fixture(scope="module")
def expected() -> dict:
    return expected_segment(DATASET)


@pytest.fixture(scope="module")
def landed(landed_real) -> Landed:
    return landed_real("segment", DATASET)


def _expand(landed: Landed) -> list[dict]:
    out: list[dict] = []
    for m in landed.messages:
        out += m["batch"] if "batch" in m else [m]
    return out


def test_counts_match_the_fixtures(landed, expected):
    assert len(landed.lines) == expected["landing_lines"] == 12 + 95 + 1
    messages = _expand(landed)
    assert len(messages) == expected["messages"] == 14 + 95 + 1
    assert dict(Counter(m.get("type") or "(none)" for m in messages)) == expected["events_by_type"]
    assert expected["events_by_type"] == {
        "track": 97,
        "page": 5,
        "group": 4,
        "identify": 1,
        "screen": 1,
        "alias": 1,
        "(none)": 1,
    }


def test_no_message_id_is_invented(landed, expected):
    messages = _expand(landed)
    assert sum(1 for m in messages if not m.get("messageId")) == expected["missing_message_id"] == 15
    ids = [m["messageId"] for m in messages if m.get("messageId")]
    assert len(ids) - len(set(ids)) == expected["duplicate_message_ids"] == 91
    assert len(set(ids)) == expected["distinct_message_ids"] == 4


def test_batch_envelopes_are_one_line_each_and_unchanged(landed):
    envelopes = [m for m in landed.messages if "batch" in m]
    assert len(envelopes) == 12
    originals = [json.loads(p.read_text()) for p in sorted(GO.glob("*.json"))]
    assert sorted(json.dumps(e, sort_keys=True) for e in envelopes) == sorted(
        json.dumps(o, sort_keys=True) for o in originals
    )
    for line in landed.lines:
        assert "\n" not in line


def test_rudderstack_messages_kept_as_they_are_including_the_malformed_one(landed, expected):
    cases = json.loads(RUDDER.read_text())
    originals = [c["input"]["message"] for c in cases]
    plain = [m for m in landed.messages if "batch" not in m]
    assert all(original in plain for original in originals)
    malformed = [m for m in landed.messages if "batch" not in m and "type" not in m]
    assert len(malformed) == expected["missing_type"] == 1
    assert malformed[0]["event"] == "tutotial complete"
    assert expected["missing_identity"] == 5
    assert expected["order_completed_before_dedup"] == 2
    assert expected["distinct_orders_before_dedup"] == 2


def test_warehouse_pages_row_maps_back_to_the_spec(landed):
    with open(PAGES, newline="", encoding="utf-8") as handle:
        (row,) = list(csv.DictReader(handle))
    page = next(m for m in landed.messages if m.get("messageId") == row["id"])
    assert page == {
        "type": "page",
        "messageId": "ajs-9527e97fc714abe02a23b3d24cf09a36",
        "anonymousId": "507f191e810c19729de860ea",
        "userId": "97980cfea0067",
        "receivedAt": "2015-02-23T22:28:55Z",
        "sentAt": "2015-02-23T22:28:55Z",
        "timestamp": "2015-02-23T22:28:55Z",
        "properties": {
            "url": "https://www.getdbt.com/",
            "path": "/product",
            "title": "Product",
            "search": "?name=ferret",
            "referrer": "https://www.google.com/",
        },
        "context": {
            "page": {
                "url": "https://www.getdbt.com/",
                "path": "/product",
                "title": "Product",
                "search": "?name=ferret",
                "referrer": "https://www.google.com/",
            },
            "campaign": {
                "source": "facebook",
                "medium": "social",
                "name": "autumn_collection_2015",
                "term": "foo",
                "content": "bar",
            },
            "ip": "8.8.8.8",
            "userAgent": row["context_user_agent"],
        },
    }


def test_single_file_jsonl_and_invalid_json_handling(tmp_path):
    from cdp.importers import ImporterError, run_import
    from cdp.landing import iter_json_lines, segment_dir

    good = tmp_path / "in.jsonl"
    good.write_text('{"type": "track", "event": "A", "messageId": "m1", "userId": "u"}\n\nnot json\n')
    run_import("segment", good, tmp_path / "landing")
    (landed_file,) = segment_dir(tmp_path / "landing", "segment").iterdir()
    lines = list(iter_json_lines(landed_file))
    assert lines == ['{"type":"track","event":"A","messageId":"m1","userId":"u"}', "not json"]

    bad = tmp_path / "bad.json"
    bad.write_text('{"type": "track",\n  "event": }')
    with pytest.raises(ImporterError, match=r"bad\.json, line 2 column 12: invalid JSON"):
        run_import("segment", bad, tmp_path / "landing2")


def test_reimport_is_byte_identical(landed, tmp_path):
    assert import_again_identical("segment", DATASET, landed, tmp_path)
