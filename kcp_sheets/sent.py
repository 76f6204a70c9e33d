"""What was sent: each workbook a review sent out, exactly as it was made.

A sent workbook is its resolved spec (every sheet, column and header as they
were on the day, whatever templates are installed now) and its content (every
row, title and identity value). The generator makes them, the ledger keeps
every edition of each, and the reader and the consolidation read returns
against them, so a return is always read with what its sender received.

The record is plain JSON (dates tagged), so it can be stored, compared and
read back without the generator or the templates.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import json
import types
import typing
from dataclasses import dataclass
from typing import Any

from .content import Content
from .problems import Problem, problem
from .spec import Sheet, WorkbookSpec
from .values import as_text

EDITION = "edition"  # the identity key naming which edition of a workbook this is


@dataclass(frozen=True)
class SentWorkbook:
    """One workbook the review sends out, with everything it was made from.

    `edition` counts the versions of this workbook sent to this cluster: 1 for
    the first, 2 after the officer re-generated it with changed content; 0 for
    one not (yet) recorded."""

    spec: WorkbookSpec
    content: Content
    cluster: str = ""  # cluster code, or "" for review-wide workbooks
    edition: int = 0

    @property
    def file_name(self) -> str:
        from .folder import safe_file_name

        return safe_file_name(self.spec.file_name)

    @property
    def label(self) -> str:
        return self.cluster or self.spec.template

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.spec.template, self.cluster, self.edition)


class SentWorkbooks:
    """What was sent out, every edition, found by what a return's identity names."""

    def __init__(self, planned: list[SentWorkbook]) -> None:
        self._editions: dict[tuple[str, str], list[SentWorkbook]] = {}
        for p in planned:
            self._editions.setdefault((p.spec.template, p.cluster), []).append(p)
        for group in self._editions.values():
            group.sort(key=lambda p: p.edition)
        self._others: dict[str, dict[str, list[tuple[SentWorkbook, dict[str, Any]]]]] = {}

    def others(self, template: str, cluster: str, key: str) -> tuple[SentWorkbook, dict[str, Any]] | None:
        """Another cluster's sent row (latest editions) of this template's main
        table whose ID is `key`, or which holds a fixed text (`<column key>:<text>`,
        as `other_text` makes it): to know another cluster's row, or its text,
        pasted into this one's workbook. One index per template, made when
        first asked."""
        index = self._others.get(template)
        if index is None:
            index = self._others[template] = {}
            for (kind, code), group in self._editions.items():
                if kind != template or not code:
                    continue
                plan = group[-1]
                table = plan.spec.main_table()
                fixed = [c.key for c in table.table.columns if not c.is_input and c.kind != "id"] if table.table else []
                for row in plan.content.rows.get(table.key, []):
                    index.setdefault(str(row["id"]), []).append((plan, row))
                    for column in fixed:
                        text = other_text(column, row.get(column))
                        if text:
                            index.setdefault(text, []).append((plan, row))
        return next(((plan, row) for plan, row in index.get(key, ()) if plan.cluster != cluster), None)

    def find(self, template: str, cluster: str, edition: int | None = None) -> SentWorkbook | None:
        """The edition named, or the latest one sent."""
        group = self._editions.get((template, cluster))
        if not group:
            return None
        if edition is None:
            return group[-1]
        return next((p for p in group if p.edition == edition), None)

    def match(self, identity: dict[str, str]) -> SentWorkbook | None:
        """The sent workbook a return's identity sheet names: by its edition; for
        a workbook made before editions were recorded, by its fingerprint; else
        the latest."""
        template, cluster = identity.get("template", ""), identity.get("cluster", "")
        group = self._editions.get((template, cluster))
        if not group:
            return None
        edition = identity.get(EDITION, "")
        if edition.isdigit():
            named = self.find(template, cluster, int(edition))
            if named is not None:
                return named
        same = [p for p in group if p.content.identity.get("fingerprint") == identity.get("fingerprint")]
        return same[-1] if same else group[-1]

    def holds(self, identity: dict[str, str]) -> bool:
        """Whether the edition a return's identity names is one recorded here."""
        group = self._editions.get((identity.get("template", ""), identity.get("cluster", "")), [])
        edition = identity.get(EDITION, "")
        same = [p for p in group if p.content.identity.get("fingerprint") == identity.get("fingerprint")]
        # A record rebuilt from the settings names no edition: it holds only what matches it.
        return bool(same) or any(p.content.identity.get(EDITION) == edition for p in group if edition)

    def all(self) -> list[SentWorkbook]:
        """The latest edition of each workbook."""
        return [group[-1] for group in self._editions.values()]

    def editions(self) -> list[SentWorkbook]:
        return [p for group in self._editions.values() for p in group]


def other_text(key: str, value: Any) -> str:
    """How a fixed text is looked up among other clusters' rows: long enough
    to be that row's own (a stock "Yes" or a shared partner's name is no one's),
    whitespace and case aside."""
    text = " ".join(as_text(value).split()).casefold()
    return f"{key}:{text}" if len(text) >= 20 else ""


# The record: JSON in, JSON out.
def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float)):  # bool is an int
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, dict):
        if all(isinstance(k, str) for k in value):
            return {k: _plain(v) for k, v in value.items()}
        return {"$items": [[_plain(k), _plain(v)] for k, v in value.items()]}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _build(kind: Any, value: Any) -> Any:
    """A value of the annotated type from its plain form: dataclasses, tuples and optionals."""
    if value is None or isinstance(value, (str, int, float)):
        return value
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = [k for k in typing.get_args(kind) if k is not type(None)]
        return _build(options[0], value) if len(options) == 1 else value
    if origin is tuple:
        args = typing.get_args(kind)
        inner = args[0] if args else Any
        return tuple(_build(inner, v) for v in value)
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return kind(
            **{
                name: _build(hint, value[name]) if built else value[name]
                for name, hint, built in _fields(kind)
                if name in value
            }
        )
    return value


