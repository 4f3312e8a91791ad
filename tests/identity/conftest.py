"""A warehouse built once from every identity scenario, shared by the identity tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.identity import scenarios
from tests.identity.warehouse import load_events, run_dbt


@pytest.fixture(scope="session")
def scenario_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db_path = tmp_path_factory.mktemp("identity") / "scenarios.duckdb"
    events = [row for make in scenarios.ALL for row in make().events]
    load_events(db_path, events)
    run_dbt(db_path)
    return db_path
