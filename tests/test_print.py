"""Every workbook we write, printed by LibreOffice on A4 and measured: legible
text on every page, headers whole, typed text whole, the plan's printed set
the steering group's papers, and the public copy without the officer's sheets.

LibreOffice is slow, so the demo's workbooks are rendered once for the module.
"""

from __future__ import annotations

import itertools
import json
import subprocess
from pathlib import Path

import openpyxl
import pytest
from printed import Page, pages
from test_libreoffice import convert, system_python_with_uno

from kcp_sheets.spec import load_spec

pytestmark = pytest.mark.libreoffice

SMALLEST_BODY_PT = 8.0
OFFICER_SHEETS = ("problems", "sources", "all_actions")


@pytest.fixture(scope="module")
def written(demo_written: dict[str, Path]) -> dict[str, Path]:
    return demo_written


@pytest.fixture(scope="module")
def printed(written: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Page]]:
    from conftest import soffice

    soffice()
    out = tmp_path_factory.mktemp("pdf")
    pdfs = convert(list(written.values()), "pdf", out, out / "profile")
    return {name: pages(pdf) for name, pdf in zip(written, pdfs, strict=True)}


def test_every_page_of_every_workbook_prints_body_text_of_8_pt_or_more(printed: dict[str, list[Page]]) -> None:
    assert len(printed) >= 12  # nine sent, the problems list, the plan and its public copy, the mid-year workbooks
    small = {
        f"{name} page {page.number}": f"{page.smallest} pt: {min(page.sizes, key=page.sizes.__getitem__)[:50]!r}"
        for name, found in printed.items()
        for page in found
        if page.sizes and page.smallest < SMALLEST_BODY_PT
    }
    assert not small, small


def test_headers_print_whole_words(written: dict[str, Path], printed: dict[str, list[Page]]) -> None:
    """A header too narrow for its longest word breaks it ("Appropriate-ness"); every word is printed whole."""
    for name, found in printed.items():
        book = openpyxl.load_workbook(written[name])
        words = set(" ".join(p.text for p in found).split())
        for ws in book.worksheets:
            if ws.sheet_state != "visible":
                continue
            hidden = {
                n for d in ws.column_dimensions.values() if d.hidden for n in range(d.min or 0, (d.max or 0) + 1)
            }  # not printed
            for row in ws.iter_rows(min_row=4, max_row=4):
                for cell in row:
                    if cell.column in hidden:
                        continue
                    header = cell.value
                    # Upward headers are laid out along a row we size for them; pdfminer reads them poorly.
                    if isinstance(header, str) and header not in ("Yes", "No") and not cell.alignment.textRotation:
                        missing = [w for w in header.split() if len(w) > 3 and w not in words]
                        assert not missing, (name, ws.title, header, missing)


def test_every_page_of_a_sheet_printed_across_pages_shows_its_whole_title(
    written: dict[str, Path], printed: dict[str, list[Page]]
) -> None:
    """A sheet too wide for one page prints its columns over several; the pages
    after the first across showed the title cut at the repeated columns' edge
    ('Progress tracker 2004:'), and the pages further down none. Each page's
    footer names its sheet, so a loose page says where it belongs."""

    def flat(text: str) -> str:
        return " ".join(text.split())

    checked = 0
    for name, found in printed.items():
        book = openpyxl.load_workbook(written[name])
        for ws in book.worksheets:
            if ws.sheet_state != "visible" or not ws.col_breaks.brk:
                continue
            mine = [page for page in found if f" {ws.title}, page " in f" {page.footer} "]
            assert len(mine) >= 2, (name, ws.title, [p.footer for p in found])
            missing = [page.number for page in mine if flat(ws["A1"].value) not in flat(page.text)]
            assert not missing, (name, ws.title, ws["A1"].value, missing)
            checked += 1
    assert checked >= 12, checked  # every tracker's progress sheet, the two reviews and the plan's health sheet


def test_every_page_of_the_workbooks_sent_shows_its_sheets_title(
    written: dict[str, Path], printed: dict[str, list[Page]]
) -> None:
    """As the README promises: a page printed from a workbook sent out says at
    its head what it is, the Review Summary's page of actions for improvement too."""
    checked = 0
    for name in (n for n in written if "progress tracker" in n or n.endswith("review.xlsx")):
        book = openpyxl.load_workbook(written[name])
        for ws in book.worksheets:
            if ws.sheet_state != "visible" or not ws["A1"].value:
                continue
            mine = [page for page in printed[name] if f" {ws.title}, page " in f" {page.footer} "]
            title = " ".join(str(ws["A1"].value).split())
            missing = [page.number for page in mine if title not in " ".join(page.text.split())]
            assert not missing, (name, ws.title, title, missing)
            checked += len(mine)
    assert checked >= 60, checked