@functools.cache
def _fields(kind: type) -> tuple[tuple[str, Any, bool], ...]:
    """Each field's name, type, and whether its plain form needs building (most are text as they are)."""
    hints = typing.get_type_hints(kind)
    return tuple((f.name, hints[f.name], _needs_build(hints[f.name])) for f in dataclasses.fields(kind))


def _needs_build(kind: Any) -> bool:
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = [k for k in typing.get_args(kind) if k is not type(None)]
        return len(options) == 1 and _needs_build(options[0])
    return origin is tuple or (isinstance(kind, type) and dataclasses.is_dataclass(kind))


def encode(plan: SentWorkbook) -> tuple[str, str]:
    """The spec and the content as JSON text, keys sorted, so equal inputs give equal text."""
    spec = json.dumps(_plain(plan.spec), sort_keys=True, ensure_ascii=False)
    content = json.dumps(_plain(plan.content), sort_keys=True, ensure_ascii=False)
    return spec, content


def _tagged(value: dict[str, Any]) -> Any:
    """A value _plain tagged, as json.loads meets it (innermost first), so no
    row is walked again in Python: a national review reads back thousands of
    sent workbooks."""
    if len(value) == 1:
        if "$date" in value:
            return dt.date.fromisoformat(value["$date"])
        if "$datetime" in value:
            return dt.datetime.fromisoformat(value["$datetime"])
        if "$items" in value:
            return {k: v for k, v in value["$items"]}
    return value


def decode(spec: str, content: str, cluster: str, edition: int, shared: Shared | None = None) -> SentWorkbook:
    """A sent workbook from its record; with `shared`, the parts of its layout
    equal to those of one decoded before with it are held once."""
    built_spec = _build(WorkbookSpec, json.loads(spec, object_hook=_tagged))
    built_content = _build(Content, json.loads(content, object_hook=_tagged))
    built_content.contacts = [tuple(c) for c in built_content.contacts]
    return SentWorkbook(shared.spec(built_spec) if shared else built_spec, built_content, cluster, edition)


class Shared:
    """The layouts of many workbooks decoded together, each sheet and table
    held once however many workbooks have it: a national review's 2,500
    trackers differ only in the titles that name their cluster."""

    def __init__(self) -> None:
        self._parts: dict[Any, Any] = {}
        self._commons: list[Any] = []  # not hashable (it holds the styles), and one or two at most

    def _one(self, part: Any) -> Any:
        try:
            return self._parts.setdefault(part, part)
        except TypeError:  # a part holding something unhashable: held as it is
            return part

    def spec(self, spec: WorkbookSpec) -> WorkbookSpec:
        sheets = tuple(self._one(self._sheet(s)) for s in spec.sheets)
        common = next((c for c in self._commons if c == spec.common), None)
        if common is None:
            self._commons.append(spec.common)
            common = spec.common
        return dataclasses.replace(spec, sheets=sheets, common=common)

    def _sheet(self, sheet: Sheet) -> Sheet:
        """A sheet whose parts (its table's columns, each paragraph) are those held, where equal."""
        table = sheet.table
        if table is not None:
            table = self._one(dataclasses.replace(table, columns=self._one(table.columns)))
        paragraphs = tuple(self._one(p) for p in sheet.paragraphs)
        return dataclasses.replace(sheet, table=table, paragraphs=paragraphs)


def content_hash(plan: SentWorkbook) -> str:
    """What makes two editions the same: spec and content, whatever edition they are called."""
    identity = {k: v for k, v in plan.content.identity.items() if k != EDITION}
    unnumbered = SentWorkbook(plan.spec, dataclasses.replace(plan.content, identity=identity), plan.cluster)
    spec, content = encode(unnumbered)
    return hashlib.sha256(f"{spec}\x1e{content}".encode()).hexdigest()


# What the officer changed after sending.
def changes_since(sent: SentWorkbook, now: SentWorkbook, file: str) -> list[Problem]:
    """What differs between the workbook a return answers and what the review
    sends today: the officer's changes, said as such, so the sender is asked
    only for what they were never sent."""
    found: list[Problem] = []
    for sheet in now.spec.sheets:
        table = sheet.table
        if sheet.kind != "table" or table is None:
            continue
        before = {str(r["id"]): r for r in sent.content.rows.get(sheet.key, [])}
        after = {str(r["id"]): r for r in now.content.rows.get(sheet.key, [])}
        fixed = [c for c in table.columns if not c.is_input and c.kind != "id"]
        for ident, row in after.items():
            if ident not in before:
                what = next((as_text(row.get(k)) for k in ("action", "outcome", "title") if row.get(k)), "")
                found.append(
                    problem(
                        "row-added-since", file, sheet=sheet.name, row_id=ident, detail=what[:200], found=what[:200]
                    )
                )
                continue
            old = before[ident]
            changed = [
                c.header
                for c in fixed
                if c.key in old and as_text(old.get(c.key)).split() != as_text(row.get(c.key)).split()
            ]
            if changed:
                found.append(
                    problem("row-changed-since", file, sheet=sheet.name, row_id=ident, detail=", ".join(changed))
                )
        for ident in before:
            if ident not in after:
                found.append(problem("row-removed-since", file, sheet=sheet.name, row_id=ident))
    return found
