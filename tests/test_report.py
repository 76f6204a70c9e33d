"""The draft annual report, as the steering group, Government Office and the
public read it: three sections as headings, every cluster's achievements and
case studies, pictures with alt text, tables whose header repeats, no person
in the public copy, no text below 10 pt on paper, the officer's own style."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import docx
import pytest
from conftest import soffice
from docx.oxml.ns import qn

from kcp_sheets.check import check_returns
from kcp_sheets.consolidate import consolidate
from kcp_sheets.demo import prepare_demo
from kcp_sheets.ledger import Ledger
from kcp_sheets.problems import ProblemError
from kcp_sheets.report import TEMPLATE, write_report
from kcp_sheets.report_content import flags
from kcp_sheets.spec import templates_dir

SECTIONS = [
    "Summary",
    "Section 1: Reviewing delivery",
    "Section 2: Reviewing partnership working",
    "Section 3: Improvement planning",
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report") / "demo"
    prepare_demo(folder)
    return folder


@pytest.fixture(scope="module")
def written(demo: Path) -> dict[str, Path]:
    said = subprocess.run(
        [sys.executable, "-m", "kcp_sheets", "report", str(demo), "--public"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert said.returncode == 0, said.stderr
    return {
        "steering": demo / "output/2004 Annual review report.docx",
        "public": demo / "output/2004 Annual review report (public).docx",
    }


def text_of(document: docx.document.Document) -> str:
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_the_report_has_the_three_sections_as_real_headings_and_a_title_and_language(written: dict[str, Path]) -> None:
    document = docx.Document(written["steering"])
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert [h for h in headings if h in SECTIONS] == SECTIONS
    assert (
        document.core_properties.title.endswith("draft annual report") and document.core_properties.language == "en-GB"
    )
    assert (
        document.styles.element.find(qn("w:docDefaults"))
        .find(qn("w:rPrDefault"))
        .find(qn("w:rPr"))
        .find(qn("w:lang"))
        .get(qn("w:val"))
        == "en-GB"
    )


def test_every_picture_says_what_it_shows_and_every_table_repeats_its_header(written: dict[str, Path]) -> None:
    document = docx.Document(written["steering"])
    assert document.inline_shapes
    for shape in document.inline_shapes:
        alt = shape._inline.docPr.get("descr")
        assert alt and "Environment and transport" in alt and "achieved" in alt
    assert document.tables
    for table in document.tables:
        assert table.rows[0]._tr.trPr is not None and table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def test_every_clusters_achievements_and_every_case_study_are_in_it(demo: Path, written: dict[str, Path]) -> None:
    text = text_of(docx.Document(written["steering"]))
    _, content = consolidate(
        check_returns(__import__("kcp_sheets.settings", fromlist=["load_review"]).load_review(demo), record=False)
    )
    for summary in content.rows["cluster_reviews"]:
        if summary.get("achievements"):
            assert summary["achievements"] in text
    cases = [a for a in content.rows["all_actions"] if a.get("case_study") is True]
    assert cases
    for action in cases:
        assert f"{action['id']}: " in text and str(action.get("progress") or "") in text


def test_section_1_says_whose_returns_it_uses_and_scores_no_cluster_whose_return_was_not(
    written: dict[str, Path],
) -> None:
    """The demo's Community development sent nothing back, and Learning and leisure's return is left out."""
    paragraphs = [p.text for p in docx.Document(written["steering"]).paragraphs if p.text.strip()]
    text = "\n".join(paragraphs)
    assert "scored every target" not in text and "uses the returns of 5 of the 7 clusters" in text
    after = {paragraphs[i]: paragraphs[i + 1] for i in range(len(paragraphs) - 1)}
    assert after["Community development"].startswith("Not received. Its 12 targets and actions are unscored")
    left_out = after["Learning and leisure"]
    assert left_out.startswith("Received 25/04/2004, left out:") and "not counted" in left_out
    assert "Average agreed score" not in left_out and "0 achieved" not in left_out
    assert "Not reported: no return was received." in text and "Not recorded in the return." not in after[left_out]


def test_the_public_copy_names_no_person_and_keeps_the_organisations(demo: Path, written: dict[str, Path]) -> None:
    from kcp_sheets.settings import load_review

    review = load_review(demo)
    public = text_of(docx.Document(written["public"]))
    steering = text_of(docx.Document(written["steering"]))
    people = [review.officer] + [p for c in review.clusters for p in (*c.champions, *c.coordinators)]
    for person in people:
        assert person.name not in public and person.email not in public
    assert not re.search(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", public)
    assert not re.search(r"(?<!\d)(?:\+44\s?|0)(?:\d[\s-]?){9,10}(?!\d)", public)
    for organisation in ("Network Rail", "PCT", "Westway"):
        assert organisation in steering and organisation in public


def test_each_report_is_recorded_with_its_inputs_by_hash(demo: Path, written: dict[str, Path]) -> None:
    with Ledger(demo, read_only=True) as ledger:
        rows = ledger.db.execute(
            "SELECT output, public FROM consolidations WHERE output LIKE '%Annual review report%'"
        ).fetchall()
        events = [r[0] for r in ledger.db.execute("SELECT what FROM events")]
    assert {(r[0], r[1]) for r in rows} >= {(written["steering"].name, 0), (written["public"].name, 1)}
    assert "report written" in events


@pytest.mark.libreoffice
def test_on_paper_no_text_is_below_10_points(demo: Path, written: dict[str, Path]) -> None:
    soffice()
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTChar, LTTextContainer

    from kcp_sheets.report import as_pdf

    pdf = as_pdf(written["steering"])
    sizes = set()
    for page in extract_pages(pdf):
        for box in page:
            if isinstance(box, LTTextContainer):
                for line in box:
                    for char in getattr(line, "_objs", []):
                        if isinstance(char, LTChar) and char.get_text().strip():
                            sizes.add(round(char.size, 1))
    assert sizes and min(sizes) >= 9.9, sorted(sizes)[:5]


def test_a_restyled_template_with_a_logo_still_renders(demo: Path, tmp_path: Path) -> None:
    folder = tmp_path / "styled"
    shutil.copytree(demo, folder)
    template = docx.Document(templates_dir() / TEMPLATE)
    template.styles["Normal"].font.name = "Liberation Serif"
    logo = tmp_path / "logo.png"
    from PIL import Image

    Image.new("RGB", (120, 40), "#1f3a5f").save(logo)
    template.sections[0].header.paragraphs[0].add_run().add_picture(str(logo))
    template.save(folder / TEMPLATE)
    from kcp_sheets.settings import load_review

    [path] = write_report(check_returns(load_review(folder)))
    made = docx.Document(path)
    assert made.styles["Normal"].font.name == "Liberation Serif"
    assert made.sections[0].header.part.related_parts  # the logo came through
    assert "Section 1: Reviewing delivery" in text_of(made)


def test_a_template_with_a_broken_placeholder_is_an_error_naming_it(demo: Path, tmp_path: Path) -> None:
    folder = tmp_path / "broken"
    shutil.copytree(demo, folder)
    template = docx.Document(templates_dir() / TEMPLATE)
    template.add_paragraph("{{ partnership ")
    template.save(folder / TEMPLATE)
    from kcp_sheets.settings import load_review

    with pytest.raises(ProblemError) as caught:
        write_report(check_returns(load_review(folder)))
    [p] = caught.value.problems
    assert p.code == "template-invalid" and TEMPLATE in p.message
    said = subprocess.run(
        [sys.executable, "-m", "kcp_sheets", "report", str(folder)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ},
    )
    assert said.returncode == 2 and "Traceback" not in said.stderr and TEMPLATE in said.stderr


def test_the_flags_are_the_reviews_own_templates_where_it_has_them(tmp_path: Path) -> None:
    """A review whose workbooks were made from its own templates is reported with their flags' words."""
    own = tmp_path / "templates"
    shutil.copytree(templates_dir(), own)
    tracker = own / "cluster_tracker.yaml"
    tracker.write_text(
        tracker.read_text(encoding="utf-8").replace('header: "Helped equalities"', 'header: "Equalities helped"'),
        encoding="utf-8",
    )
    assert ("equalities_made", "Equalities helped") in flags(own)
    assert ("equalities_made", "Helped equalities") in flags()


