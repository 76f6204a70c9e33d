"""The improvement-plan workbook: known returns give known totals, averages
and plan rows (worked by hand below); nothing typed is lost; the same returns
give the same bytes; the public copy names no individual."""

from __future__ import annotations

import datetime as dt
import os
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from kcp_sheets.check import check_returns
from kcp_sheets.consolidate import write_plan
from kcp_sheets.demo import prepare_demo
from kcp_sheets.fill import fill_workbook
from kcp_sheets.folder import INBOX
from kcp_sheets.pages import CONTINUED
from kcp_sheets.settings import load_review
from kcp_sheets.spec import load_spec
from kcp_sheets.values import as_text, parse_score


@pytest.fixture()
def known(folder: Path, plans, outbox: Path) -> Path:
    """ET returned at stage 2, the health and accreditation reviews partly filled."""
    inbox = folder / INBOX
    et = plans["ET"]
    fill_workbook(
        et,
        outbox / et.file_name,
        inbox / "et.xlsx",
        {
            "Progress Tracker": {
                "ET-01": {"coordinator_score": 4, "agreed_score": "5 - Achieved", "case_study": "Yes"},
                "ET-02": {"coordinator_score": "2 - Little progress", "why_not_met": "=Funding ended"},
                "ET-03": {"agreed_score": 1},
                "ET-04": {"coordinator_score": 3, "agreed_score": 3},
                "ET-NEW-01": {"action": "Tree planting with schools", "coordinator_score": 5},
            },
            "Review Summary": {
                "AI-01": {
                    "action": "Agree bridge works",
                    "due": "End March 2005",
                    "key_contact": "Miles Watson",
                    "support_needed": "Engineer",
                    "support_how": "Secondment",
                }
            },
        },
        {
            "Review Summary": {
                "attendance": "Anne Reeves, Mark Raisbeck",
                "review_date": dt.date(2004, 4, 21),
                "achievements": "Street closures",
            }
        },
    )
    health = plans["partnership-health"]
    fill_workbook(
        health,
        outbox / health.file_name,
        inbox / "health.xlsx",
        {
            "Partnership Health": {
                "2.1.1": {"score": 4},
                "2.1.3": {
                    "score": "2",
                    "progress": "New chair",
                    "action": "Induction for new members",
                    "key_contact": "Helen Kay, 020 7361 3671",
                    "due": "Ongoing",
                    "support_needed": "Mentoring",
                    "support_how": "Chair of another LSP",
                },
            }
        },
    )
    accreditation = plans["accreditation-review"]
    fill_workbook(
        accreditation,
        outbox / accreditation.file_name,
        inbox / "accreditation.xlsx",
        {
            "Action Plan": {
                "A1.1": {"achieved": "Yes"},
                "A1.2": {
                    "achieved": "No",
                    "new_date": "Ongoing",
                    "lead": "Agenda Planning sub-group",
                    "support_needed": "Venues",
                },
            }
        },
    )
    return folder


def sheet_rows(path: Path, sheet: str) -> list[list[Any]]:
    return [list(r) for r in openpyxl.load_workbook(path)[sheet].iter_rows(values_only=True)]


def row_of(rows: list[list[Any]], first: str) -> list[Any]:
    return next(r for r in rows if r and r[0] == first)


