"""What people do to a return in LibreOffice, done through LibreOffice itself
(tests/lo_type.py) and saved as .xlsx, .ods and .xls: every value typed is
read against the action it was typed for, or an error says which it is not."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import python_calamine as calamine
from conftest import soffice
from test_libreoffice import system_python_with_uno

from kcp_sheets.check import check_returns
from kcp_sheets.consolidate import consolidate
from kcp_sheets.sent import SentWorkbook

pytestmark = pytest.mark.libreoffice
FORMATS = ("xlsx", "ods", "xls")


def in_libreoffice(sent: Path, out: Path, plan: list[Any]) -> dict[str, Path]:
    """Do `plan` to `sent` in LibreOffice; the copies it saved, by format."""
    soffice()
    python = system_python_with_uno()
    plan_file = out.with_suffix(".json")
    plan_file.write_text(json.dumps(plan))
    done = subprocess.run(
        [python, str(Path(__file__).parent / "lo_type.py"), str(sent), str(out), str(plan_file)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return {fmt: out.with_suffix(f".{fmt}") for fmt in FORMATS}


def places(path: Path, sheet: str, header_row: int) -> tuple[dict[str, str], dict[str, int]]:
    """Column letter by header and row number by first-column text, as sent."""
    ws = openpyxl.load_workbook(path)[sheet]
    return {c.value: c.column_letter for c in ws[header_row] if c.value}, {
        str(c.value): c.row for c in ws["A"] if c.value is not None
    }


def test_rows_sorted_by_action_without_the_id_column_in_libreoffice(
    review, plans: dict[str, SentWorkbook], outbox: Path, tmp_path: Path
) -> None:
    plan = plans["HW"]
    sheet = plan.spec.main_table()
    sent = outbox / plan.file_name
    column, row = places(sent, sheet.name, sheet.table.header_row)
    ids = [str(r["id"]) for r in plan.content.rows[sheet.key]]
    last_col = openpyxl.utils.get_column_letter(len(sheet.table.columns))
    typing: list[Any] = [[sheet.name, f"{column['Progress this year']}{row[i]}", f"progress of {i}"] for i in ids]
    typing += [
        [sheet.name, f"{column['Co-ordinator' + chr(39) + 's score (5-1)']}{row[i]}", 1 + n % 5]
        for n, i in enumerate(ids)
    ]
    typing += [
        {"do": "unprotect", "sheet": sheet.name},
        {
            "do": "sort",
            "sheet": sheet.name,
            "range": f"B{row[ids[0]]}:{last_col}{row[ids[-1]]}",
            "by": 2,
            "descending": True,
        },
    ]
    for fmt, path in in_libreoffice(sent, tmp_path / "sorted", typing).items():
        [ret] = check_returns(review, [path]).returns
        read = {r.id: r.values for r in ret.rows[sheet.key]}
        for n, ident in enumerate(ids):
            assert read[ident]["progress"] == f"progress of {ident}", (fmt, ident)
            assert read[ident]["coordinator_score"] == 1 + n % 5, (fmt, ident)
        assert not [p.message for p in ret.problems if p.severity == "error"], fmt
        assert any(p.code == "row-moved" for p in ret.problems), fmt


def test_a_column_inserted_and_a_block_pasted_one_row_down_in_libreoffice(
    review, plans: dict[str, SentWorkbook], outbox: Path, tmp_path: Path
) -> None:
    plan = plans["CD"]
    sheet = plan.spec.main_table()
    sent = outbox / plan.file_name
    column, row = places(sent, sheet.name, sheet.table.header_row)
    ids = [str(r["id"]) for r in plan.content.rows[sheet.key]]
    progress, score = column["Progress this year"], column["Co-ordinator's score (5-1)"]
    last = ids[-3:]
    typing: list[Any] = [[sheet.name, f"{progress}{row[i]}", f"progress of {i}"] for i in last] + [
        [sheet.name, f"{score}{row[i]}", 3] for i in last
    ]
    # Cut the last three rows' answers and paste them one row down, onto the first spare row.
    typing += [
        {"do": "unprotect", "sheet": sheet.name},
        {
            "do": "move",
            "sheet": sheet.name,
            "from": f"{progress}{row[last[0]]}:{score}{row[last[-1]]}",
            "to": f"{progress}{row[last[0]] + 1}",
        },
    ]
    # Then a column of notes inserted before the progress column, with a header and a note.
    before = openpyxl.utils.column_index_from_string(progress) - 1
    typing += [
        {"do": "insert_columns", "sheet": sheet.name, "before": before},
        [sheet.name, f"{progress}{sheet.table.header_row}", "Notes added by the cluster"],
        [sheet.name, f"{progress}{row[ids[0]]}", "a note on the first action"],
    ]
    for fmt, path in in_libreoffice(sent, tmp_path / "shifted", typing).items():
        [ret] = check_returns(review, [path]).returns
        [shifted] = [p for p in ret.problems if p.code == "answers-shifted"]
        assert all(i in shifted.message for i in last) and f"progress of {last[-1]}" in shifted.found, fmt
        assert not [r for r in ret.rows[sheet.key] if r.new], fmt  # no action invented
        assert {r.id: r for r in ret.rows[sheet.key]}[ids[0]].extra == {
            "Notes added by the cluster": "a note on the first action"
        }, fmt


def test_two_returns_for_one_cluster_saved_by_libreoffice(
    review, plans: dict[str, SentWorkbook], outbox: Path, tmp_path: Path
) -> None:
    import os

    plan = plans["ET"]
    sheet = plan.spec.main_table()
    sent = outbox / plan.file_name
    column, row = places(sent, sheet.name, sheet.table.header_row)
    score, progress = column["Co-ordinator's score (5-1)"], column["Progress this year"]
    first = in_libreoffice(
        sent,
        tmp_path / "first",
        [[sheet.name, f"{score}{row['ET-01']}", 2], [sheet.name, f"{progress}{row['ET-01']}", "from the first"]],
    )
    second = in_libreoffice(
        sent,
        tmp_path / "second",
        [
            [sheet.name, f"{score}{row['ET-01']}", "4 - mostly"],
            [sheet.name, f"{progress}{row['ET-02']}", "from the second"],
        ],
    )
    for fmt in FORMATS:
        os.utime(first[fmt], (1_000_000_000, 1_000_000_000))
        os.utime(second[fmt], (1_100_000_000, 1_100_000_000))
        result = check_returns(review, [first[fmt], second[fmt]])
        [used] = result.used()
        read = {r.id: r for r in used.rows[sheet.key]}
        assert (
            read["ET-01"].values["progress"] == "from the first"
            and read["ET-02"].values["progress"] == "from the second"
        ), fmt
        assert read["ET-01"].values["coordinator_score"] == 4 and read["ET-01"].notes == {
            "coordinator_score": "mostly"
        }, fmt
        [differ] = [p for p in used.problems if p.code == "returns-differ"]
        assert differ.row_id == "ET-01" and "2" in differ.message, fmt


TYPED_SCORES = [  # in the order of the sub-criteria: four groups all readable, two with a score that is not
    "Largely met",
    "three",
    "4 - mostly",
    "5",
    "2 - Little evidence",
    "Standard fully met",
    " 1 ",
    "four",
    "partly met",
    "5 - Standard fully met",
    "Not met",
    "2",
    "4.",
    "3/4",
    "4?",
    "9",
    "1 or 2",
    "mostly",
    "3",
]


def test_the_health_review_s_own_total_is_the_plan_s_total_however_a_score_is_typed(
    review, plans: dict[str, SentWorkbook], outbox: Path, tmp_path: Path
) -> None:
    plan = plans["partnership-health"]
    sheet = plan.spec.main_table()
    sent = outbox / plan.file_name
    column, row = places(sent, sheet.name, sheet.table.header_row)
    subs = [str(r["id"]) for r in plan.content.rows[sheet.key]]
    typing: list[Any] = [
        [sheet.name, f"{column['Score (5-1)']}{row[ref]}", typed]
        for ref, typed in zip(subs, TYPED_SCORES, strict=False)
    ]
    typing += [
        [sheet.name, f"{column['Key contact']}{row[subs[0]]}", "Helen Kay"],
        [sheet.name, f"{column['Date to be completed']}{row[subs[1]]}", "Ongoing"],
    ]
    saved = in_libreoffice(sent, tmp_path / "health", typing)
    for fmt, path in saved.items():
        result = check_returns(review, [path])
        for ret in result.returns:
            ret.state = "accepted"  # the officer accepts it with its errors, to see its totals in the plan
        _, content = consolidate(result)
        planned = {r["criterion"]: r["total"] for r in content.blocks["health"]}
        grid = calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet.name).to_python()
        shown = [r[column_index(column["Score (5-1)"])] for r in grid if r and r[0] == sheet.table.total_label]
        problems = {
            p.row_id
            for p in result.all_problems()
            if p.code in ("score-ambiguous", "score-invalid", "score-out-of-range")
        }
        numbers = 0
        for criterion, total in zip(review.criterion_names(), shown, strict=True):
            refs = [s.ref for s in review.criteria if s.criterion == criterion]
            if total == "Check the scores":
                assert problems & set(refs) or any(
                    p.code == "score-note" and p.row_id in refs for p in result.all_problems()
                ), (fmt, criterion)
            else:
                assert total == planned[criterion], (fmt, criterion, total, planned[criterion])
                numbers += 1
        assert numbers == 4, (fmt, shown)  # 'Largely met', 'three', '4 - mostly', ' 1 ', '4.' all count
        part2 = {r["id"]: r for r in content.rows["part2"]}
        assert part2[subs[0]]["lead"] == "Helen Kay" and part2[subs[1]]["due"] == "Ongoing", fmt


def column_index(letter: str) -> int:
    return openpyxl.utils.column_index_from_string(letter) - 1


def test_a_formula_typed_in_a_score_is_found_in_xlsx_and_ods(
    review, plans: dict[str, SentWorkbook], outbox: Path, tmp_path: Path
) -> None:
    plan = plans["SC"]
    sheet = plan.spec.main_table()
    sent = outbox / plan.file_name
    column, row = places(sent, sheet.name, sheet.table.header_row)
    cell = f"{column['Co-ordinator' + chr(39) + 's score (5-1)']}{row['SC-01']}"
    saved = in_libreoffice(
        sent, tmp_path / "formula", [{"do": "formula", "sheet": sheet.name, "cell": cell, "formula": "=1+3"}]
    )
    for fmt in ("xlsx", "ods"):
        [ret] = check_returns(review, [saved[fmt]]).returns
        assert {r.id: r for r in ret.rows[sheet.key]}["SC-01"].values["coordinator_score"] == 4, fmt
        assert [(p.sheet, p.cell) for p in ret.problems if p.code == "formula"] == [(sheet.name, cell)], fmt
    [ret] = check_returns(
        review, [saved["xls"]]
    ).returns  # .xls: the value is read; the formula is not detected (README)
    assert {r.id: r for r in ret.rows[sheet.key]}["SC-01"].values["coordinator_score"] == 4


def test_a_block_of_answers_cut_and_pasted_one_row_down_among_the_actions_in_libreoffice(
    review, plans: dict[str, SentWorkbook], outbox: Path, tmp_path: Path
) -> None:
    """The block lands only on other actions' rows; the row it left is empty and
    locked now, which .xlsx and .ods keep: an error names the rows. An .xls
    keeps its formats where the reading library does not look (README)."""
    plan = plans["SC"]
    sheet = plan.spec.main_table()
    sent = outbox / plan.file_name
    column, row = places(sent, sheet.name, sheet.table.header_row)
    ids = [str(r["id"]) for r in plan.content.rows[sheet.key]]
    progress, score = column["Progress this year"], column["Co-ordinator's score (5-1)"]
    last_col = openpyxl.utils.get_column_letter(len(sheet.table.columns))
    typing: list[Any] = [[sheet.name, f"{progress}{row[i]}", f"progress of {i}"] for i in ids] + [
        [sheet.name, f"{score}{row[i]}", 1 + n % 5] for n, i in enumerate(ids)
    ]
    block = ids[4:10]
    typing += [
        {"do": "unprotect", "sheet": sheet.name},
        {
            "do": "move",
            "sheet": sheet.name,
            "from": f"{progress}{row[block[0]]}:{last_col}{row[block[-1]]}",
            "to": f"{progress}{row[block[0]] + 1}",
        },
    ]
    for fmt, path in in_libreoffice(sent, tmp_path / "cut", typing).items():
        [ret] = check_returns(review, [path]).returns
        cut = [p for p in ret.problems if p.code == "answers-cut"]
        if fmt == "xls":
            assert not cut, fmt  # the limit the README states
            continue
        [cut] = cut
        assert cut.row_id == block[0] and cut.cell == f"{progress}{row[block[0]]}", fmt
        assert all(i in cut.message for i in ids[5:11]), (fmt, cut.message)


def test_another_clusters_answers_and_rows_pasted_over_this_clusters_in_libreoffice(
    review, plans: dict[str, SentWorkbook], outbox: Path, tmp_path: Path
) -> None:
    """Through LibreOffice, saved as .xlsx, .ods and .xls: Environment and
    transport's answers over Safe communities' first rows (named when ET's
    return is read too), its earlier progress with its answers over the next
    rows (named by the text ET was sent, with or without ET's return), and one
    of its whole rows in a spare row (named as ET's, never a new action)."""
    from kcp_sheets.fill import fill_workbook

    sc, et = plans["SC"], plans["ET"]
    sheet = sc.spec.main_table()
    et_ids = [str(r["id"]) for r in et.content.rows[sheet.key]]
    theirs = fill_workbook(
        et,
        outbox / et.file_name,
        tmp_path / "et.xlsx",
        {
            sheet.name: {
                i: {"progress": f"ET's own progress on {i}", "coordinator_score": 1 + n % 5}
                for n, i in enumerate(et_ids)
            }
        },
    )
    sent = outbox / sc.file_name
    column, row = places(sent, sheet.name, sheet.table.header_row)
    sc_ids = [str(r["id"]) for r in sc.content.rows[sheet.key]]
    progress, score, earlier = (
        column["Progress this year"],
        column["Co-ordinator's score (5-1)"],
        column["Progress recorded 2003"],
    )
    typing: list[Any] = [{"do": "unprotect", "sheet": sheet.name}]
    for n in range(6):
        typing += [
            [sheet.name, f"{progress}{row[sc_ids[n]]}", f"ET's own progress on {et_ids[n]}"],
            [sheet.name, f"{score}{row[sc_ids[n]]}", 1 + n % 5],
        ]
        if n >= 3:
            typing.append(
                [sheet.name, f"{earlier}{row[sc_ids[n]]}", str(et.content.rows[sheet.key][n]["progress_2003"])]
            )
    for n, key in enumerate(
        ("id", "issue", "outcome", "action")
    ):  # and ET's eighth row, ID and all, into the first spare row
        letter = openpyxl.utils.get_column_letter(1 + n)
        typing.append([sheet.name, f"{letter}{row['SC-NEW-01']}", str(et.content.rows[sheet.key][7][key])])
    typing.append([sheet.name, f"{progress}{row['SC-NEW-01']}", "ET's words on a spare row"])
    for fmt, path in in_libreoffice(sent, tmp_path / "pasted", typing).items():
        result = check_returns(review, [path, theirs])
        mine = next(r for r in result.returns if r.cluster == "SC")
        [whole] = [p for p in mine.problems if p.code == "row-other-cluster"]
        assert (
            whole.row_id == et_ids[7]
            and "ET's words on a spare row" in whole.found
            and "Safe communities" in whole.message
        ), fmt
        assert not [r for r in mine.rows[sheet.key] if r.new], fmt
        [answers] = [p for p in mine.problems if p.code == "answers-other-return"]
        assert all(i in answers.message for i in sc_ids[:6] + et_ids[:6]), (fmt, answers.message)
        texts = {p.row_id: p for p in mine.problems if p.code == "row-other-clusters-text"}
        assert sorted(texts) == sc_ids[3:6] and all(et_ids[n] in texts[sc_ids[n]].message for n in range(3, 6)), fmt
        [alone] = check_returns(review, [path]).returns
        assert sorted(p.row_id for p in alone.problems if p.code == "row-other-clusters-text") == sc_ids[3:6], fmt


SPARE_OFFERS = ("nrf", "shared issue", "shared partners", "own action", "progress", "score")


def test_a_spare_row_filled_in_every_combination_of_what_it_offers_is_a_new_action_in_libreoffice(
    review, plans: dict[str, SentWorkbook], outbox: Path, tmp_path: Path
) -> None:
    """Every combination of the NRF drop-down, an issue and partners other rows
    share, an action of its own, progress and a score (63, twelve spare rows to
    a cluster), re-saved by LibreOffice as .xlsx, .ods and .xls: each row a new
    action with every value, and no error."""
    import itertools

    from kcp_sheets.fill import fill_workbook

    combos = [set(c) for n in range(1, len(SPARE_OFFERS) + 1) for c in itertools.combinations(SPARE_OFFERS, n)]
    clusters = [c for c in ("ET", "HW", "HH", "LL", "SC", "WB") if c in plans]
    for k, code in enumerate(clusters):
        plan = plans[code]
        sheet = plan.spec.main_table()
        first = plan.content.rows[sheet.key][0]
        typed: dict[str, dict[str, Any]] = {}
        for n, combo in enumerate(combos[12 * k : 12 * k + 12], start=1):
            ident = sheet.table.new_id.format(n=n, **plan.content.identity)
            offer = {
                "nrf": "Yes" if n % 2 else "No",
                "shared issue": ("issue", first["issue"]),
                "shared partners": ("partners", first["partners"]),
                "own action": ("action", f"A new action of {ident}"),
                "progress": ("progress", f"progress of {ident}"),
                "score": ("coordinator_score", 1 + n % 5),
            }
            typed[ident] = dict(("nrf", offer[o]) if o == "nrf" else offer[o] for o in combo)  # type: ignore[misc]
        if not typed:
            break
        filled = fill_workbook(plan, outbox / plan.file_name, tmp_path / f"{code}.xlsx", {sheet.name: typed})
        for fmt, path in in_libreoffice(filled, tmp_path / f"{code}-saved", []).items():
            [ret] = check_returns(review, [path]).returns
            assert not [p.message for p in ret.problems if p.severity == "error" and p.code != "row-deleted"], (
                code,
                fmt,
            )
            new = {r.id: r.values for r in ret.rows[sheet.key] if r.new}
            assert sorted(new) == sorted(typed), (code, fmt)
            for ident, values in typed.items():
                for key, value in values.items():
                    got = new[ident][key]
                    assert got == (value == "Yes") if value in ("Yes", "No") else str(got) == str(value), (
                        code,
                        fmt,
                        ident,
                        key,
                        got,
                    )
