"""cdp profile (lookup) and cdp identity-quality (pairwise metrics) on the scenario warehouse."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pytest

from cdp.identity_quality import measure, report
from cdp.profile import ProfileNotFound, format_profile, lookup_profile, normalise_identifier


def test_lookup_normalises_the_value_and_returns_profile_identifiers_and_events(
    scenario_warehouse: Path,
) -> None:
    result = lookup_profile(scenario_warehouse, "email:  ERIN@example.com ", events=2)
    identifiers = {(row["identifier_type"], row["identifier_value"]) for row in result["identifiers"]}
    assert ("user_id", "u-erin") in identifiers and ("anonymous_id", "em-anon-4") in identifiers
    assert result["profile"]["primary_email"] == "erin@example.com"
    assert len(result["events"]) == 2
    assert result["traits"]["email"] == "ERIN@example.com"  # latest identify traits
    by_id = lookup_profile(scenario_warehouse, f"profile_id:{result['profile']['profile_id']}")
    assert by_id["profile"] == result["profile"]
    assert (
        json.loads(format_profile(result, as_json=True))["profile"]["profile_id"]
        == result["profile"]["profile_id"]
    )
    assert "Identifiers (5)" in format_profile(result)


def test_lookup_of_a_blocked_value_says_why(scenario_warehouse: Path) -> None:
    with pytest.raises(ProfileNotFound, match="exact:null"):
        lookup_profile(scenario_warehouse, "anonymous_id:null")
    with pytest.raises(ValueError, match="<type>:<value>"):
        lookup_profile(scenario_warehouse, "no-type")


def test_phone_lookup_normalisation() -> None:
    assert normalise_identifier("phone", "(415) 555-2671") == "+14155552671"
    assert normalise_identifier("phone", "0044 (0)20 7946 0958") == "+442079460958"
    assert normalise_identifier("email", " A@B.org\t") == "a@b.org"


def _write_truth(path: Path, owners: dict[str, str]) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    with gzip.open(path / "messages.csv.gz", "wt", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["message_id", "person_id"])
        writer.writerows(sorted(owners.items()))
    return path


def test_quality_is_exact_pairwise_arithmetic(scenario_warehouse: Path, tmp_path: Path) -> None:
    alice = {f"shared:{e}": "alice" for e in ("a1", "a2", "a3")}
    bob = {f"shared:{e}": "bob" for e in ("b1", "b2", "b3", "b4", "b5")}
    perfect = measure(scenario_warehouse, _write_truth(tmp_path / "perfect", alice | bob))
    assert (perfect.precision, perfect.recall, perfect.split_persons, perfect.over_merged_persons) == (
        1,
        1,
        0,
        0,
    )
    assert perfect.linkable_recall == 1

    # say b1 was Alice's: profiles A={a1,a2,a3}, B={b1..b5}; persons alice={a1..a3,b1}, bob={b2..b5}
    wrong = measure(
        scenario_warehouse, _write_truth(tmp_path / "wrong", alice | bob | {"shared:b1": "alice"})
    )
    assert (
        wrong.true_positive_pairs == 3 + 6 and wrong.predicted_pairs == 3 + 10 and wrong.true_pairs == 6 + 6
    )
    assert wrong.precision == pytest.approx(9 / 13) and wrong.recall == pytest.approx(9 / 12)
    assert (wrong.split_persons, wrong.over_merged_persons, wrong.profiles_with_several_persons) == (1, 2, 1)
    text, ok = report(scenario_warehouse, tmp_path / "wrong")
    assert not ok and "MISSES" in text