# A name from the code (snake_case, CamelCase), or a placeholder left unfilled.
CODE_NAME = re.compile(r"\b\w*(?:_\w+|[a-z][A-Z])\w*\b|[{}%]")


def headings(document: docx.document.Document) -> list[str]:
    """What a reader takes for a heading: the title, every heading, every table's header row."""
    said = [p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title", "Subtitle"))]
    return said + [cell.text for table in document.tables for cell in table.rows[0].cells]


def test_no_heading_of_the_report_is_a_name_from_the_code(written: dict[str, Path]) -> None:
    """Part 2's table once read 'Criterion | SentWorkbook action | Lead': a class's name printed as a heading."""
    for copy in ("steering", "public"):
        said = headings(docx.Document(written[copy]))
        assert "Planned action" in said and "Special achievements" in said
        assert [h for h in said if CODE_NAME.search(h)] == [], copy


def test_the_shipped_template_is_what_its_generator_makes_every_time(tmp_path: Path) -> None:
    """workbook_templates/annual_report.docx is made by docs/make_report_template.py: a change to one
    without running the other (as when a rename reached the generator but not the .docx) shows here."""
    import importlib.util

    script = Path(__file__).resolve().parent.parent / "docs" / "make_report_template.py"
    spec = importlib.util.spec_from_file_location("make_report_template", script)
    assert spec and spec.loader
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    generator.main(tmp_path / "a.docx")
    generator.main(tmp_path / "b.docx")
    made = (tmp_path / "a.docx").read_bytes()
    assert made == (tmp_path / "b.docx").read_bytes()
    assert made == (templates_dir() / TEMPLATE).read_bytes()


def test_a_return_of_stage_1_alone_waits_for_its_review_meeting_and_never_agreed_nothing(
    demo: Path, written: dict[str, Path]
) -> None:
    """The demo's Safe communities sent its co-ordinators' scores alone: `status` says 'stage 1 only'.
    The plan's Part 1 and the report say its review meeting has not come back yet, not that it agreed nothing."""
    from kcp_sheets.settings import load_review

    _, content = consolidate(check_returns(load_review(demo), record=False))
    [sc] = [r for r in content.rows["part1"] if r["cluster_name"] == "Safe communities"]
    assert sc["id"] is None and "stage 1 only" in sc["action"] and "not come back yet" in sc["action"]
    document = docx.Document(written["steering"])
    [part1] = [t for t in document.tables if t.rows[0].cells[1].text == "Action for improvement"]
    [said] = [r.cells[1].text for r in part1.rows if r.cells[0].text == "Safe communities"]
    assert said == sc["action"] and "agreed" not in said
    paragraphs = [p.text for p in document.paragraphs if p.text.strip()]
    opening = paragraphs[paragraphs.index("Safe communities") + 1]
    assert opening.startswith("Received 24/04/2004, stage 1.")
    achievements = paragraphs[paragraphs.index("Special achievements", paragraphs.index("Safe communities")) + 1]
    assert "stage 1 only" in achievements and "Not recorded in the return" not in achievements
    assert "No action for improvement was agreed" not in text_of(document)  # no cluster in the demo agreed none


NOTE = "Not from the cluster; Joe is not known"


@pytest.fixture(scope="module")
def rejected(demo: Path, tmp_path_factory: pytest.TempPathFactory) -> docx.document.Document:
    """The demo with both copies of Work and business's return rejected, as the officer typed the reason:
    Learning and leisure's (an error) and Work and business's returns are left out."""
    from kcp_sheets.review_states import set_state
    from kcp_sheets.settings import load_review

    folder = tmp_path_factory.mktemp("rejected") / "demo"
    shutil.copytree(demo, folder)
    for ret in check_returns(load_review(folder)).returns:
        if ret.cluster == "WB":
            set_state(folder, ret.ledger_id, "rejected", NOTE)
    [path] = write_report(check_returns(load_review(folder)))
    return docx.Document(path)


def test_the_summary_counts_no_target_of_a_return_section_1_says_is_not_counted(
    rejected: docx.document.Document,
) -> None:
    paragraphs = [p.text for p in rejected.paragraphs if p.text.strip()]
    clusters = paragraphs[
        paragraphs.index("Section 1: Reviewing delivery") : paragraphs.index("Section 2: Reviewing partnership working")
    ]
    said = {clusters[i - 1]: text for i, text in enumerate(clusters) if re.search(r"\d+ targets and actions", text)}
    assert len(said) == 7
    counted = {
        name: int(re.search(r"(\d+) targets and actions", text)[1])
        for name, text in said.items()
        if "not counted" not in text
    }
    assert set(said) - set(counted) == {"Learning and leisure", "Work and business"}
    summary = paragraphs[paragraphs.index("Summary") + 1]
    by_score = re.findall(
        r"(\d+) (?:achieved|largely achieved|partially achieved|little progress|not achieved|not scored)", summary
    )
    assert sum(int(n) for n in by_score) == sum(counted.values())
    assert "Learning and leisure and Work and business were not used" in summary
    [chart] = rejected.inline_shapes  # the picture counts what the summary counts
    alt = chart._inline.docPr.get("descr")
    assert "Safe communities" in alt and "Work and business" not in alt and "Learning and leisure" not in alt


def test_the_officers_note_keeps_its_case_wherever_the_report_quotes_it(rejected: docx.document.Document) -> None:
    paragraphs = [p.text for p in rejected.paragraphs if p.text.strip()]
    opening = paragraphs[paragraphs.index("Work and business") + 1]
    assert opening.startswith(f"Received 25/04/2004, left out: rejected: {NOTE}. ")
    assert NOTE in text_of(rejected) and NOTE.lower() not in text_of(rejected)


def test_a_health_review_left_out_is_not_said_to_be_reviewed_nor_not_returned(demo: Path, tmp_path: Path) -> None:
    """The health review came back with a score typed as '3/4', an error: status says received, with errors.
    Section 2 said 'The steering group reviewed the partnership's health' over 'not returned' for each criterion."""
    from kcp_sheets.fill import fill_workbook
    from kcp_sheets.settings import load_review
    from kcp_sheets.workbooks import planned_workbooks

    folder = tmp_path / "demo"
    shutil.copytree(demo, folder)
    review = load_review(folder)
    [health] = [w for w in planned_workbooks(review) if w.spec.template == "partnership-health"]
    typed = folder / "inbox" / health.file_name
    fill_workbook(health, typed, tmp_path / "typed.xlsx", {"Partnership Health": {"2.1.1": {"score": "3/4"}}})
    shutil.move(tmp_path / "typed.xlsx", typed)
    [path] = write_report(check_returns(review))
    document = docx.Document(path)
    paragraphs = [p.text for p in document.paragraphs if p.text.strip()]
    intro = paragraphs[paragraphs.index("Section 2: Reviewing partnership working") + 1]
    assert "reviewed the partnership's health" not in intro
    assert "received" in intro and "left out: 1 error still to resolve" in intro and "not counted" in intro
    [table] = [t for t in document.tables if t.rows[0].cells[0].text == "Criterion" and len(t.columns) == 5]
    assert {row.cells[1].text for row in table.rows[1:]} == {"left out"}
    part2 = paragraphs[paragraphs.index("Part 2: partnership working, by criterion") + 1]
    assert "health review's actions are not here, as its return was not used" in part2