def test_known_returns_give_hand_worked_figures(known: Path) -> None:
    review = load_review(known)
    path = write_plan(check_returns(review))
    assert path.name == "2004 Improvement Action Plan.xlsx"
    summary = sheet_rows(path, "Summary")
    headers = row_of(summary, "Cluster")
    et = dict(zip(headers, row_of(summary, "Environment and transport"), strict=True))
    # Final score = agreed, else co-ordinator's:
    # ET-01 5, ET-02 2, ET-03 1, ET-04 3, new action 5; ET-05..ET-13 unscored.
    assert [et[h] for h in headers[2:8]] == [2, 0, 1, 1, 1, 9]
    assert et["Average agreed score"] == 3  # (5 + 1 + 3) / 3
    assert et["Outstanding (1, 2 or unscored)"] == 11
    hw = dict(zip(headers, row_of(summary, "Health and well-being"), strict=True))
    assert hw["Return"] == "not received" and hw["Unscored"] == 13
    health_headers = row_of(summary, "Criterion")
    strategic = dict(zip(health_headers, row_of(summary, "Strategic"), strict=True))
    assert (strategic["Total score"], strategic["Maximum"], strategic["Sub-criteria scored"]) == (6, 20, "2 of 4")
    assert strategic["In-depth review"] == "In depth this year"
    assert (
        dict(zip(health_headers, row_of(summary, "Efficient"), strict=True))["In-depth review"] == "In depth this year"
    )
    assert (
        dict(zip(health_headers, row_of(summary, "Learning and Development"), strict=True))["In-depth review"]
        == "Due by 2005"
    )  # last 2002: three years run to 2005
    assert row_of(summary, "Returns received")[1] == "3 of 9"

    plan = sheet_rows(path, "Improvement Plan")
    assert row_of(plan, "ET-AI-01")[1:] == [
        "Agree bridge works",
        "End March 2005",
        "Miles Watson",
        "Engineer",
        "Secondment",
        None,
    ]
    part2 = sheet_rows(path, "Partnership Plan")
    # Annex C: every action with its lead, date, the support needed and how it will be provided.
    assert row_of(part2, "2.1.3")[1:] == [
        "Induction for new members",
        "New chair",
        "Helen Kay, 020 7361 3671",
        "Ongoing",
        "Mentoring",
        "Chair of another LSP",
        "Health review",
    ]
    assert row_of(part2, "A1.2")[2:] == [
        "Not achieved by February 2003",
        "Agenda Planning sub-group",
        "Ongoing",
        "Venues",
        None,
        "Accreditation plan",
    ]
    assert not any(r[0] == "A1.1" for r in part2)  # achieved: not carried forward
    review_rows = len(review.accreditation) - 1 + 1  # every accreditation action but A1.1, plus one health action
    assert sum(1 for r in part2 if r[0] and re.match(r"^(A\d|\d\.\d)", str(r[0]))) == review_rows

    outstanding = [r[0] for r in sheet_rows(path, "Outstanding") if r[0] and str(r[0]).startswith("ET-")]
    assert outstanding[:2] == ["ET-02", "ET-03"] and "ET-01" not in outstanding and len(outstanding) == 11
    flagged = sheet_rows(path, "Flagged Projects")
    assert row_of(flagged, "ET-01")[1] == "ET"
    all_actions = openpyxl.load_workbook(path)["All Actions"]
    assert list(all_actions.tables) == ["AllActions"]
    new = [r for r in all_actions.iter_rows(values_only=True) if r[0] == "ET-NEW-01"]
    assert new and new[0][4] == "Tree planting with schools"


def test_formula_looking_text_stays_text(known: Path) -> None:
    path = write_plan(check_returns(load_review(known)))
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name), name
    outstanding = sheet_rows(path, "Outstanding")
    assert row_of(outstanding, "ET-02")[-1] == "=Funding ended"


def test_same_returns_give_identical_bytes(known: Path, tmp_path: Path) -> None:
    review = load_review(known)
    first = write_plan(check_returns(review), tmp_path / "a")
    second = write_plan(check_returns(review), tmp_path / "b")
    assert first.read_bytes() == second.read_bytes()


