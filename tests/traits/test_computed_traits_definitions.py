"""Computed traits declared in YAML, in a small temporary copy of the project (the macros, the
model, stand-ins for fct_events and dim_profiles): every condition operator against exact counts
(a dbt unit test, tests/fixtures/traits/computed/operators.yml), and every class of invalid
definition failing `dbt compile` with a message that names the properties file and the key."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.helpers import REPO, dbt_executable

FIXTURES = REPO / "tests" / "fixtures" / "traits" / "computed"
PROPERTIES = "models/marts/traits/_traits__computed_traits.yml"
MODEL = "models/marts/traits/customer_computed_traits.sql"


def make_project(root: Path, properties_text: str) -> Path:
    """A dbt project with the repository's macros and customer_computed_traits, and empty stand-ins
    for its two inputs, so that nothing else in the repository can affect the result."""
    project = root / "project"
    project.mkdir(parents=True)
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copy(REPO / name, project / name)
    shutil.copytree(REPO / "macros", project / "macros")
    for folder in ("seeds", "snapshots", "tests/dbt"):
        (project / folder).mkdir(parents=True)
    (project / "models" / "marts" / "traits").mkdir(parents=True)
    (project / "models" / "stand_ins").mkdir()
    shutil.copy(REPO / MODEL, project / MODEL)
    for stand_in in ("fct_events.sql", "dim_profiles.sql"):
        shutil.copy(FIXTURES / stand_in, project / "models" / "stand_ins" / stand_in)
    (project / PROPERTIES).write_text(properties_text)
    return project


def run_dbt(project: Path, *args: str, variables: dict | None = None) -> subprocess.CompletedProcess:
    command = [
        dbt_executable(),
        *args,
        "--project-dir",
        str(project),
        "--profiles-dir",
        str(project),
        "--target-path",
        str(project / "target"),
        "--log-path",
        str(project / "logs"),
        "--vars",
        json.dumps({"cdp__as_of": "2026-12-01 00:00:00", **(variables or {})}),
    ]
    env = dict(
        os.environ,
        CDP_DUCKDB_PATH=str(project / "traits.duckdb"),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
    )
    return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)


def shipped_properties() -> dict:
    """The repository's properties file, without its unit tests (compiling the model is enough)."""
    properties = yaml.safe_load((REPO / PROPERTIES).read_text())
    properties.pop("unit_tests", None)
    return properties


def test_every_condition_operator_window_unit_and_min_aggregation(tmp_path):
    project = make_project(tmp_path, (FIXTURES / "operators.yml").read_text())
    result = run_dbt(
        project,
        "build",
        variables={"cdp__custom_event_names": ["Subscription Started"]},
    )
    assert result.returncode == 0, result.stdout[-6000:]
    assert "PASS customer_computed_traits::computed_trait_condition_operators" in result.stdout


def test_the_shipped_definitions_compile(tmp_path):
    project = make_project(tmp_path, yaml.safe_dump(shipped_properties(), sort_keys=False))
    result = run_dbt(project, "compile", "--select", "customer_computed_traits")
    assert result.returncode == 0, result.stdout[-6000:]
    compiled = next((project / "target" / "compiled").rglob("customer_computed_traits.sql")).read_text()
    # one scan of fct_events, filtered to the events the traits need
    assert compiled.count("fct_events") == 1
    assert "events.event_name in (" in compiled


def _trait(properties: dict, key: str) -> dict:
    return properties["models"][0]["config"]["meta"]["computed_traits"][key]


def _set(key: str, field: str, value):
    def change(properties: dict) -> None:
        _trait(properties, key)[field] = value

    return change


def _drop(key: str, field: str):
    def change(properties: dict) -> None:
        del _trait(properties, key)[field]

    return change


def _rename(key: str, new_key: str):
    def change(properties: dict) -> None:
        traits = properties["models"][0]["config"]["meta"]["computed_traits"]
        traits[new_key] = traits.pop(key)

    return change


def _beside(key: str):
    """A trait indented one level too little: beside computed_traits instead of under it."""

    def change(properties: dict) -> None:
        meta = properties["models"][0]["config"]["meta"]
        meta[key] = meta["computed_traits"].pop(key)

    return change


def _condition(key: str, condition: dict):
    def change(properties: dict) -> None:
        _trait(properties, key)["conditions"] = [condition]

    return change


