"""The portable log-gamma macro (macros/traits/cdp_lgamma.sql) against Python's math.lgamma, and
the log-sum-exp helper, evaluated by DuckDB from the SQL dbt compiles."""

from __future__ import annotations

import json
import math
import os
import subprocess

import duckdb
import pytest

from tests.helpers import REPO, dbt_executable

VALUES = [1e-6, 1e-3, 0.01, 0.1, 0.25, 0.5, 0.9, 1.0, 1.5, 2.0, 2.5, 3.0, 7.5, 7.999, 8.0, 8.5, 10.0, 12.345,
          25.0, 49.5, 100.0, 543.21, 1e4, 1e6, 1e9]


def compile_inline(sql: str, tmp_path) -> str:
    env = dict(os.environ, CDP_DUCKDB_PATH=str(tmp_path / "compile.duckdb"), DBT_SEND_ANONYMOUS_USAGE_STATS="false")
    result = subprocess.run(
        [dbt_executable(), "compile", "--quiet", "--output", "json", "--project-dir", str(REPO),
         "--profiles-dir", str(REPO), "--target-path", str(tmp_path / "target"), "--log-path",
         str(tmp_path / "logs"), "--inline", sql],
        cwd=REPO, env=env, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    return json.loads(result.stdout[result.stdout.index("{"):])["compiled"]


@pytest.fixture(scope="module")
def compiled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("lgamma")
    return compile_inline(
        "select z, {{ cdp_lgamma('z') }} as lgamma_z, {{ cdp_log_add_exp('x', 'y') }} as log_add_exp from inputs",
        tmp,
    )


def test_lgamma_matches_python_to_1e9(compiled):
    con = duckdb.connect()
    con.execute("create table inputs (z double, x double, y double)")
    con.executemany("insert into inputs values (?, 0, 0)", [(v,) for v in VALUES])
    rows = con.sql(compiled).fetchall()
    assert len(rows) == len(VALUES)
    for z, got, _ in rows:
        want = math.lgamma(z)
        assert abs(got - want) <= 1e-9 * max(1.0, abs(want)), (z, got, want)


def test_lgamma_of_non_positive_or_null_is_null(compiled):
    con = duckdb.connect()
    con.execute("create table inputs (z double, x double, y double)")
    con.executemany("insert into inputs values (?, 0, 0)", [(0.0,), (-1.5,), (None,)])
    assert [row[1] for row in con.sql(compiled).fetchall()] == [None, None, None]


def test_log_add_exp_does_not_overflow(compiled):
    con = duckdb.connect()
    con.execute("create table inputs (z double, x double, y double)")
    pairs = [(0.0, 0.0), (-1000.0, -1001.0), (800.0, 10.0), (-3.0, 2.0)]
    con.executemany("insert into inputs values (1, ?, ?)", pairs)
    for (x, y), (_, _, got) in zip(pairs, con.sql(compiled).fetchall(), strict=True):
        top = max(x, y)
        assert math.isclose(got, top + math.log1p(math.exp(min(x, y) - top)), rel_tol=1e-12)
