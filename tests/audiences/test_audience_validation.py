"""Invalid audience definitions fail at compile time with a message naming the file and the key.

One temporary copy of the project; each case writes a broken audience into its definitions file
and runs `dbt compile --select int_audiences__members` (partial parsing keeps the re-parse short).
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
import yaml

from tests.helpers import REPO, dbt_executable

DEFINITIONS = "models/marts/audiences/_audiences__definitions.yml"
COPIED = ["dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "snapshots"]


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("audience_validation")
    for name in COPIED:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        elif source.exists():
            shutil.copy2(source, root / name)
    (root / "tests" / "dbt").mkdir(parents=True)
    original = (root / DEFINITIONS).read_text()
    yield root, original


def compile_with(project, audiences: dict, beside: dict | None = None) -> subprocess.CompletedProcess:
    """Compile with extra audiences under config.meta.audiences (and extra keys beside it)."""
    root, original = project
    document = yaml.safe_load(original)
    model = next(m for m in document["models"] if m["name"] == "int_audiences__members")
    model["config"]["meta"]["audiences"].update(audiences)
    model["config"]["meta"].update(beside or {})
    (root / DEFINITIONS).write_text(yaml.safe_dump(document, sort_keys=False))
    env = dict(
        os.environ,
        CDP_DUCKDB_PATH=str(root / "validation.duckdb"),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
    )
    return subprocess.run(
        [
            dbt_executable(),
            "compile",
            "--project-dir",
            str(root),
            "--profiles-dir",
            str(root),
            "--select",
            "int_audiences__members",
            "--vars",
            '{"cdp__as_of": "2026-12-01 00:00:00"}',
        ],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )


def assert_fails(result: subprocess.CompletedProcess, *fragments: str) -> None:
    output = result.stdout + result.stderr
    assert result.returncode != 0, output[-3000:]
    assert f"Invalid audience definition in {DEFINITIONS}" in output, output[-3000:]
    for fragment in fragments:
        assert fragment in output, f"{fragment!r} not in:\n{output[-3000:]}"


def test_shipped_definitions_compile(project):
    result = compile_with(project, {})
    assert result.returncode == 0, result.stdout[-3000:]


def test_unknown_condition_kind(project):
    result = compile_with(project, {"broken": {"condition": {"all": [{"evnt": "Product Viewed"}]}}})
    assert_fails(result, "at audiences.broken.condition.all[0]", "unknown condition kind 'evnt'")


def test_unknown_trait(project):
    result = compile_with(project, {"broken": {"condition": {"trait": "lifetime_revenu", "at_least": 1}}})
    assert_fails(result, "at audiences.broken.condition.trait", "unknown trait 'lifetime_revenu'")


def test_unknown_event_name(project):
    result = compile_with(project, {"broken": {"condition": {"event": "Product Viewd", "within": "7 days"}}})
    assert_fails(result, "at audiences.broken.condition.event", "unknown event name 'Product Viewd'")


def test_bad_window(project):
    result = compile_with(project, {"broken": {"condition": {"event": "Product Viewed", "within": "7 dayz"}}})
    assert_fails(result, "at audiences.broken.condition.within", "bad window '7 dayz'")


def test_unknown_audience_reference(project):
    result = compile_with(project, {"broken": {"condition": {"not": {"audience": "no_such_audience"}}}})
    assert_fails(result, "at audiences.broken.condition", "unknown audience reference 'no_such_audience'")


def test_indirect_cycle(project):
    result = compile_with(
        project,
        {
            "cycle_a": {"condition": {"audience": "cycle_b"}},
            "cycle_b": {"condition": {"all": [{"audience": "cycle_c"}, {"event": "Product Viewed"}]}},
            "cycle_c": {"condition": {"not": {"audience": "cycle_a"}}},
        },
    )
    assert_fails(
        result, "at audiences.cycle_a.condition", "audience cycle: cycle_a -> cycle_b -> cycle_c -> cycle_a"
    )


def test_an_audience_indented_beside_audiences_fails_instead_of_vanishing(project):
    stray = {"cart_abandoners_3d": {"condition": {"event": "Product Added", "within": "3 days"}}}
    result = compile_with(project, {}, beside=stray)
    assert_fails(result, "at config.meta.cart_abandoners_3d", "unknown key beside audiences")


def test_direct_cycle(project):
    result = compile_with(project, {"selfish": {"condition": {"any": [{"audience": "selfish"}]}}})
    assert_fails(result, "audience cycle: selfish -> selfish")


def test_computed_trait_keys_are_known(project):
    root, _ = project
    traits_yml = root / "models" / "marts" / "traits" / "_traits__computed_traits.yml"
    if not traits_yml.exists():
        pytest.skip("customer_computed_traits is not in the project")
    document = yaml.safe_load(traits_yml.read_text())
    model = next(m for m in document["models"] if m["name"] == "customer_computed_traits")
    key = next(iter(model["config"]["meta"]["computed_traits"]))
    result = compile_with(project, {"computed_ok": {"condition": {"trait": key, "exists": True}}})
    assert result.returncode == 0, result.stdout[-3000:]