INVALID = {
    "unknown_kind": (
        _set("orders_last_90_days", "kind", "event_count"),
        "computed_traits.orders_last_90_days.kind",
        "unknown kind 'event_count'; use one of: event_counter, aggregation",
    ),
    "unknown_event": (
        _set("orders_last_90_days", "event", "Order Placed"),
        "computed_traits.orders_last_90_days.event",
        "unknown event 'Order Placed'; use a canonical ecommerce v2 name",
    ),
    "v1_event_name_gets_a_suggestion": (
        _set("cart_adds_last_7_days", "event", ["Product Added", "Completed Order"]),
        "computed_traits.cart_adds_last_7_days.event",
        "unknown event 'Completed Order'; write 'Order Completed'",
    ),
    "window_in_fortnights": (
        _set("orders_last_90_days", "window", "90 fortnights"),
        "computed_traits.orders_last_90_days.window",
        "'90 fortnights' is not a window; write a positive whole number and a unit, e.g. '90 days'",
    ),
    "negative_window": (
        _set("revenue_last_90_days", "window", "-3 days"),
        "computed_traits.revenue_last_90_days.window",
        "'-3 days' is not a window",
    ),
    "zero_window": (
        _set("revenue_last_90_days", "window", "0 days"),
        "computed_traits.revenue_last_90_days.window",
        "'0 days' is not a window",
    ),
    "missing_property": (
        _drop("most_frequent_viewed_category", "property"),
        "computed_traits.most_frequent_viewed_category.property",
        "kind most_frequent needs `property`",
    ),
    "bad_property_path": (
        _set("first_utm_source", "property", "context.campaign source"),
        "computed_traits.first_utm_source.property",
        "'context.campaign source' is not a property reference",
    ),
    "unknown_function": (
        _set("avg_order_revenue", "function", "median"),
        "computed_traits.avg_order_revenue.function",
        "unknown function 'median'; aggregation takes function: sum, avg, min or max",
    ),
    "unknown_operator": (
        _condition("emails_opened_last_30_days", {"property": "email_type", "operator": "is", "value": "x"}),
        "computed_traits.emails_opened_last_30_days.conditions[0].operator",
        "unknown operator 'is'; use one of: equals, not_equals, one_of",
    ),
    "operator_needs_a_number": (
        _condition(
            "emails_opened_last_30_days", {"property": "n", "operator": "greater_than", "value": "ten"}
        ),
        "computed_traits.emails_opened_last_30_days.conditions[0].value",
        "greater_than needs a number",
    ),
    "one_of_needs_a_list": (
        _condition("emails_opened_last_30_days", {"property": "n", "operator": "one_of", "value": "a"}),
        "computed_traits.emails_opened_last_30_days.conditions[0].value",
        "one_of needs a non-empty list of values",
    ),
    "unknown_key": (
        _set("orders_last_90_days", "windw", "90 days"),
        "computed_traits.orders_last_90_days.windw",
        "unknown key for kind event_counter",
    ),
    "key_is_not_a_column_name": (
        _rename("orders_last_90_days", "Orders-Last-90-Days"),
        "computed_traits.Orders-Last-90-Days",
        "is not a valid column name; a trait key is lower-case snake_case",
    ),
    "key_collides_with_profile_id": (
        _rename("orders_last_90_days", "profile_id"),
        "computed_traits.profile_id",
        "the column 'profile_id' already exists in customer_computed_traits",
    ),
    "trait_indented_beside_computed_traits": (
        _beside("orders_last_90_days"),
        "config.meta.orders_last_90_days",
        "unknown key beside computed_traits; a trait goes under config.meta.computed_traits",
    ),
    "key_is_a_reserved_word": (
        _rename("orders_last_90_days", "order"),
        "computed_traits.order",
        "'order' is an SQL reserved word",
    ),
}


@pytest.fixture(scope="module")
def invalid_compile(tmp_path_factory):
    """One dbt invocation for every case: each invalid definition is its own copy of the model with
    its own properties file (models/cases/<case>/). `dbt run` reports every node that fails to
    compile (`dbt compile` stops at the first); none of them reaches the database."""
    project = make_project(tmp_path_factory.mktemp("invalid"), "version: 2\n")
    model_sql = (REPO / MODEL).read_text()
    for case, (change, _, _) in INVALID.items():
        properties = shipped_properties()
        change(properties)
        properties["models"][0]["name"] = f"ct_{case}"
        folder = project / "models" / "cases" / case
        folder.mkdir(parents=True)
        (folder / f"ct_{case}.sql").write_text(model_sql)
        (folder / "_traits__computed_traits.yml").write_text(yaml.safe_dump(properties, sort_keys=False))
    result = run_dbt(project, "run", "--select", "path:models/cases")
    return result, " ".join((result.stdout + result.stderr).split())


@pytest.mark.parametrize("case", sorted(INVALID))
def test_an_invalid_definition_fails_naming_file_and_key(invalid_compile, case):
    result, output = invalid_compile
    _, key, message = INVALID[case]
    assert result.returncode != 0, output[-3000:]
    assert f"Compilation Error in model ct_{case} " in output, output[-3000:]
    start = output.find(
        f"Invalid computed trait in models/cases/{case}/_traits__computed_traits.yml at `{key}`: "
    )
    assert start >= 0, output[-3000:]
    following = output[start:].split("Invalid computed trait in ")[1]
    assert message in following, following
