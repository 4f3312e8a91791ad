"""Phase 2 output: noise injection, the bounded delay queue, landing files and exact accounting.

Every message goes through `Emitter.emit`, which decides (from one noise stream, in emission
order) whether it is malformed, a duplicate, far in the future, carries a junk userId or a
non-canonical event name, then queues it by receivedAt. Sessions are generated in start-time
order and every message is received at or after its session started, so everything received
before the next session's start can be written: files are in receivedAt order per source, and
the queue only ever holds the messages of sessions still in flight plus late arrivals.
"""

from __future__ import annotations

import csv
import gzip
import heapq
import random
from collections import Counter
from pathlib import Path
from typing import Any

from cdp.generate._base import (
    CLIENT_SOURCES,
    DAY_MS,
    EVENT_NAME_VARIANTS,
    HOUR_MS,
    JSON,
    JUNK_USER_IDS,
    MALFORMED_REASONS,
    MIN_MS,
    SOURCES,
    Clock,
    message_uuid,
    mix,
    utc_offset_minutes,
)
from cdp.landing import LandingWriter

P_MALFORMED = 0.003  # generic malformed lines, per eligible message
P_ORDER_MALFORMED = 0.02  # non_numeric_amount / non_numeric_price, per eligible Order Completed
FORCED_ORDER_MALFORMED = (5, 11)  # these eligible Order Completed messages are always made malformed
P_DUPLICATE = 0.01
P_FAR_FUTURE = 0.005
P_OFFSET = 0.05
P_JUNK_USER_ID = 0.01
P_NAME_VARIANT = 0.03
GENERIC_REASONS = tuple(r for r in MALFORMED_REASONS if r not in ("non_numeric_amount", "non_numeric_price"))
ORDER_REASONS = ("non_numeric_amount", "non_numeric_price")
BAD_TYPES = ("trak", "pageview", "event", "screenview", "identfy")
BAD_TIMESTAMPS = (
    "yesterday",
    "not-a-date",
    "2026-02-30T10:00:00Z",
    "32/13/2026 25:00",
    "tomorrow",
    "last tuesday",
)
BAD_AMOUNTS = ("abc", "N/A", "twenty")
VARIANTS_BY_NAME: dict[str, tuple[str, ...]] = {}
for _variant, _canonical in EVENT_NAME_VARIANTS.items():
    VARIANTS_BY_NAME[_canonical] = (*VARIANTS_BY_NAME.get(_canonical, ()), _variant)
LEGACY_NAMES = {
    "Order Completed": "Completed Order",
    "Product Viewed": "Viewed Product",
    "Product Added": "Added Product",
}
SERVER_BATCH_WINDOW_MS = 15 * MIN_MS

_VALID, _DUPLICATE, _MALFORMED = 0, 1, 2


class FileStats:
    __slots__ = ("lines", "messages", "duplicate_copies", "malformed")

    def __init__(self) -> None:
        self.lines = 0
        self.messages = 0
        self.duplicate_copies = 0
        self.malformed: Counter[str] = Counter()

    def as_dict(self) -> dict[str, Any]:
        return {
            "lines": self.lines,
            "messages": self.messages,
            "duplicate_copies": self.duplicate_copies,
            "malformed": {r: self.malformed[r] for r in MALFORMED_REASONS if self.malformed[r]},
        }