def test_long_names_print_whole_in_the_title_and_the_footer(folder: Path, tmp_path: Path) -> None:
    """A long cluster name makes the title and subtitle too long for Excel's page
    header: the subtitle (the deadlines and the colour key) keeps its row and
    prints; a long partnership's name in the footer never runs into the sheet's name."""
    from conftest import soffice

    from kcp_sheets.generate import generate
    from kcp_sheets.settings import load_review

    soffice()
    # a digit first: not read as a size
    cluster = "0-19 health, social care and well-being of children, young people & older adults"
    partnership = "Royal Borough of Kensington and Chelsea Local Strategic Partnership & Friends"
    settings = folder / "review.yaml"
    text = settings.read_text(encoding="utf-8")
    text = text.replace("partnership: Kensington and Chelsea Partnership", f'partnership: "{partnership}"', 1)
    settings.write_text(text.replace("name: Health and well-being", f'name: "{cluster}"', 1), encoding="utf-8")
    review = load_review(folder)
    [tracker] = [p for p in generate(review, tmp_path / "out") if "0-19 health" in p.name]
    found = pages(convert([tracker], "pdf", tmp_path / "pdf", tmp_path / "profile")[0])
    book = openpyxl.load_workbook(tracker)
    subtitle = " ".join(book["Progress Tracker"]["A2"].value.split())
    assert any(subtitle in " ".join(page.text.split()) for page in found), subtitle
    for page in found:
        assert cluster in page.footer and ", page " in page.footer, page.footer


def test_the_plans_charts_print_whole_on_their_page(written: dict[str, Path], printed: dict[str, list[Page]]) -> None:
    """The History chart was wider than the columns printed and taller than a page:
    its bars were cut at 12 of 14 and its legend fell into the footer."""
    book = openpyxl.load_workbook(written["2004 Improvement Action Plan.xlsx"], data_only=True)
    legends = 0
    for spec_sheet in load_spec("improvement_plan").sheets:
        if spec_sheet.chart is None:
            continue
        ws = book[spec_sheet.name]
        block = next(b for b in spec_sheet.blocks if b.key == spec_sheet.chart.block)
        columns = [i for i, c in enumerate(block.columns) if c.key in spec_sheet.chart.series]
        header = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == block.title) + 1
        rows = itertools.takewhile(
            lambda r, ws=ws: ws.cell(r, 1).value, range(header + 1, ws.max_row + 2)
        )  # the block's rows, to the blank after them
        totals = [sum(v for c in columns if isinstance(v := ws.cell(r, c + 1).value, int | float)) for r in rows]
        pages = [p for p in printed["2004 Improvement Action Plan.xlsx"] if spec_sheet.chart.title in p.text]
        assert len(pages) == 1, (
            spec_sheet.name,
            [p.number for p in pages],
        )  # one chart, on one page, not split over two
        [page] = pages
        ticks = [
            int(line) for line in page.sizes if line.isdigit() and int(line) < 1000
        ]  # the axis and the bars' labels, not a year
        assert max(ticks) >= max(totals), (
            spec_sheet.name,
            max(ticks),
            max(totals),
        )  # the longest bar is printed to its end
        if block.title in page.text:
            continue  # the block's table is on the page too: its header would stand for the legend
        last = next(c.header for c in block.columns if c.key == spec_sheet.chart.series[-1])  # the legend's last entry
        assert any(last in line for line in page.sizes), (
            spec_sheet.name,
            last,
            sorted(page.sizes),
        )  # the legend, in the body above the footer
        legends += 1
    assert legends >= 1  # History's table starts the next page, so its legend stands alone