def test_public_copy_has_no_email_address_phone_number_or_named_individual(known: Path) -> None:
    review = load_review(known)
    path = write_plan(check_returns(review), public=True)
    assert path.name == "2004 Improvement Action Plan (public).xlsx"
    text = []
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.endswith(".xml"):
                text.append(z.read(name).decode("utf-8"))
    everything = "\n".join(text)
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", everything)
    assert "7361" not in everything and "Helen Kay" not in everything and "Mark Raisbeck" not in everything
    assert "Miles Watson" not in everything  # named as a key contact, and as a partner's contact
    assert "RBKC Waste Management Services" in everything  # organisations kept
    part2 = sheet_rows(path, "Partnership Plan")
    assert row_of(part2, "2.1.3")[3] == "[name removed], [telephone removed]"  # the person goes, not the cell
    # The returns' file names and the officer's notes on them are the officer's working facts.
    assert not any(p.name in everything for p in (known / INBOX).iterdir())
    assert "Returns used and left out" not in everything
    assert "Returns used and left out" in "\n".join(
        str(v) for r in sheet_rows(write_plan(check_returns(review)), "Summary") for v in r if v
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("demo") / "review"
    review = prepare_demo(folder)
    from kcp_sheets.review_states import set_state

    for ret in check_returns(review).returns:  # the officer accepts the return with mistakes, so it is merged
        if ret.state == "has problems" and ret.sent is not None:
            set_state(
                folder, ret.ledger_id, "accepted", "Late, some scores to confirm: accepted for the steering group."
            )
    return folder, write_plan(check_returns(review))


def test_every_typed_value_is_in_the_plan_or_its_problems(demo: tuple[Path, Path]) -> None:
    folder, plan_path = demo
    review = load_review(folder)
    book = openpyxl.load_workbook(plan_path)
    seen = {
        as_text(c).strip()
        for ws in book.worksheets
        for row in ws.iter_rows(values_only=True)
        for c in row
        if c is not None
    }
    problems = sheet_rows(plan_path, "Problems")
    seen |= {as_text(r[5]).strip() for r in problems if r and r[5] is not None}
    spec_inputs = {}
    for name in ("cluster_tracker", "partnership_health", "accreditation_review"):
        for sheet in load_spec(name).sheets:
            if sheet.table:
                spec_inputs[sheet.name] = sheet.table
    checked = 0
    sent = {p.name: p for p in (folder / "outbox").glob("*.xlsx")}
    for path in sorted((folder / INBOX).glob("*.xlsx")):
        returned = openpyxl.load_workbook(path)
        original = openpyxl.load_workbook(next(sent[n] for n in sent if _same_workbook(returned, n, sent)))
        for ws in returned.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    value = cell.value
                    if value is None or value == original[ws.title][cell.coordinate].value:
                        continue  # not typed: what we sent
                    forms = {as_text(value).strip()}
                    number, _, _ = parse_score(value, review.scales["achievement"])
                    if number is not None:
                        forms.add(str(number))
                    if isinstance(value, str) and value.strip().lower() in ("yes", "no", "y", "x"):
                        forms |= {"Yes", "No"}
                    assert forms & seen, f"{path.name} {ws.title}!{cell.coordinate} {value!r} is not in the plan"
                    checked += 1
    assert checked > 300


def _same_workbook(returned: Any, name: str, sent: dict[str, Path]) -> bool:
    identity = {r[0].value: r[1].value for r in returned["KCP identity"].iter_rows()}
    sent_book = openpyxl.load_workbook(sent[name], read_only=True)
    sent_identity = {r[0].value: r[1].value for r in sent_book["KCP identity"].iter_rows()}
    return identity.get("fingerprint") == sent_identity.get("fingerprint")


def test_demo_plan_opens_and_lists_every_source(demo: tuple[Path, Path]) -> None:
    folder, plan_path = demo
    sources = sheet_rows(plan_path, "Sources")
    files = {r[1] for r in sources if isinstance(r[0], int)}
    assert {p.name for p in (folder / INBOX).glob("*.xlsx")} <= files
    assert any(f.endswith(".eml > ET return 2004.xlsx") for f in files)  # the e-mailed return, by its attachment
    assert any(
        r[7] and "left out: an older copy, merged into WB return 2004.xlsx" in r[7]
        for r in sources
        if isinstance(r[0], int)
    )
    assert os.path.getsize(plan_path) > 10_000


def test_a_large_plan_is_streamed_and_still_complete(known: Path, tmp_path: Path) -> None:
    review = load_review(known)
    in_memory = write_plan(check_returns(review), tmp_path / "a")
    streamed = write_plan(check_returns(review), tmp_path / "b", stream_from_rows=10)

    # A streamed plan is too long to be laid out page by page: it has no group headings repeated as "continued".
    def laid_out(rows: list[list[Any]]) -> list[list[Any]]:
        return [r for r in rows if not str(r[0] or "").endswith(CONTINUED)]

    for sheet in ("Summary", "All Actions", "Outstanding", "Improvement Plan", "Partnership Plan"):
        assert sheet_rows(streamed, sheet) == laid_out(sheet_rows(in_memory, sheet)), sheet
    streamed_sheet = openpyxl.load_workbook(streamed)["All Actions"]
    assert streamed_sheet.auto_filter.ref and streamed_sheet.auto_filter.ref.startswith(
        "A4:"
    )  # a filter where a table cannot be streamed


def test_finding_people_leaves_organisations_alone() -> None:
    from kcp_sheets.public_copy import people_in as _people_in

    assert _people_in("Miles Watson, RBKC Youth Service and Cluster co-ordinators; Helen Kay") == {
        "Miles Watson",
        "Helen Kay",
    }
    assert _people_in("Community Strategy subgroup") == set()
    assert _people_in("Youth Service") == set()


def test_a_master_list_too_long_for_a_sheet_leaves_the_actions_to_the_csv_export(known: Path, tmp_path: Path) -> None:
    import csv

    from kcp_sheets import steps
    from kcp_sheets.cli.outputs import consolidated
    from kcp_sheets.history import export_csv

    # A column the cluster added, with a value and a score with words after it: both must reach the CSV.
    et = known / INBOX / "et.xlsx"
    book = openpyxl.load_workbook(et)
    sheet = book["Progress Tracker"]
    header = next(r for r in range(1, 10) if sheet.cell(r, 1).value == "ID")
    budget = sheet.max_column + 1
    sheet.cell(header, budget).value = "Budget"
    et04 = next(r for r in range(header, sheet.max_row + 1) if sheet.cell(r, 1).value == "ET-04")
    sheet.cell(et04, budget).value = "£500 from the ward fund"
    book.save(et)

    review = load_review(known)
    limit = len(review.actions) - 1
    path = write_plan(check_returns(review), tmp_path, actions_sheet_limit=limit)
    book = openpyxl.load_workbook(path)
    assert "All Actions" not in book.sheetnames and "Outstanding" not in book.sheetnames
    assert "Summary" in book.sheetnames and "Improvement Plan" in book.sheetnames
    counts = {
        r[0]: r
        for r in book["Summary"].iter_rows(values_only=True)
        if r and r[0] in ("Targets and actions", "Outstanding (scored 1 or 2, or unscored)")
    }
    for what in ("Targets and actions", "Outstanding (scored 1 or 2, or unscored)"):
        assert "kcp-sheets export writes them as CSV" in " ".join(str(v) for v in counts[what] if v)
    summary = [r for r in book["Summary"].iter_rows(values_only=True) if r and r[0]]
    header = next(r for r in summary if "Outstanding (1, 2 or unscored)" in r)
    et = next(r for r in summary if r[0] == "Environment and transport")
    assert isinstance(
        et[header.index("Outstanding (1, 2 or unscored)")], int
    )  # each cluster's outstanding count is still there
    [actions_csv] = [p for p in export_csv(known, tmp_path / "csv") if p.name == "records - actions.csv"]
    with actions_csv.open(encoding="utf-8-sig") as f:
        exported = {r["id"]: r for r in csv.DictReader(f)}
    assert {a.id for a in review.actions} <= set(exported)  # every action is in the records, none lost with the sheet
    assert exported["ET-04"]["added"] == "Budget: £500 from the ward fund"  # what a cluster typed in its own column too
    public = openpyxl.load_workbook(
        write_plan(check_returns(review), tmp_path / "public", public=True, actions_sheet_limit=limit)
    )
    assert "kcp-sheets export" not in " ".join(
        str(v) for r in public["Summary"].iter_rows(values_only=True) for v in r if v
    )  # an officer's command

    said = "\n".join(
        consolidated(steps.consolidate(review, actions_sheet_limit=limit), known)
    )  # as the command prints it
    assert (
        "are not sheets of the plan" in said and f"more than {limit:,}" in said and f"kcp-sheets export {known}" in said
    )
    assert "are not sheets of the plan" not in "\n".join(
        consolidated(steps.consolidate(review), known)
    )  # the plan's own limit: sheets

    assert {"All Actions", "Outstanding"} <= set(
        openpyxl.load_workbook(
            write_plan(check_returns(review), tmp_path / "b", actions_sheet_limit=len(review.actions))
        ).sheetnames
    )


def test_the_public_copy_removes_people_not_organisations_teams_or_roles(demo: tuple[Path, Path]) -> None:
    """A resident sees who leads each action without any person being named."""
    folder, _ = demo
    review = load_review(folder)
    public = write_plan(check_returns(review), public=True)
    with zipfile.ZipFile(public) as z:
        everything = "\n".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))
    kept = [
        "Cluster champions",
        "Agenda Planning sub-group",
        "Kensington and Chelsea Social Council",
        "Partnership support officer",
        "RBKC",
    ]
    removed = [p.name for c in review.clusters for p in (*c.champions, *c.coordinators)] + [review.officer.name]
    assert [k for k in kept if k not in everything] == []
    assert [r for r in removed if r in everything] == []
    assert "[removed]" not in everything  # never a whole cell blanked where an organisation stood