class Emitter:
    def __init__(
        self,
        seed: int,
        landing_dir: Path,
        truth_dir: Path,
        rows_per_file: int,
        clock: Clock,
    ) -> None:
        self.seed = seed
        self.clock = clock
        self.rows_per_file = rows_per_file
        self.noise = random.Random(mix(seed, 0x0015E))
        self.batch_rng = random.Random(mix(seed, 0xBA7C4))
        self.writers = {s: LandingWriter(landing_dir, s, rows_per_file=rows_per_file) for s in SOURCES}
        self.file_stats: dict[str, list[FileStats]] = {s: [] for s in SOURCES}
        self.heap: list[tuple] = []
        self._seq = 0
        self._counter = 0
        # ground truth
        self._truth_raw = open(truth_dir / "messages.csv.gz", "wb")  # noqa: SIM115
        self._truth = gzip.GzipFile(filename="messages.csv", fileobj=self._truth_raw, mode="wb", mtime=0)
        self._truth.write(b"message_id,person_id\n")
        self._truth_buf: list[str] = []
        self._malformed_handle = open(truth_dir / "malformed.csv", "w", newline="", encoding="utf-8")  # noqa: SIM115
        self._malformed_csv = csv.writer(self._malformed_handle, lineterminator="\n")
        self._malformed_csv.writerow(("file", "line", "batch_index", "reason", "message_id"))
        # noise state
        self._generic_cycle = 0
        self._order_cycle = 0
        self._eligible_orders = 0
        # server batching
        self._batch: list[tuple[str, int, int]] = []  # (message json, sent ms, kind)
        self._batch_target = 0
        self._batch_first_recv = 0
        # accounting of distinct valid messages
        self.emitted = 0  # every message emit() was called for (valid or malformed)
        self.valid = 0
        self.by_type: Counter[str] = Counter()
        self.by_source: Counter[str] = Counter()
        self.by_event: Counter[str] = Counter()
        self.variants: Counter[str] = Counter()
        self.duplicates = 0
        self.malformed: Counter[str] = Counter()
        self.far_future = 0
        self.junk_user_ids = 0
        self.offsets = 0
        self.skewed = 0
        self.late = 0
        self.oc_lines = 0
        self.oc_lines_missing = 0

    # ------------------------------------------------------------------ messages
    def emit(
        self,
        src: str,
        mtype: str,
        label: str | None,
        uid: str | None,
        anon: str | None,
        extra: dict[str, Any] | None,
        body_key: str | None,
        body: dict[str, Any] | None,
        ctx: dict[str, Any],
        person_id: str,
        ev_ms: int,
        send_ms: int,
        recv_ms: int,
        *,
        skew_ms: int = 0,
        tz: str | None = None,
        first: bool = False,
        legacy: bool = False,
        millis: bool = True,
        ctx_json: str | None = None,
    ) -> bool:
        """Queue one message (with its noise); returns whether it landed valid.

        `ctx_json` is `ctx` already encoded (sessions encode a shared context once).
        """
        noise = self.noise
        self.emitted += 1
        self._counter += 1
        message_id = message_uuid(self.seed, self._counter)
        is_order = mtype == "track" and label == "Order Completed"
        corruptible = not first and mtype in ("track", "page", "screen")
        reason = None
        if corruptible:
            if is_order:
                self._eligible_orders += 1
                if self._eligible_orders in FORCED_ORDER_MALFORMED or noise.random() < P_ORDER_MALFORMED:
                    reason = ORDER_REASONS[self._order_cycle % 2]
                    self._order_cycle += 1
            if reason is None and noise.random() < P_MALFORMED:
                reason = GENERIC_REASONS[self._generic_cycle % len(GENERIC_REASONS)]
                self._generic_cycle += 1

        name = label
        junk = False
        far = None
        if reason is None:
            if mtype == "track" and label in VARIANTS_BY_NAME:
                if legacy:
                    name = LEGACY_NAMES[label]
                elif src in CLIENT_SOURCES and noise.random() < P_NAME_VARIANT:
                    name = noise.choice(VARIANTS_BY_NAME[label])
            if corruptible and src in CLIENT_SOURCES and anon and noise.random() < P_JUNK_USER_ID:
                uid = noise.choice(JUNK_USER_IDS)
                junk = True
            if src in CLIENT_SOURCES and noise.random() < P_FAR_FUTURE:
                far = noise.randint(1, 30) * 365 * DAY_MS + noise.randrange(DAY_MS)
        offset = None
        if src != "server" and tz is not None and far is None and noise.random() < P_OFFSET:
            offset = utc_offset_minutes(tz, ev_ms)

        orig = ev_ms + skew_ms
        sent = send_ms + skew_ms
        drop_original = False
        if far is not None:
            orig += far
            drop_original = noise.random() < 0.3  # only `timestamp` given, already in the future
        ts = recv_ms - (sent - orig)
        iso = self.clock.iso

        m: dict[str, Any] = {"type": mtype}
        if label is not None:
            m["event" if mtype == "track" else "name"] = name
        if uid is not None or junk:
            m["userId"] = uid
        if anon is not None:
            m["anonymousId"] = anon
        if extra:
            m.update(extra)
        m["messageId"] = message_id
        m["timestamp"] = iso(ts, offset)  # computed by Segment's API: always milliseconds
        if not drop_original:
            m["originalTimestamp"] = iso(orig, offset, millis)
        m["sentAt"] = iso(sent, offset, millis)
        m["receivedAt"] = iso(recv_ms)
        if body_key is not None:
            m[body_key] = body

        if reason is not None:
            m["context"] = ctx
            m["integrations"] = {}
            self._push(recv_ms, src, _MALFORMED, self._corrupt(m, reason, src), sent, message_id, reason)
            return False

        # a valid message: account for it, write its ground truth, maybe duplicate it
        if is_order:
            self.oc_lines += len(body["products"])
            self.oc_lines_missing += sum(1 for line in body["products"] if "product_id" not in line)
        self.valid += 1
        self.by_type[mtype] += 1
        self.by_source[src] += 1
        if mtype == "track":
            self.by_event[label] += 1
            if name != label:
                self.variants[name] += 1
        self.far_future += far is not None
        self.junk_user_ids += junk
        self.offsets += offset is not None
        self.skewed += skew_ms != 0
        self.late += recv_ms - ev_ms > HOUR_MS
        self._truth_buf.append(f"{message_id},{person_id}\n")
        if len(self._truth_buf) >= 4096:
            self._flush_truth()
        head = JSON.encode(m)
        line = f'{head[:-1]},"context":{ctx_json or JSON.encode(ctx)},"integrations":{{}}}}'
        self._push(recv_ms, src, _VALID, line, sent, message_id, None)
        if noise.random() < P_DUPLICATE:
            u = noise.random()
            delay = (
                noise.randint(1_000, 60_000)
                if u < 0.6
                else (noise.randint(60_000, HOUR_MS) if u < 0.9 else noise.randint(HOUR_MS, DAY_MS))
            )
            received = f'"receivedAt":"{m["receivedAt"]}"'
            line = line.replace(received, f'"receivedAt":"{iso(recv_ms + delay)}"', 1)
            self._push(recv_ms + delay, src, _DUPLICATE, line, sent, message_id, None)
            self.duplicates += 1
        return True

    def _corrupt(self, m: dict[str, Any], reason: str, src: str) -> str:
        """Give a message exactly one problem; returns the landed line."""
        noise = self.noise
        if reason == "missing_type":
            del m["type"]
        elif reason == "unknown_type":
            m["type"] = noise.choice(BAD_TYPES)
        elif reason == "missing_message_id":
            del m["messageId"]
        elif reason == "missing_identity":
            if noise.random() < 0.5:
                m.pop("userId", None)
                m.pop("anonymousId", None)
            else:
                m["userId"] = ""
                m["anonymousId"] = ""
        elif reason == "unparseable_timestamp":
            m["timestamp"] = noise.choice(BAD_TIMESTAMPS)
        elif reason == "non_numeric_amount":
            m["properties"] = {**m["properties"], "revenue": noise.choice(BAD_AMOUNTS)}
        elif reason == "non_numeric_price":
            props = dict(m["properties"])
            products = [dict(p) for p in props["products"]]
            i = noise.randrange(len(products))
            # a price scraped with a decimal comma and a currency code: "12,99 EUR"
            products[i]["price"] = f"{products[i]['price']:.2f}".replace(".", ",") + " " + props["currency"]
            props["products"] = products
            m["properties"] = props
        line = JSON.encode(m)
        if src == "server":
            line = '{"batch":[' + line + '],"sentAt":"' + m["sentAt"] + '"}'
        if reason == "invalid_json":
            line = line[: noise.randint(len(line) // 3, len(line) - 2)]
        return line

    def _push(
        self, recv: int, src: str, kind: int, line: str, sent: int, mid: str, reason: str | None
    ) -> None:
        self._seq += 1
        heapq.heappush(self.heap, (recv, self._seq, src, kind, line, sent, mid, reason))

    # ------------------------------------------------------------------ writing
    def flush_until(self, bound_ms: int) -> None:
        """Write every queued message received before `bound_ms`."""
        heap = self.heap
        while heap and heap[0][0] < bound_ms:
            self._write(heapq.heappop(heap))

    def _stats(self, src: str) -> tuple[FileStats, str, int]:
        """Stats of the file the next line of `src` goes to, its path and the line's number in it."""
        writer = self.writers[src]
        index, line_in_file = divmod(writer.rows_written, self.rows_per_file)
        stats_list = self.file_stats[src]
        if len(stats_list) <= index:
            stats_list.append(FileStats())
        return stats_list[index], f"segment/{src}/part-{index + 1:05d}.jsonl.gz", line_in_file + 1

    def _write(self, entry: tuple) -> None:
        recv, _, src, kind, line, sent, mid, reason = entry
        if src == "server":
            if kind == _MALFORMED:
                self._write_batch()
                self._write_line(src, line, 0 if reason == "invalid_json" else 1, 0, reason, mid)
                return
            if self._batch and recv - self._batch_first_recv > SERVER_BATCH_WINDOW_MS:
                self._write_batch()
            if not self._batch:
                self._batch_target = self.batch_rng.randint(1, 20)
                self._batch_first_recv = recv
            self._batch.append((line, sent, kind))
            if len(self._batch) >= self._batch_target:
                self._write_batch()
            return
        parseable = not (kind == _MALFORMED and reason == "invalid_json")
        self._write_line(src, line, 1 if parseable else 0, kind == _DUPLICATE, reason, mid)

    def _write_batch(self) -> None:
        if not self._batch:
            return
        sent = max(s for _, s, _ in self._batch)
        line = (
            '{"batch":['
            + ",".join(m for m, _, _ in self._batch)
            + '],"sentAt":"'
            + self.clock.iso(sent)
            + '"}'
        )
        dups = sum(1 for _, _, k in self._batch if k == _DUPLICATE)
        self._write_line("server", line, len(self._batch), dups, None, None)
        self._batch = []

    def _write_line(
        self, src: str, line: str, messages: int, dups: int, reason: str | None, mid: str | None
    ) -> None:
        stats, path, line_no = self._stats(src)
        self.writers[src].write_line(line)
        stats.lines += 1
        stats.messages += messages
        stats.duplicate_copies += dups
        if reason is not None:
            stats.malformed[reason] += 1
            self.malformed[reason] += 1
            batch_index = 0 if src == "server" and reason != "invalid_json" else ""
            self._malformed_csv.writerow(
                (path, line_no, batch_index, reason, mid if reason != "missing_message_id" else "")
            )

    def _flush_truth(self) -> None:
        self._truth.write("".join(self._truth_buf).encode("utf-8"))
        self._truth_buf = []

    def open(self) -> None:
        for writer in self.writers.values():
            writer.__enter__()

    def close(self, ok: bool) -> None:
        """Flush everything (when ok) and close the writers; on failure publish nothing."""
        if ok:
            self.flush_until(1 << 62)
            self._write_batch()
            self._flush_truth()
        for writer in self.writers.values():
            if ok:
                writer.__exit__(None, None, None)
            else:
                writer.__exit__(RuntimeError, RuntimeError("aborted"), None)
        self._truth.close()
        self._truth_raw.close()
        self._malformed_handle.close()

    def files(self) -> dict[str, dict[str, Any]]:
        out = {}
        for src in SOURCES:
            for i, stats in enumerate(self.file_stats[src]):
                out[f"segment/{src}/part-{i + 1:05d}.jsonl.gz"] = stats.as_dict()
        return out
