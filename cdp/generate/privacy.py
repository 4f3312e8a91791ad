"""Privacy requests for the sample world: `OUT/landing/privacy/requests.csv`.

A small, deterministic set of delete / suppress / unsuppress requests for people of the generated
world, written after everything else. It reads only the ground truth (`identifiers.csv`) and
derives every choice from a SHA-256 of the seed and the person id, so it never draws from the
generator's random streams and no other generated file changes.

Per person with an e-mail (by the hash's first 16 bits, out of 65,536):
- about 1.5% ask to be deleted: by e-mail (typed with capitals and spaces, as people do), by
  phone in a national format when they have one (every other), or by user_id;
- about 1.5% ask to be suppressed by e-mail;
- about 0.8% ask to be suppressed and later unsuppress (so they are exportable again);
- about 0.4% are deleted, then send an unsuppress, which never lifts a delete.
Plus one request for an e-mail nobody in the world has, and one invalid row (unknown type).
"""

from __future__ import annotations

import csv
import hashlib
import os
from collections import defaultdict
from pathlib import Path

HEADER = ("request_id", "request_type", "identifier_type", "identifier_value", "requested_at")
_DAY = "2026-11-{day:02d}T{hour:02d}:{minute:02d}:00Z"


def _digest(seed: int, person_id: str) -> bytes:
    return hashlib.sha256(f"cdp-privacy:{seed}:{person_id}".encode()).digest()


def _when(digest: bytes, offset: int, day_shift: int = 0) -> str:
    day = 1 + digest[offset] % 20 + day_shift
    return _DAY.format(day=min(day, 30), hour=digest[offset + 1] % 24, minute=digest[offset + 2] % 60)


def _typed_email(email: str, digest: bytes) -> str:
    """The e-mail as a person types it into a form: capitalised local part, stray spaces."""
    local, _, domain = email.partition("@")
    typed = f"{local[:1].upper()}{local[1:]}@{domain.upper() if digest[6] % 2 else domain}"
    return f"  {typed} " if digest[7] % 2 else typed


def _national_phone(e164: str) -> str:
    """+14155552671 -> (415) 555-2671 for NANP numbers; others stay in E.164 with spaces."""
    if e164.startswith("+1") and len(e164) == 12:
        return f"({e164[2:5]}) {e164[5:8]}-{e164[8:]}"
    return f"{e164[:3]} {e164[3:]}"


def privacy_requests(truth_dir: Path, seed: int) -> list[tuple[str, str, str, str, str]]:
    """The requests (rows in file order) for the world whose ground truth is in `truth_dir`."""
    by_person: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    with open(Path(truth_dir) / "identifiers.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            by_person[row["person_id"]][row["identifier_type"]].append(row["identifier_value"])
    rows: list[tuple[str, str, str, str, str]] = []

    def add(request_type: str, identifier_type: str, value: str, at: str) -> None:
        rows.append((f"pr_{len(rows) + 1:05d}", request_type, identifier_type, value, at))

    for person_id in sorted(by_person):
        ids = by_person[person_id]
        if not ids.get("email"):
            continue
        digest = _digest(seed, person_id)
        bucket = int.from_bytes(digest[:2], "big")  # 0 .. 65535
        email = sorted(ids["email"])[0]
        if bucket < 983:  # ~1.5%: delete
            way = digest[2] % 3
            if way == 1 and ids.get("phone"):
                add("delete", "phone", _national_phone(sorted(ids["phone"])[0]), _when(digest, 3))
            elif way == 2 and ids.get("user_id"):
                add("delete", "user_id", sorted(ids["user_id"])[0], _when(digest, 3))
            else:
                add("delete", "email", _typed_email(email, digest), _when(digest, 3))
        elif bucket < 1966:  # ~1.5%: suppress
            add("suppress", "email", _typed_email(email, digest), _when(digest, 3))
        elif bucket < 2490:  # ~0.8%: suppress, later unsuppress
            add("suppress", "email", email, _when(digest, 3))
            add("unsuppress", "email", email, _when(digest, 3, day_shift=5))
        elif bucket < 2752:  # ~0.4%: delete, then an unsuppress that cannot lift it
            add("delete", "email", email, _when(digest, 3))
            add("unsuppress", "email", email, _when(digest, 3, day_shift=5))
    add("delete", "email", "nobody.here@example.org", "2026-11-15T12:00:00Z")
    add("forget", "email", "also.nobody@example.org", "2026-11-16T12:00:00Z")
    return rows


def write_privacy_requests(landing_dir: Path, truth_dir: Path, seed: int) -> int:
    """Write `landing_dir/privacy/requests.csv` (temporary name, then rename); returns the row count."""
    path = Path(landing_dir) / "privacy" / "requests.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = privacy_requests(truth_dir, seed)
    tmp = path.with_name(path.name + ".partial")
    with open(tmp, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows)
    os.replace(tmp, path)
    return len(rows)
