"""The connected-components loop: log-depth on a long alias chain, and a loud failure at the safety cap."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest

from tests.identity import scenarios
from tests.identity.warehouse import load_events, run_dbt

ALIAS_GROUPS = [
    "identity_rules",
    "identity_blocked_values",
    "int_identity__identifier_occurrences",
    "int_identity__alias_groups",
]


def _summary(output: str, model: str) -> dict:
    match = re.search(rf"cdp_identity_connected_components \S*{model}\S* (\{{.*?\}})", output)
    assert match, output[-3000:]
    return json.loads(match.group(1))


def test_alias_chain_of_1000_hops_takes_few_rounds(tmp_path: Path) -> None:
    db_path = tmp_path / "chain.duckdb"
    load_events(db_path, scenarios.alias_chain(hops=1000).events)
    result = run_dbt(db_path, "build", select=ALIAS_GROUPS)
    summary = _summary(result.stdout, "int_identity__alias_groups")
    # one hop per pass would need 1000 passes; hooking + pointer jumping needs O(log n) of each
    # (a round is four statements: hook, inner nodes, root lookup, contraction; plus its jumps)
    log_n = math.ceil(math.log2(1001))
    assert summary["rounds"] <= log_n, summary
    assert summary["passes"] <= 5 * log_n, summary


def test_safety_cap_fails_the_build_loudly(tmp_path: Path) -> None:
    db_path = tmp_path / "cap.duckdb"
    load_events(db_path, scenarios.alias_chain(hops=100).events)
    with pytest.raises(AssertionError, match="did not converge|did not converge in"):
        run_dbt(db_path, "build", select=ALIAS_GROUPS, extra=["--vars", "{cdp__identity_max_passes: 1}"])
