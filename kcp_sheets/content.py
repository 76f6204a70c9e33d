"""What a workbook holds besides its layout (the spec), and the parts of it
that the writer writes and the reader knows again as ours: the identity
sheet's mark, the instructions' cells, the score lists' entries and the
fingerprint of the fixed text. The writer renders from here and the reader
reads with it; neither imports the other."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from .spec import Sheet, WorkbookSpec

IDENTITY_MARK = "kcp_sheets identity"


@dataclass
class Content:
    """What goes into one workbook besides its layout."""

    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    blocks: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # summary sheets
    group_titles: dict[str, str] = field(default_factory=dict)
    scales: dict[str, dict[int, str]] = field(default_factory=dict)
    contacts: list[tuple[str, str, str]] = field(default_factory=list)
    identity: dict[str, str] = field(default_factory=dict)
    author: str = ""
    company: str = ""
    created: dt.date = dt.date(2000, 1, 1)
    password: str = ""


def scale_entries(labels: dict[int, str]) -> list[str]:
    """Drop-down entries that say what each number means: '5 - Achieved'."""
    return [f"{n} - {label}" for n, label in sorted(labels.items(), reverse=True)]


def fingerprint(spec: WorkbookSpec, content: Content) -> str:
    """A short hash of the fixed text, so an edited return can be spotted."""
    parts = [f"{spec.template}:{spec.version}"]
    for sheet in spec.sheets:
        if sheet.table is None:
            continue
        fixed = [c.key for c in sheet.table.columns if not c.is_input]
        for row in content.rows.get(sheet.key, []):
            parts += ("\x1f" + shown_as_text(row.get(key)) for key in fixed)
            parts.append("\x1e")
    return hashlib.sha256("".join(parts).encode()).hexdigest()[
        :16
    ]  # hashed whole: the same digest as fed piece by piece


def instruction_cells(spec: WorkbookSpec, content: Content, sheet: Sheet) -> list[tuple[int, int, str, str]]:
    """The instructions sheet below its title, as (row, column, text, style),
    0-based: what the writer writes, and what the reader knows as ours."""
    cells: list[tuple[int, int, str, str]] = []
    row = 2
    for para in sheet.paragraphs:
        cells += [(row, 0, para.heading, "label"), (row, 1, para.text, "fixed")]
        row += 1
    used = {c.scale for s in spec.sheets if s.table for c in s.table.columns if c.kind == "score"}
    if sheet.scale_heading and used:
        row += 1
        cells += [
            (row, 0, sheet.scale_heading, "heading"),
            (row, 1, "Pick the score from the drop-down list in each score cell.", "heading"),
        ]
        row += 1
        for scale in sorted(used):
            for entry in scale_entries(content.scales.get(scale, {})):
                cells += [(row, 0, scale.capitalize(), "fixed"), (row, 1, entry, "fixed")]
                row += 1
    if sheet.contacts_heading and content.contacts:
        row += 1
        cells += [(row, 0, sheet.contacts_heading, "heading"), (row, 1, "", "heading")]
        row += 1
        for role, name, email in content.contacts:
            cells += [(row, 0, role, "fixed"), (row, 1, f"{name} <{email}>" if email else name, "fixed")]
            row += 1
    return cells


def shown_as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)