def test_a_column_empty_in_every_row_is_not_printed(demo: tuple[Path, Path]) -> None:
    """'Columns added by the cluster' and the words typed with scores show only where some row has them."""
    _, plan = demo
    book = openpyxl.load_workbook(plan)
    checked = 0
    for name in ("Improvement Plan", "All Actions", "Partnership Health"):
        ws = book[name]
        for row in ws.iter_rows(min_row=1, max_row=6):
            for cell in row:
                if cell.value in (
                    "Columns added by the cluster",
                    "Columns added",
                    "Words typed with the scores",
                    "Words typed with the score",
                ):
                    values = [c.value for c in ws[cell.column_letter][cell.row :] if c.value not in (None, "")]
                    hidden = any(
                        d.hidden and d.min <= cell.column <= d.max for d in ws.column_dimensions.values()
                    )  # a run of columns is one entry
                    assert hidden == (not values), (name, cell.value)
                    checked += 1
    assert checked >= 3


def test_a_cell_that_names_people_keeps_only_organisations_teams_and_roles() -> None:
    """Names no rule knows as a person's (Mc, O', accents, initials,
    titles) still go; what is plainly not a person stays."""
    from kcp_sheets.public_copy import people_removed

    said = {
        "Helen Kay, RBKC": "[name removed], RBKC",
        "Sarah McDonald": "[name removed]",
        "Siobhan O'Neill, PCT": "[name removed], PCT",
        "Zoë Ball": "[name removed]",
        "Cllr Jane Ann Smith": "[name removed]",
        "RBKC - Vera Gajić": "RBKC - [name removed]",
        "J. Smith (Youth Service)": "[name removed] (Youth Service)",
        "Jane Smith RBKC": "[name removed] RBKC",
        "Agenda Planning sub-group": "Agenda Planning sub-group",
        "Cluster champions": "Cluster champions",
        "Kensington and Chelsea Social Council": "Kensington and Chelsea Social Council",
        "Partnership support officer": "Partnership support officer",
        "Helen Kay at RBKC": "[name removed] at RBKC",
        "Tony Redpath for RBKC": "[name removed] for RBKC",
        "Cllr Anne Reeves of RBKC": "[name removed] of RBKC",
        "Vera Gajic of the PCT": "[name removed] of the PCT",
        "Mark Raisbeck at Connexions Kensington and Chelsea": "[name removed] at Connexions Kensington and Chelsea",
        "Business Link for London": "Business Link for London",
        "Friends of the Royal Borough": "Friends of the Royal Borough",
    }
    got = {text: people_removed(text, frozenset({"kensington", "chelsea"})) for text in said}
    assert got == said


