"""Returns as other spreadsheet programs save them, kept as files those
programs made (tests/saved_by/), so the reader is tested against them
without the programs installed: each is read exactly as the workbook it was
saved from."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from kcp_sheets.check import check_returns

SAVED_BY = Path(__file__).parent / "saved_by"
SOURCE = SAVED_BY / "hh-return-as-excel.xlsx"  # a return of the demo, as our writer and fill made it


def values(review, path: Path) -> tuple[dict[str, dict], list[str]]:
    [ret] = check_returns(review, [path]).returns
    return {r.id: r.values for r in ret.rows.get("Progress Tracker", [])}, sorted(p.code for p in ret.problems if p.severity == "error")


def test_an_ods_saved_by_gnumeric_reads_as_the_workbook_it_was_saved_from(review, tmp_path: Path) -> None:
    """Gnumeric indents its XML; the reading library took the indent between cells for a cell
    and refused every .ods Gnumeric saves as 'damaged'."""
    expected, _ = values(review, SOURCE)
    got, errors = values(review, SAVED_BY / "hh-return-saved-by-gnumeric.ods")
    assert errors == [] and expected
    assert {k: v.get("progress") for k, v in got.items()} == {k: v.get("progress") for k, v in expected.items()}
    assert {k: v.get("coordinator_score") for k, v in got.items()} == {k: v.get("coordinator_score") for k, v in expected.items()}


def test_an_ods_without_its_mimetype_entry_is_read(review, tmp_path: Path) -> None:
    """Google Docs leaves the mimetype entry out of the .ods it saves."""
    out = io.BytesIO()
    with zipfile.ZipFile(SAVED_BY / "hh-return-saved-by-gnumeric.ods") as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in source.infolist():
            if info.filename != "mimetype":
                copy.writestr(info.filename, source.read(info.filename))
    path = tmp_path / "no mimetype.ods"
    path.write_bytes(out.getvalue())
    got, errors = values(review, path)
    assert errors == [] and got
