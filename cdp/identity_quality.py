"""Identity-resolution quality against the generator's ground truth.

Pairwise precision and recall over events: two events form a *predicted* pair when they share a
profile and a *true* pair when the same person sent them. From the contingency counts
n(profile, person) -- never enumerating pairs --

    true positives  = sum over cells of C(n, 2)
    predicted pairs = sum over profiles of C(events of the profile, 2)
    true pairs      = sum over persons of C(events of the person, 2)
    precision = true positives / predicted pairs;  recall = true positives / true pairs

Also: over-merged persons (their events share a profile with another person's events), split persons
(their events are spread over more than one profile) and the profiles holding several persons.

Linkable recall: the recall of an oracle that knows who is who and joins a person's events
through the usable identifiers they share (never across persons). Events of one person with no
identifier chain between them (an anonymous browser session never logged in) cannot be joined by
any deterministic identity graph; this is the ceiling recall can reach on the world.

Reads the warehouse read-only: intermediate.int_identity__event_profiles (event_id, profile_id).
Ground truth: <truth>/messages.csv.gz (message_id, person_id), written by `cdp generate`.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb

EVENT_PROFILES = "intermediate.int_identity__event_profiles"


@dataclass
class IdentityQuality:
    events_in_truth: int
    events_matched: int
    persons: int
    profiles: int
    true_positive_pairs: int
    predicted_pairs: int
    true_pairs: int
    precision: float
    recall: float
    over_merged_persons: int
    split_persons: int
    profiles_with_several_persons: int
    largest_profile_persons: int
    linkable_recall: float | None = None

    def meets(self, min_precision: float, min_recall: float) -> bool:
        return self.precision >= min_precision and self.recall >= min_recall

    def as_text(self) -> str:
        return "\n".join(
            [
                f"events in ground truth     {self.events_in_truth:>12,}",
                f"events matched to profiles {self.events_matched:>12,}",
                f"persons                    {self.persons:>12,}",
                f"profiles                   {self.profiles:>12,}",
                f"pairwise precision         {self.precision:>12.6f}   ({self.true_positive_pairs:,} of "
                f"{self.predicted_pairs:,} same-profile pairs are same-person)",
                f"pairwise recall            {self.recall:>12.6f}   ({self.true_positive_pairs:,} of "
                f"{self.true_pairs:,} same-person pairs share a profile)",
                f"over-merged persons        {self.over_merged_persons:>12,}   (share a profile with another person)",
                f"split persons              {self.split_persons:>12,}   (spread over more than one profile)",
                f"profiles with >1 person    {self.profiles_with_several_persons:>12,}   "
                f"(largest holds {self.largest_profile_persons} persons)",
            ]
            + (
                [
                    f"linkable recall (ceiling)  {self.linkable_recall:>12.6f}   (an oracle joining each "
                    "person's events through the identifiers they share)",
                    f"recall / ceiling           {self.recall / self.linkable_recall:>12.6f}",
                ]
                if self.linkable_recall is not None
                else []
            )
        )


def _truth_file(truth: Path) -> Path:
    truth = Path(truth)
    if truth.is_file():
        return truth
    for name in ("messages.csv.gz", "messages.csv"):
        if (truth / name).exists():
            return truth / name
    raise FileNotFoundError(
        f"no ground truth in {truth}: expected messages.csv.gz (message_id, person_id); "
        "generate it with `cdp generate --out data --force`"
    )


def _linkable_recall(con: duckdb.DuckDBPyConnection) -> float:
    """Recall of the person-scoped oracle (union-find over (person, identifier) and events)."""
    rows = con.execute(
        """
        select truth.message_id, truth.person_id, occurrences.node_key
        from truth
        join intermediate.int_identity__identifier_occurrences as occurrences
            on occurrences.event_id = truth.message_id
        where occurrences.blocked_rule is null and occurrences.can_merge
        """
    ).fetchall()
    parent: dict[object, object] = {}

    def find(item: object) -> object:
        root = item
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(item, item) != root:
            parent[item], item = root, parent[item]
        return root

    for message_id, person_id, node_key in rows:
        a, b = find(message_id), find((person_id, node_key))
        if a != b:
            parent[b] = a
    cells: dict[tuple[object, str], int] = {}
    per_person: dict[str, int] = {}
    for message_id, person_id in con.execute("select message_id, person_id from truth").fetchall():
        key = (find(message_id), person_id)
        cells[key] = cells.get(key, 0) + 1
        per_person[person_id] = per_person.get(person_id, 0) + 1
    true_pairs = sum(n * (n - 1) // 2 for n in per_person.values())
    linked = sum(n * (n - 1) // 2 for n in cells.values())
    return linked / true_pairs if true_pairs else 1.0


def measure(db_path: Path, truth: Path, *, with_ceiling: bool = True) -> IdentityQuality:
    """Pairwise precision/recall and split/over-merge counts of the warehouse's profiles vs the ground truth."""
    truth_file = _truth_file(truth)
    db_path = Path(db_path)
    if not db_path.exists():
        raise FileNotFoundError(f"warehouse {db_path} not found; build it first (./scripts/run)")
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        con.execute(
            "create temp table truth as select cast(message_id as varchar) as message_id, "
            "cast(person_id as varchar) as person_id from read_csv(?, header = true, all_varchar = true) "
            "where person_id is not null and person_id <> ''",
            [str(truth_file)],
        )
        con.execute(
            f"""
            create temp table cells as
            select event_profiles.profile_id, truth.person_id, count(*) as n
            from truth
            join {EVENT_PROFILES} as event_profiles on event_profiles.event_id = truth.message_id
            group by 1, 2
            """
        )
        events_in_truth = con.execute("select count(*) from truth").fetchall()[0][0]
        row = con.execute(
            """
            with
            profiles as (select profile_id, sum(n) as n, count(*) as persons from cells group by 1),
            persons as (select person_id, sum(n) as n, count(*) as profiles from cells group by 1),
            over_merged as (
                select count(distinct cells.person_id) as persons
                from cells join profiles using (profile_id) where profiles.persons > 1
            )
            select
                (select coalesce(sum(n), 0) from cells),
                (select count(*) from persons),
                (select count(*) from profiles),
                (select coalesce(sum(n * (n - 1) / 2), 0) from cells),
                (select coalesce(sum(n * (n - 1) / 2), 0) from profiles),
                (select coalesce(sum(n * (n - 1) / 2), 0) from persons),
                (select persons from over_merged),
                (select count(*) from persons where profiles > 1),
                (select count(*) from profiles where persons > 1),
                (select coalesce(max(persons), 0) from profiles)
            """
        ).fetchall()[0]
        ceiling = _linkable_recall(con) if with_ceiling else None
    finally:
        con.close()
    matched, persons, profiles, tp, predicted, true_pairs, over_merged, split, several, largest = (
        int(value or 0) for value in row
    )
    return IdentityQuality(
        events_in_truth=int(events_in_truth),
        events_matched=matched,
        persons=persons,
        profiles=profiles,
        true_positive_pairs=tp,
        predicted_pairs=predicted,
        true_pairs=true_pairs,
        precision=tp / predicted if predicted else 1.0,
        recall=tp / true_pairs if true_pairs else 1.0,
        over_merged_persons=over_merged,
        split_persons=split,
        profiles_with_several_persons=several,
        largest_profile_persons=largest,
        linkable_recall=ceiling,
    )


def report(
    db_path: Path,
    truth: Path,
    *,
    as_json: bool = False,
    min_precision: float = 0.999,
    min_recall: float = 0.99,
) -> tuple[str, bool]:
    """The report text (or JSON) and whether the targets are met."""
    quality = measure(db_path, truth)
    ok = quality.meets(min_precision, min_recall)
    if as_json:
        payload = asdict(quality) | {
            "min_precision": min_precision,
            "min_recall": min_recall,
            "meets_targets": ok,
        }
        return json.dumps(payload, indent=2), ok
    verdict = "meets" if ok else "MISSES"
    return (
        quality.as_text() + f"\n{verdict} the targets (precision >= {min_precision}, recall >= {min_recall})",
        ok,
    )