def test_text_typed_in_libreoffice_prints_in_full(written: dict[str, Path], tmp_path: Path) -> None:
    python = system_python_with_uno()
    tracker = next(p for n, p in written.items() if "Health and well-being - progress tracker" in n)
    ws = openpyxl.load_workbook(tracker)["Progress Tracker"]
    column = {c.value: c.column_letter for c in ws[4]}
    row = {c.value: c.row for c in ws["A"] if c.value}
    typed = (
        "Three stop-smoking groups met weekly at the Golborne, Dalgarno and World's End centres; sixty-two "
        "residents quit for four weeks, against a target of forty. Attendance held steady through the winter "
        "although one venue closed for repairs in February. Pharmacists in Notting Dale referred nineteen people. "
        "Lastly, the evaluation report recommends continuing funding beyond March: zebra quince marmalade."
    )
    plan = tmp_path / "typing.json"
    plan.write_text(json.dumps([["Progress Tracker", f"{column['Progress this year']}{row['HW-02']}", typed]]))
    done = subprocess.run(
        [python, str(Path(__file__).parent / "lo_type.py"), str(tracker), str(tmp_path / "typed"), str(plan)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    [pdf] = convert([tmp_path / "typed.xlsx"], "pdf", tmp_path / "pdf", tmp_path / "profile")
    words = set(" ".join(p.text for p in pages(pdf)).split())
    assert [w for w in typed.split() if w not in words] == []  # the last words too: nothing cut off


def test_the_plan_prints_the_meeting_papers_and_not_the_officers_sheets(
    written: dict[str, Path], printed: dict[str, list[Page]]
) -> None:
    spec = load_spec("improvement_plan")
    titles = {s.key: s.title.split("{")[0].strip() for s in spec.sheets}
    for name in ("2004 Improvement Action Plan.xlsx", "2004 Improvement Action Plan (public).xlsx"):
        text = "\n".join(p.text for p in printed[name])
        for key in ("summary", "part1", "part2", "outstanding", "flagged"):
            assert titles[key] in text, (name, key)
        for key in OFFICER_SHEETS:
            assert titles[key] not in text, (name, key)
    public = openpyxl.load_workbook(written["2004 Improvement Action Plan (public).xlsx"], read_only=True)
    names = {s.key: s.name for s in spec.sheets}
    assert not {names[k] for k in OFFICER_SHEETS} & set(public.sheetnames)
    full = openpyxl.load_workbook(written["2004 Improvement Action Plan.xlsx"], read_only=True)
    assert {names[k] for k in OFFICER_SHEETS} <= set(full.sheetnames)  # kept for the officer, hidden from print


def test_no_heading_is_left_at_a_page_foot(review, printed: dict[str, list[Page]]) -> None:
    """A cluster's or criterion's heading moves to the next page with its first row, as does
    the heading of a table below a chart."""
    # A block's title as far as its first placeholder: the health block's says what came back.
    blocks = {block.title.split("{")[0] for sheet in load_spec("improvement_plan").sheets for block in sheet.blocks}
    headings = {c.name for c in review.clusters} | {
        f"{n}. {name}" for n, name in enumerate(review.criterion_names(), start=1)
    }
    for name in (
        "2004 Improvement Action Plan.xlsx",
        "2004 Partnership health review.xlsx",
        "2004 Accreditation action plan review.xlsx",
    ):
        alone = [
            p.number
            for p in printed[name]
            if p.lowest in headings
            or any(p.lowest.startswith(h + " ") for h in headings if h[0].isdigit())
            or any(p.lowest.startswith(b) for b in blocks)
        ]
        assert not alone, (name, alone)


def test_pre_filled_text_prints_in_full(review, written: dict[str, Path], printed: dict[str, list[Page]]) -> None:
    """Rows are sized to what we pre-fill: every word of every action and outcome is on paper, the last ones too."""
    import re

    name = next(n for n in written if n.endswith("Environment and transport - progress tracker.xlsx"))
    on_paper = set(re.findall(r"[\w']+", " ".join(p.text for p in printed[name])))
    for action in review.actions_of("ET"):
        for text in (action.issue, action.outcome, action.action):
            missing = [w for w in re.findall(r"[\w']+", text) if w not in on_paper]
            assert not missing, (action.id, missing)


def test_the_mid_year_report_prints_the_progress_and_not_the_officers_problems(
    written: dict[str, Path], printed: dict[str, list[Page]]
) -> None:
    [name] = [n for n in written if n.endswith("Improvement plan mid-year progress.xlsx")]
    text = "\n".join(p.text for p in printed[name])
    assert "mid-year progress" in text
    assert "Problems in the updates" not in text
    book = openpyxl.load_workbook(written[name], read_only=True)
    assert book["Problems"].sheet_state == "hidden"  # kept for the officer


def test_each_summary_table_prints_whole_with_its_heading_and_header(
    written: dict[str, Path], printed: dict[str, list[Page]]
) -> None:
    """'Scores by cluster' and 'What the review found' never continue onto a page
    without their heading and header row: a table that would run over the page's
    foot starts the next page (every one of the demo's fits on a page)."""
    plan = "2004 Improvement Action Plan.xlsx"
    book = openpyxl.load_workbook(written[plan], read_only=True)
    for sheet in load_spec("improvement_plan").sheets:
        if not sheet.blocks or sheet.name not in book.sheetnames:
            continue
        rows = [[c for c in row if c not in (None, "")] for row in book[sheet.name].iter_rows(values_only=True)]
        for block in sheet.blocks:
            start = next((n for n, row in enumerate(rows) if row and row[0] == block.title), None)
            if start is None:
                continue
            end = next((n for n in range(start + 1, len(rows)) if not rows[n]), len(rows))
            first_cells = [str(row[0]) for row in rows[start + 2 : end] if row]
            on = [
                p.number
                for p in printed[plan]
                if block.title in p.text
                and p.footer.startswith(f"{sheet.name}")
                or (block.title in p.text and sheet.name in p.footer)
            ]
            assert on, (sheet.name, block.title)
            page = next(p for p in printed[plan] if p.number == on[0])
            assert block.columns[-1].header.split()[0] in page.text, (block.title, "header not on the heading's page")
            assert all(cell.split("\n")[0][:20] in page.text for cell in first_cells), (
                block.title,
                "rows ran onto another page",
            )


def test_the_problems_list_prints_one_page_wide(written: dict[str, Path], printed: dict[str, list[Page]]) -> None:
    """Each problem's file and cell print on the same page as what is wrong and what to ask for."""
    name = "2004 Problems in the returns.xlsx"
    pages_ = printed[name]
    across = [
        p.number for p in pages_ if not ("Severity" in p.text and "Code" in p.text and "Found" in p.text)
    ]  # the header row, whole, on each
    assert pages_ and not across, across


def _table_rows(path: Path) -> dict[str, tuple[str, set[str], set[str]]]:
    """Each sheet printed with a repeated header row: its first column's header, its
    row IDs and its group headings (a row merged across the table)."""
    book = openpyxl.load_workbook(path)
    found = {}
    for ws in book.worksheets:
        if ws.sheet_state != "visible" or not ws.print_title_rows:
            continue
        header = int(str(ws.print_title_rows).split(":")[0].strip("$"))
        merged = {r.min_row for r in ws.merged_cells.ranges if r.min_col == 1 and r.max_col > 1}
        ids, groups = set(), set()
        for row in range(header + 1, ws.max_row + 1):
            value = ws.cell(row, 1).value
            if value not in (None, ""):
                (groups if row in merged else ids).add(str(value).strip())
        found[ws.title] = (str(ws.cell(header, 1).value), ids, groups)
    return found


def test_each_page_of_a_table_shows_its_header_and_its_groups_heading(
    written: dict[str, Path], printed: dict[str, list[Page]]
) -> None:
    """A page of rows never starts without the table's header row, nor, in a table
    by cluster or criterion, without the heading of the group its first row is in
    ('1. Strategic (continued)'): the first thing under the header is a heading."""
    checked, continued = _assert_pages_start_with_header_and_heading(written, printed)
    assert checked > 40 and continued >= 5, (checked, continued)


def _assert_pages_start_with_header_and_heading(
    written: dict[str, Path], printed: dict[str, list[Page]]
) -> tuple[int, int]:
    """Pages checked, and those starting with a continued heading."""
    checked, continued = 0, 0
    for name, path in written.items():
        for sheet, (label, ids, groups) in _table_rows(path).items():
            for page in (p for p in printed[name] if f"{sheet}, page" in p.footer):
                first = next(
                    (n for n, line in enumerate(page.left) if line.split()[:1] and line.split()[0] in ids), None
                )
                if first is None:
                    continue
                top = [n for n in range(first) if page.left[n] == label or page.left[n].startswith(label + " ")]
                assert top, (name, page.number, "no header above the rows")
                between = " ".join(page.left[top[-1] + 1 : first])  # a heading may wrap onto two lines
                if groups:
                    assert between in groups, (
                        name,
                        page.number,
                        f"the rows start without their heading: {page.left[first]!r}",
                    )
                    continued += between.endswith("(continued)")
                else:
                    assert not between, (name, page.number, between)
                checked += 1
    return checked, continued


def test_the_review_summary_prints_one_page_wide_its_actions_whole_on_their_page(
    written: dict[str, Path], printed: dict[str, list[Page]]
) -> None:
    """Every action for improvement prints with its date, contact and support on the
    same page, under the table's heading and header: no page of labels beside empty space."""
    checked = 0
    for name in (n for n in written if n.endswith("progress tracker.xlsx")):
        mine = [p for p in printed[name] if "Review Summary, page" in p.footer]
        assert len(mine) <= 2, (name, len(mine))
        rows = [p for p in mine if "AI-01" in p.text]
        assert len(rows) == 1 and all(
            h in " ".join(rows[0].text.split())
            for h in ("Actions for improvement", "Key contact", "Support needed", "AI-10")
        ), name
        assert "Attendance at review meeting" in " ".join(p.text for p in mine)
        checked += 1
    assert checked >= 7, checked


def _stranded(printed: dict[str, list[Page]]) -> list[tuple[str, int, float, float]]:
    """Pages less than half full followed by a full page of the same sheet."""
    stranded = []
    for name, found in printed.items():
        for page, after in itertools.pairwise(found):
            same_sheet = page.footer.split(", page")[0] == after.footer.split(", page")[0]
            if same_sheet and page.filled < 0.5 and after.filled > 0.8:
                stranded.append((name, page.number, round(page.filled, 2), round(after.filled, 2)))
    return stranded


def test_no_page_is_mostly_empty_where_the_next_is_full(printed: dict[str, list[Page]]) -> None:
    """A page break never strands a page of a few rows before a full one (a row too
    tall for what was left, a heading pushed on with nothing): pages of one sheet
    follow each other filled, but for the last."""
    assert _stranded(printed) == []


def test_a_long_answer_prints_whole_over_continuation_rows(tmp_path: Path) -> None:
    """A 280-word answer is taller than an A4 page: in the plan it goes on over a
    continuation row ('HW-12 (continued)') under the repeated header and heading,
    every word on paper, and 100-word answers fill their pages."""
    from conftest import soffice

    from kcp_sheets.check import check_returns
    from kcp_sheets.consolidate import write_plan
    from kcp_sheets.demo import prepare_demo
    from kcp_sheets.folder import INBOX

    soffice()
    folder = tmp_path / "review"
    review = prepare_demo(folder)
    long = " ".join(f"w{n:03d}" for n in range(1, 281))  # every word its own, to find each on paper
    hw = folder / INBOX / "HW return 2004.xlsx"
    book = openpyxl.load_workbook(hw)
    ws = book["Progress Tracker"]
    header = next(r for r in range(1, 10) if ws.cell(r, 1).value == "ID")
    heads = {str(ws.cell(header, c).value): c for c in range(1, ws.max_column + 1)}
    progress, why = heads["Progress this year"], heads["Why not met; possible solutions"]
    for r in range(header + 1, ws.max_row + 1):
        if ws.cell(r, 1).value == "HW-12":
            ws.cell(r, progress).value = long
        elif str(ws.cell(r, 1).value).startswith("HW-0"):
            ws.cell(r, why).value = " ".join(["Partners could not agree the approach"] * 16)  # about 100 words
    book.save(hw)
    plan = write_plan(check_returns(review))
    [pdf] = convert([plan], "pdf", tmp_path / "pdf", tmp_path / "profile")
    printed = {plan.name: pages(pdf)}
    outstanding = [p for p in printed[plan.name] if "Outstanding, page" in p.footer]
    words = set(" ".join(p.text for p in outstanding).split())
    assert [w for w in long.split() if w not in words] == []
    assert "HW-12 (continued)" in " ".join(" ".join(p.left) for p in outstanding)
    assert _stranded(printed) == []
    checked, continued = _assert_pages_start_with_header_and_heading({plan.name: plan}, printed)
    assert checked > 10 and continued >= 2, (checked, continued)


def test_ids_and_words_print_unbroken(written: dict[str, Path], printed: dict[str, list[Page]]) -> None:
    """'HW-NEW-08' never wraps in the ID column, nor 'Communications' in the lead
    partner's ('Communicatio|ns'): every ID and every word of every tracker's fixed
    text is on paper whole (a word may still break after its hyphen)."""
    import re

    checked = 0
    for name in (n for n in written if n.endswith("progress tracker.xlsx")):
        on_paper = set(" ".join(p.text for p in printed[name]).replace("-\n", "- ").split())
        ws = openpyxl.load_workbook(written[name])["Progress Tracker"]
        header = int(str(ws.print_title_rows).split(":")[0].strip("$"))
        ids = [str(ws.cell(r, 1).value) for r in range(header + 1, ws.max_row + 1) if ws.cell(r, 1).value]
        assert [i for i in ids if i not in on_paper] == [], name
        words = set()
        for row in ws.iter_rows(min_row=header + 1, max_col=ws.max_column):
            for cell in row[1:]:
                if isinstance(cell.value, str) and cell.protection.locked:
                    words |= {w for w in re.findall(r"[A-Za-z]+", cell.value) if len(w) > 3}
        flat = set(re.findall(r"[A-Za-z]+", " ".join(on_paper)))
        assert sorted(words - flat) == [], name
        checked += len(ids)
    assert checked > 80, checked


def test_the_instructions_print_on_one_page_contacts_and_all(
    written: dict[str, Path], printed: dict[str, list[Page]]
) -> None:
    """'Who to contact' is never left to a second page of its own."""
    checked = 0
    for name, found in printed.items():
        mine = [p for p in found if "Instructions, page" in p.footer]
        if mine:
            assert len(mine) == 1, (name, len(mine))
            checked += 1
    assert checked >= 9, checked


def test_no_tracker_page_holds_a_few_stray_rows(written: dict[str, Path], printed: dict[str, list[Page]]) -> None:
    """The spare rows for new actions are a line each (they grow as they are typed in),
    so the tracker's last pages are not a few empty rows of their own."""
    import re

    checked = 0
    for name in (n for n in written if n.endswith("progress tracker.xlsx")):
        mine = [p for p in printed[name] if "Progress Tracker, page" in p.footer]
        rows = [(sum(1 for line in p.left if re.match(r"[A-Z]{2}-(NEW-)?\d", line)), p.filled) for p in mine]
        assert [(n, round(f, 2)) for n, f in rows if n < 5 and f < 0.6] == [], (
            name,
            rows,
        )  # a few rows, and the page mostly empty
        checked += 1
    assert checked >= 7


def test_the_problems_list_prints_numbers_apart_and_ids_whole(
    written: dict[str, Path], printed: dict[str, list[Page]]
) -> None:
    """'1error': a number beside text is centred; 'HW-NEW-|01': a row's ID prints whole."""
    name = "2004 Problems in the returns.xlsx"
    ws = openpyxl.load_workbook(written[name]).worksheets[0]
    numbers = [c for row in ws.iter_rows(min_row=5) for c in row if isinstance(c.value, int | float)]
    assert numbers and [c.coordinate for c in numbers if c.alignment.horizontal != "center"] == []
    header = next(r for r in range(1, 10) if ws.cell(r, 1).value == "No.")
    column = next(c for c in range(1, ws.max_column + 1) if ws.cell(header, c).value == "Row ID")
    ids = {str(ws.cell(r, column).value) for r in range(header + 1, ws.max_row + 1) if ws.cell(r, column).value}
    on_paper = set(" ".join(p.text for p in printed[name]).split())
    assert any("NEW" in i for i in ids) and sorted(ids - on_paper) == []


def test_the_trackers_header_row_is_as_tall_as_its_headers_and_each_prints_whole(
    written: dict[str, Path], tmp_path: Path
) -> None:
    """The upward flag headers once made the header row 119 pt tall, an empty navy
    band over the columns of the half where the plan is read; the row is now about
    as tall as the headers across need, and every header's words are on paper."""
    from test_libreoffice import convert

    from kcp_sheets import pages

    name = next(n for n in written if n.endswith("Health and well-being - progress tracker.xlsx"))
    ws = openpyxl.load_workbook(written[name])["Progress Tracker"]
    header = int(str(ws.print_title_rows).split(":")[0].strip("$"))
    cells = [
        (c.value, ws.column_dimensions[c.column_letter].width, bool(c.alignment.textRotation))
        for c in ws[header]
        if isinstance(c.value, str)
    ]
    across = pages.header_height([(text, width) for text, width, turned in cells if not turned])
    assert any(turned for *_, turned in cells) and ws.row_dimensions[header].height <= 1.75 * across, (
        ws.row_dimensions[header].height,
        across,
    )
    [pdf] = convert([written[name]], "pdf", tmp_path, tmp_path / "profile")
    on_paper = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout.split()  # poppler reads upward text; pdfminer does not
    assert [text for text, *_ in cells if not all(word in on_paper for word in text.split())] == []
