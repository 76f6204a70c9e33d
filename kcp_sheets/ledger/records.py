"""The records of each review in the ledger, carried from year to year, for
the plan's history and for analysts: every action, score and plan row as
JSON, by review, kind, cluster and ID."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ..bulk import building
from .opening import Opened


def _as_text(value: Any) -> str:
    """A value JSON has no type for, in a record: a date as ISO text, anything else as it prints."""
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else str(value)


_RECORD_JSON = json.JSONEncoder(
    ensure_ascii=False, check_circular=False, default=_as_text
)  # made once, used for every record


def _record_encoder() -> Callable[[dict[str, Any]], str]:
    """A record as JSON text, exactly as _RECORD_JSON.encode writes it: through
    json's C encoder made once where Python has it (`encode` makes one per
    call, a third of the time of 200,000 records)."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return _RECORD_JSON.encode
    e = _RECORD_JSON
    chunks = make(
        None,
        e.default,
        json.encoder.encode_basestring,
        e.indent,
        e.key_separator,
        e.item_separator,
        e.sort_keys,
        e.skipkeys,
        e.allow_nan,
    )
    return lambda record: "".join(chunks(record, 0))


_encode_record = _record_encoder()


class ReviewRecords(Opened):
    """The ledger's records of each review: replaced as a review is consolidated, read back oldest first."""

    def has_records(self) -> bool:
        return self.db.execute("SELECT 1 FROM records LIMIT 1").fetchone() is not None

    def carry_history(
        self,
        last: ReviewRecords | None,
        review: str,
        year: int,
        partnership: str,
        title: str,
        records: dict[str, Iterable[dict[str, Any]]],
        source: str,
    ) -> None:
        """A new year's ledger starting with every earlier review's records (from `last`) and this one's."""
        if last is not None:
            self.copy_history(last)
        self.replace_records(review, year, partnership, title, records)
        self.event("carried forward", detail=f"history from {source}")

    def replace_records(
        self, review: str, year: int, partnership: str, title: str, records: dict[str, Iterable[dict[str, Any]]]
    ) -> None:
        """A review's records, replacing those it had (dates as ISO text). Only
        what changed is written: consolidating again, with a few returns new,
        rewrites their records alone."""
        self.db.execute(
            "INSERT OR REPLACE INTO reviews (review, year, partnership, title) VALUES (?, ?, ?, ?)",
            (review, year, partnership, title),
        )
        keys: set[tuple[str, str, str]] = set()
        # What the review holds now, in the same order, read beside the new
        # records: one the same in every respect is not written again (SQLite
        # would compare it too, but only after the statement is run for it).
        held = self.db.execute(
            "SELECT kind, cluster, id, year, data, seq FROM records WHERE review = ? ORDER BY seq, rowid", (review,)
        )

        def rows() -> Iterator[tuple[Any, ...]]:  # one by one: the records are never held twice, as JSON too
            was = next(held, None)
            for seq, (kind, record) in enumerate((kind, r) for kind, rs in records.items() for r in rs):
                key = (kind, str(record.get("cluster") or ""), str(record["id"]))
                again = key in keys  # the same key twice: the later one stands, as written in turn
                keys.add(key)
                data = _encode_record(record)
                while was is not None and was[5] < seq:
                    was = next(held, None)
                if again or was is None or tuple(was) != (*key, year, data, seq):
                    yield (review, year, *key, data, seq)

        self.db.executemany(
            "INSERT INTO records (review, year, kind, cluster, id, data, seq) VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (review, kind, cluster, id) DO UPDATE SET year = excluded.year, data = excluded.data, "
            "seq = excluded.seq"
            " WHERE year IS NOT excluded.year OR data IS NOT excluded.data OR seq IS NOT excluded.seq",
            rows(),
        )
        if self.db.execute("SELECT count(*) FROM records WHERE review = ?", (review,)).fetchone()[0] != len(keys):
            gone = [
                (review, *k)
                for k in self.db.execute("SELECT kind, cluster, id FROM records WHERE review = ?", (review,))
                if tuple(k) not in keys
            ]
            self.db.executemany("DELETE FROM records WHERE review = ? AND kind = ? AND cluster = ? AND id = ?", gone)

    def records(self, kind: str, before: int | None = None) -> list[dict[str, Any]]:
        """Every review's records of one kind (of the years before `before`, if given), oldest review first."""
        with building():
            return list(self.each_record(kind, before))

    def each_record(self, kind: str, before: int | None = None) -> Iterator[dict[str, Any]]:
        """The same records one by one, as SQLite gives them: an export holds one at a time."""
        rows = self.db.execute(
            # Reviews of one year in the order they were last consolidated; each review's records in the plan's order.
            "SELECT r.review, r.year, r.data FROM records r LEFT JOIN reviews v ON v.review = r.review"
            " WHERE r.kind = ? AND r.year < ? ORDER BY r.year, v.rowid, r.seq, r.rowid",
            (kind, before or 10**6),
        )
        for r in rows:
            yield {"review": r["review"], "year": r["year"], **json.loads(r["data"])}

    def copy_history(self, other: ReviewRecords) -> None:
        """Bring another folder's reviews and records into this ledger (init --from)."""
        for r in other.db.execute("SELECT review, year, partnership, title FROM reviews"):
            self.db.execute("INSERT OR REPLACE INTO reviews VALUES (?, ?, ?, ?)", tuple(r))
        self.db.executemany(
            "INSERT OR REPLACE INTO records (review, year, kind, cluster, id, data, seq) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                tuple(r)
                for r in other.db.execute(
                    "SELECT review, year, kind, cluster, id, data, seq FROM records ORDER BY rowid"
                )
            ],
        )
