"""Membership history across builds, with the shipped audience definitions: a small landing set
(tests/fixtures/audiences/landing) built at cdp__as_of 2026-12-01, then again at 2026-12-09 after
the files of tests/fixtures/audiences/later have landed too.

- u_a viewed and added P00001 on 2026-11-28 (no order) while a competitor's latest scrape (11-29)
  has it out of stock: at 12-01 a cart abandoner and a stock-out target; at 12-09 both lapse (the
  add is older than 7 days, the scrape older than cdp__competitor_freshness_hours).
- u_b added and ordered in November: never a member. u_c adds on 12-03: enters at 12-09.
- anon_d (anonymous) added on 11-28: a cart abandoner at 12-01. Later files log anon_d in as u_d
  (a profile of its own at 12-01) and u_d adds again on 12-05: the two profiles merge, one id is
  retired (profile_id_map), and the merged customer stays a member without a new entry or an exit.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess

import pytest

from tests.helpers import REPO, dbt_executable, query

FIXTURES = REPO / "tests" / "fixtures" / "audiences"
# the audience models and everything upstream, without upstream tests (other areas test those);
# the audience models' own data and unit tests run after the second build
SELECT = "+audience_memberships +dim_audiences"
EXCLUDE = "resource_type:test resource_type:unit_test"
OURS = (
    "int_audiences__product_competitor_state int_audiences__members audience_membership_changes "
    "audience_memberships dim_audiences"
)
FIRST = dt.datetime(2026, 12, 1)
SECOND = dt.datetime(2026, 12, 9)
CHANGES = "select audience_key, profile_id, change_type, changed_at from marts.audience_membership_changes"


def _build(landing, db, as_of: str, command: str = "build", select: str = SELECT) -> None:
    work = db.parent / f".dbt-{db.stem}"
    variables = {"cdp__landing_dir": str(landing), "cdp__as_of": as_of}
    args = [dbt_executable(), command, "--project-dir", str(REPO), "--profiles-dir", str(REPO)]
    args += ["--target-path", str(work / "target"), "--log-path", str(work / "logs")]
    args += ["--vars", json.dumps(variables), "--select", *select.split()]
    if command == "build":
        args += ["--exclude", *EXCLUDE.split()]
    env = dict(
        os.environ,
        CDP_DUCKDB_PATH=str(db),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        DBT_INDIRECT_SELECTION="cautious",
    )
    result = subprocess.run(args, cwd=REPO, env=env, capture_output=True, text=True)
    assert result.returncode == 0, f"dbt {command} failed:\n{result.stdout[-6000:]}\n{result.stderr[-2000:]}"


def _named(db, sql: str) -> list[tuple]:
    """Rows of sql with profile ids (current or retired) replaced by their person's user_id, or
    anonymous_id when the profile has no user_id."""
    names: dict[str, str] = {}
    for profile_id, _kind, value in query(
        db,
        """select profile_id, identifier_type, identifier_value from marts.profile_identifiers
           where identifier_type in ('user_id', 'anonymous_id') order by identifier_type""",
    ):
        names[profile_id] = value  # user_id sorts last, so it wins
    for old, new in query(db, "select old_profile_id, profile_id from marts.profile_id_map"):
        names[old] = names.get(new, new)
    return sorted(tuple(names.get(value, value) for value in row) for row in query(db, sql))


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    root = tmp_path_factory.mktemp("audiences")
    landing = root / "landing"
    shutil.copytree(FIXTURES / "landing", landing)
    db = root / "audiences.duckdb"
    _build(landing, db, "2026-12-01 00:00:00")
    first = {
        "members": _named(db, "select audience_key, profile_id from intermediate.int_audiences__members"),
        "changes": _named(db, CHANGES),
        "profiles": query(db, "select count(*) from marts.dim_profiles")[0][0],
    }
    shutil.copytree(FIXTURES / "later", landing, dirs_exist_ok=True)
    _build(landing, db, "2026-12-09 00:00:00")
    _build(landing, db, "2026-12-09 00:00:00", command="test", select=OURS)
    return db, first


def test_first_build_enters_every_current_member(builds):
    _, first = builds
    assert first["profiles"] == 5
    assert first["members"] == [
        ("cart_abandoners_7d", "anon_d"),
        ("cart_abandoners_7d", "u_a"),
        ("competitor_stockout_targets", "u_a"),
    ]
    assert first["changes"] == [
        ("cart_abandoners_7d", "anon_d", "entered", FIRST),
        ("cart_abandoners_7d", "u_a", "entered", FIRST),
        ("competitor_stockout_targets", "u_a", "entered", FIRST),
    ]


def test_second_build_appends_only_the_changes(builds):
    db, _ = builds
    # anon_d merged into u_d: no exit for the retired id, no new entry for the merged profile
    assert _named(db, CHANGES) == [
        ("cart_abandoners_7d", "u_a", "entered", FIRST),
        ("cart_abandoners_7d", "u_a", "exited", SECOND),
        ("cart_abandoners_7d", "u_c", "entered", SECOND),
        ("cart_abandoners_7d", "u_d", "entered", FIRST),
        ("competitor_stockout_targets", "u_a", "entered", FIRST),
        ("competitor_stockout_targets", "u_a", "exited", SECOND),
    ]
    assert query(
        db,
        "select count(distinct invocation_id), count(*) = count(distinct change_id) "
        "from marts.audience_membership_changes",
    ) == [(2, True)]


def test_the_merge_retired_one_profile_id(builds):
    db, _ = builds
    assert query(db, "select count(*) from marts.profile_id_map") == [(1,)]
    assert query(db, "select count(*) from marts.dim_profiles") == [(4,)]


def test_memberships_hold_the_current_state_and_spells(builds):
    db, _ = builds
    assert _named(
        db,
        """select audience_key, profile_id, is_member, entered_at, exited_at, first_entered_at, evaluated_at
           from marts.audience_memberships""",
    ) == [
        ("cart_abandoners_7d", "u_a", False, FIRST, SECOND, FIRST, SECOND),
        ("cart_abandoners_7d", "u_c", True, SECOND, None, SECOND, SECOND),
        ("cart_abandoners_7d", "u_d", True, FIRST, None, FIRST, SECOND),
        ("competitor_stockout_targets", "u_a", False, FIRST, SECOND, FIRST, SECOND),
    ]
    # retired ids never appear; every membership is of a current profile
    assert query(
        db,
        """select count(*) from marts.audience_memberships
           where profile_id not in (select profile_id from marts.dim_profiles)""",
    ) == [(0,)]
    # what exports read
    assert _named(
        db,
        "select profile_id from marts.audience_memberships where audience_key = 'cart_abandoners_7d' and is_member",
    ) == [("u_c",), ("u_d",)]


def test_dim_audiences_lists_every_shipped_audience(builds):
    db, _ = builds
    rows = query(
        db,
        """select audience_key, referenced_audiences, evaluation_order, member_count
           from marts.dim_audiences order by evaluation_order""",
    )
    by_key = {row[0]: row for row in rows}
    for key in [
        "cart_abandoners_7d",
        "high_value_at_risk",
        "browses_high_margin_buys_low_margin",
        "price_sensitive_cheapest_viewers",
        "competitor_stockout_targets",
    ]:
        assert key in by_key
    # a referencing audience is evaluated after the one it references
    assert by_key["checkout_funnel_dropouts_7d"][1] == "cart_abandoners_7d"
    assert by_key["checkout_funnel_dropouts_7d"][2] > by_key["cart_abandoners_7d"][2]
    assert by_key["cart_abandoners_7d"][3] == 2