# The "Lead contact/organisation" and "Current situation" columns of the Partnership
# Plan 2004/05 (seeds 004), as the steering group wrote them.
PLAN_2004_05 = [
    (
        "Community Strategy subgroup. RBKC Officers: Tony Redpath, Helen Kay and Ellie Hobart",
        "Compact approved in draft form in March 04.",
    ),
    ("RBKC Officers: Helen Kay and Ainsley Walcroft", "Continues with present policy"),
    ("RBKC Officers: Tony Redpath, Christine Lawrence, Helen Kay", "SIG well established and meeting regularly."),
    (
        "Karin Woodley and Zrinka Bralo KCSC officer: Simi Towry-Coker",
        "Cross borough meeting of Equalities officers from all organisations have met",
    ),
    ("Menghi Mulchandani", "Major piece of work being undertaken by ADKC. Funded by NRF"),
    ("RBKC (as server host)", ""),
    ("Agenda Planning subgroup RBKC officer: Helen Kay", "No official forward programme"),
    ("RBKC: Partnership Support Officer", "All strategies and actions collated by cluster into 'Progress Trackers'."),
    ("Agenda Planning subgroup to make recommendations to full steering group", ""),
    ("Cluster Co-ordinators", ""),
    ("K&C Social Council", "Will follow from Equalities audit"),
    ("RBKC: Helen Kay, Agenda Planning sub- group", "Currently only time under AOB"),
    ("RBKC convenes Agenda Planning sub-group.", "PCT Chief Executive to join this sub-group"),
    ("Programme agreed by Officers at RBKC and Social Council for 2004/06", "Follows on from previous 3 years NRS"),
    (
        "RBKC: Derek Myers and Helen Kay Agenda Planning sub- group",
        "Over the past year, the steering group have agreed to attend sessions.",
    ),
    ("RBKC: Helen Kay Steering group: Menghi Mulchandani", ""),
    (
        "Connexions Kensington and Chelsea",
        "Action Disability Kensington and Chelsea to report; Business Link for London and Jobcentre Plus",
    ),
]


