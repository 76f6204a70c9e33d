"""Recognising a return: which workbook of this review it is (by its hidden
identity sheet, or failing that by its headers and row IDs), and which of
its sheets is which of the template's."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..content import IDENTITY_MARK
from ..sent import SentWorkbook
from ..spec import Sheet, load_common
from ..values import as_text, is_blank
from .table import find_header

if TYPE_CHECKING:
    from .reading import Reading


def recognise(reading: Reading) -> SentWorkbook | None:
    """The plan this return answers, or None with a problem saying why not."""
    grids = reading.grids
    common = load_common(reading.review.templates)
    identity_name = next((n for n, g in grids.items() if g and g[0] and as_text(g[0][0]) == IDENTITY_MARK), None)
    if identity_name is None and common.identity_sheet in grids:
        identity_name = common.identity_sheet
    if identity_name is not None:
        reading.accounts.claim(identity_name)
        reading.accounts.take(
            identity_name, ((r, c) for r, row in enumerate(grids[identity_name]) for c in range(min(2, len(row))))
        )
        identity = {
            as_text(r[0]).strip(): as_text(r[1]).strip()
            for r in grids[identity_name][1:]
            if len(r) > 1 and not is_blank(r[0])
        }
        reading.result.identity = identity
        return _by_identity(reading, identity)
    return _by_headers(reading)


def _by_identity(reading: Reading, identity: dict[str, str]) -> SentWorkbook | None:
    expected = reading.review.review_id
    if identity.get("review") != expected:
        reading.add(
            "other-review",
            detail=f"{identity.get('review') or 'unknown'} (year {identity.get('year', '?')})",
            expected=expected,
        )
        return None
    template, cluster = identity.get("template", ""), identity.get("cluster", "")
    plan = reading.planned.match(identity)
    if plan is None:
        reading.add(
            "file-unknown", detail=f"template '{template}' for cluster '{cluster or '-'}' is not part of this review"
        )
        return None
    if identity.get("version") != str(plan.spec.version):
        reading.add("other-version", found=identity.get("version", "?"), expected=str(plan.spec.version))
    sent = plan.content.identity
    changed = [k for k in ("template", "cluster", "rows", "fingerprint") if identity.get(k, "") != sent.get(k, "")]
    if "fingerprint" in changed and not reading.planned.holds(identity):
        # Made from a workbook the ledger does not hold (a ledger rebuilt from
        # the settings, which changed after sending): not the sender's doing.
        reading.add("sent-unknown", detail=identity.get("edition") or "made before editions were recorded")
    elif changed:
        reading.add("identity-edited", detail=", ".join(changed))
    return plan


def _by_headers(reading: Reading) -> SentWorkbook | None:
    """No identity sheet: find the template whose headers and row IDs fit best."""
    best: tuple[float, SentWorkbook | None] = (0.0, None)
    for plan in reading.planned.all():
        sheet = plan.spec.main_table()
        table = sheet.table
        ids = {str(r["id"]) for r in plan.content.rows.get(sheet.key, [])}
        for grid in reading.grids.values():
            header_row, columns = find_header(grid, table)
            if header_row < 0:
                continue
            header_fit = len(columns) / len(table.columns)
            found_ids = {as_text(r[0]).strip() for r in grid[header_row + 1 :] if r}
            id_fit = len(ids & found_ids) / max(1, len(ids))
            score = header_fit * 0.4 + id_fit * 0.6
            if score > best[0]:
                best = (score, plan)
    score, plan = best
    if plan is None or score < 0.5:
        reading.add("file-unknown", detail="no identity sheet, and its headers match none of this review's workbooks")
        return None
    what = f"the {plan.spec.title}"
    reading.add("identity-missing", detail=what, sure=f"{round(score * 100)}%")
    return plan


def find_sheet(reading: Reading, sheet: Sheet) -> str | None:
    """The returned sheet that is the template's `sheet`: by name, by name
    ignoring case and spaces, or by its table's headers (a renamed tab)."""
    grids, accounts = reading.grids, reading.accounts
    if sheet.name in grids:
        accounts.claim(sheet.name)
        return sheet.name
    folded = sheet.name.strip().casefold()
    for name in grids:
        if name not in accounts.claimed and name.strip().casefold() == folded:
            accounts.claim(name)
            return name
    table = sheet.table
    if table is not None:
        for name, grid in grids.items():
            if name in accounts.claimed:
                continue
            header_row, columns = find_header(grid, table, table.header_row - 1 if sheet.kind == "table" else -1)
            if header_row >= 0 and len(columns) >= len(table.columns) / 2:
                accounts.claim(name)
                reading.add("sheet-renamed", sheet=name, expected=sheet.name)
                return name
    return None
