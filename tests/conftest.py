from __future__ import annotations

import pytest

from tests.helpers import FIXTURE_LANDING, build_warehouse


@pytest.fixture(scope="session")
def fixture_warehouse(tmp_path_factory):
    """The warehouse built (dbt build: models, data tests, unit tests) from tests/fixtures/landing."""
    db = tmp_path_factory.mktemp("fixture") / "fixture.duckdb"
    return build_warehouse(FIXTURE_LANDING, db)