def test_the_public_copy_of_the_partnership_plan_2004_05_keeps_its_organisations_and_names_no_person(
    known: Path,
) -> None:
    """Seeds 004 through the public copy: who leads each action stays, no person is named."""
    from kcp_sheets.content import Content
    from kcp_sheets.public_copy import without_people

    review = load_review(known)
    spec = load_spec("improvement_plan")  # which columns name people
    rows = [
        {"id": f"P{n:02d}", "lead": lead, "situation": situation, "criterion_title": "1. Strategic"}
        for n, (lead, situation) in enumerate(PLAN_2004_05)
    ]
    content = Content(rows={"part2": [dict(r) for r in rows]})
    without_people(spec, content, review, [])
    public = "\n".join(f"{r['lead']} | {r['situation']}" for r in content.rows["part2"])
    people = [
        "Tony Redpath",
        "Helen Kay",
        "Ellie Hobart",
        "Ainsley Walcroft",
        "Christine Lawrence",
        "Karin Woodley",
        "Zrinka Bralo",
        "Simi Towry-Coker",
        "Menghi Mulchandani",
        "Derek Myers",
    ]
    organisations = [
        "Community Strategy subgroup",
        "RBKC Officers",
        "KCSC officer",
        "RBKC (as server host)",
        "Agenda Planning subgroup",
        "RBKC: Partnership Support Officer",
        "full steering group",
        "Cluster Co-ordinators",
        "K&C Social Council",
        "Agenda Planning sub- group",
        "RBKC convenes Agenda Planning sub-group.",
        "Officers at RBKC and Social Council for 2004/06",
        "Steering group",
        "Connexions Kensington and Chelsea",
        "Action Disability Kensington and Chelsea",
        "Business Link for London",
        "Jobcentre Plus",
        "PCT Chief Executive",
        "Equalities officers",
        "ADKC",
    ]
    assert [p for p in people if p in public] == []
    assert [o for o in organisations if o not in public] == []


def test_summary_counts_are_centred_and_titles_band_their_table(demo: tuple[Path, Path]) -> None:
    """'15 | 20|4 of 4 | 2004|In depth this year': a count beside text reads as one on
    paper unless it is centred; a table's title is a band as wide as its table."""
    _, plan = demo
    ws = openpyxl.load_workbook(plan)["Summary"]
    counts = [
        c
        for row in ws.iter_rows(min_row=4)
        for c in row
        if re.fullmatch(r"\d+(\.\d+)?( of \d+)?", str(c.value if c.value is not None else ""))
    ]
    assert len(counts) > 40
    assert [c.coordinate for c in counts if c.alignment.horizontal != "center"] == []
    titles = {b.title.split("{")[0] for s in load_spec("improvement_plan").sheets for b in s.blocks}  # to a placeholder
    banded = {ws.cell(r.min_row, 1).value for r in ws.merged_cells.ranges if r.max_col > 1}
    shown = {
        c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith(tuple(titles))
    }
    assert len(shown) >= 4 and shown <= banded


def test_a_health_review_received_but_left_out_is_said_to_be_so_and_why(known: Path, plans, outbox: Path) -> None:
    """A score typed as '3/4' is an error: the review is received, and left out until it is dealt with.
    The Summary says so, as status does, where it said 'not returned' for every criterion."""
    health = plans["partnership-health"]
    fill_workbook(
        health,
        outbox / health.file_name,
        known / INBOX / "health.xlsx",
        {"Partnership Health": {"2.1.1": {"score": "3/4"}}},
    )
    result = check_returns(load_review(known))
    [(ret, why)] = [(r, why) for r, why in result.left_out() if r.label == health.label]
    assert why.startswith("1 error not dealt with")  # what consolidate and status tell the officer
    summary = sheet_rows(write_plan(result), "Summary")
    said = [str(v) for r in summary for v in r if v is not None]
    [title] = [s for s in said if s.startswith("Partnership health by criterion")]
    assert f"received {ret.source.received:%d/%m/%Y}, left out: 1 error still to resolve" in title
    criteria = {row_of(summary, name)[1] for name in load_review(known).criterion_names()}
    assert criteria == {"left out"} and "not returned" not in said
    public = sheet_rows(write_plan(result, public=True), "Summary")
    [title] = [str(v) for r in public for v in r if str(v).startswith("Partnership health by criterion")]
    assert title.endswith("not used in this plan") and "error" not in title
