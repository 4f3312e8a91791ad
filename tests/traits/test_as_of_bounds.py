"""Traits, computed traits and audiences see the same events: every upper bound on the as-of time
goes through the macro cdp_before_as_of (strictly before), every window through cdp_in_window."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
AREAS = [
    "models/intermediate/traits",
    "models/marts/traits",
    "models/intermediate/audiences",
    "models/marts/audiences",
    "macros/traits",
    "macros/audiences",
]
# a hand-written comparison with the as-of time: `x < {{ cdp_as_of() }}`, `<= ' ~ ctx.as_of`, ...
DIRECT = re.compile(r"[<>]=?\s*(\{\{\s*cdp_as_of\(\)\s*\}\}|'\s*~\s*ctx\.as_of|' ~ cdp_as_of\(\))")


def test_no_hand_written_as_of_bounds():
    offenders = []
    for area in AREAS:
        for path in sorted((REPO / area).glob("*.sql")):
            if path.name == "cdp_as_of.sql":
                continue
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                if DIRECT.search(line):
                    offenders.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert offenders == []


def test_every_event_input_is_bounded_by_the_macro():
    uses = {
        "models/intermediate/traits/int_traits__orders_converted.sql": "cdp_before_as_of('ordered_at')",
        "models/intermediate/traits/int_traits__purchase_lines.sql": "cdp_before_as_of('event_at')",
        "models/intermediate/traits/int_traits__affinity_lines.sql": "cdp_before_as_of('event_at')",
        "models/intermediate/traits/int_traits__consent_latest.sql": "cdp_before_as_of('event_at')",
        "models/intermediate/audiences/int_audiences__product_competitor_state.sql":
            "cdp_before_as_of('observations.observed_at')",
        "macros/traits/computed_traits_sql.sql": "cdp_before_as_of('events.event_at')",
        "macros/audiences/cdp_audience_sql.sql": "cdp_before_as_of('event_at')",
    }  # fmt: skip
    missing = [path for path, call in uses.items() if call not in (REPO / path).read_text()]
    assert missing == []
