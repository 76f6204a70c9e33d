"""Makes workbook_templates/annual_report.docx, the Word template of the draft
annual report: ordinary Word styles (Title, Heading 1-3, Normal, a table
style) with docxtpl's Jinja placeholders in the text. The officer restyles
the copy in their review folder in Word or LibreOffice; this script only
makes the shipped one again after an intended change:

    .venv/bin/python docs/make_report_template.py
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

OUT = Path(__file__).resolve().parent.parent / "workbook_templates" / "annual_report.docx"
NAVY = RGBColor(0x1F, 0x3A, 0x5F)


def table(doc: Document, headers: list[str], loop: str, cells: list[str], widths: list[float]) -> None:
    """A table whose header row repeats on every page, and one row per item of `loop`."""
    t = doc.add_table(rows=4, cols=len(headers))
    t.style = "Table Grid"
    for i, header in enumerate(headers):
        cell = t.rows[0].cells[i]
        cell.text = header
        cell.paragraphs[0].runs[0].bold = True
    header_props = t.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header_props.append(repeat)
    t.rows[1].cells[0].text = f"{{%tr for r in {loop} %}}"
    for i, cell in enumerate(cells):
        t.rows[2].cells[i].text = cell
    t.rows[3].cells[0].text = "{%tr endfor %}"
    t.autofit = False
    for i, width in enumerate(widths):  # the grid and every cell: Word reads one, LibreOffice the other
        t.columns[i].width = Cm(width)
        for row in t.rows:
            row.cells[i].width = Cm(width)


def same_bytes_every_time(docx: bytes) -> bytes:
    """The package with every part dated alike: the same template makes the same file, so a
    change to the shipped .docx is a change to its text or styles, never to when it was made."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as made, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as fixed:
        for info in made.infolist():
            dated = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.writestr(dated, made.read(info), zipfile.ZIP_DEFLATED)
    return out.getvalue()


def main(out: Path = OUT) -> None:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))
    styles = doc.styles
    styles["Normal"].font.name = "Arial"
    styles["Normal"].font.size = Pt(11)
    styles["Table Grid"].font.size = Pt(10)
    styles["Caption"].font.size = Pt(10)  # no text below 10 pt, on paper as on screen
    styles["Caption"].font.color.rgb = NAVY
    for name, size in (("Title", 24), ("Subtitle", 12), ("Heading 1", 18), ("Heading 2", 14), ("Heading 3", 12)):
        styles[name].font.name = "Arial"
        styles[name].font.size = Pt(size)
        styles[name].font.color.rgb = NAVY
    # The document's language, for screen readers and spelling: British English.
    defaults = styles.element.find(qn("w:docDefaults"))
    run_props = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = run_props.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        run_props.append(lang)
    for attribute in ("w:val", "w:eastAsia", "w:bidi"):
        lang.attrib.pop(qn(attribute), None)
    lang.set(qn("w:val"), "en-GB")

    doc.add_paragraph("{{ partnership }}", style="Subtitle")
    doc.add_paragraph("{{ title }}", style="Title")
    doc.add_paragraph("{{ status_line }}")

    doc.add_heading("Summary", level=1)
    doc.add_paragraph("{{ summary_text }}")
    picture = doc.add_paragraph("{{ scores_chart }}")
    picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph("{{ scores_chart_caption }}", style="Caption")
    table(doc, ["What the review found", "Number"], "headline", ["{{ r.what }}", "{{ r.count }}"], [12, 4])

    doc.add_heading("Section 1: Reviewing delivery", level=1)
    doc.add_paragraph("{{ delivery_intro }}")
    doc.add_paragraph("{%p for c in clusters %}")
    doc.add_heading("{{ c.name }}", level=2)
    doc.add_paragraph("{{ c.returned }}. {{ c.scores_text }}")
    doc.add_heading("Special achievements", level=3)
    doc.add_paragraph("{{ c.achievements }}")
    doc.add_heading("Barriers", level=3)
    doc.add_paragraph("{{ c.barriers }}")
    doc.add_heading("Possible solutions", level=3)
    doc.add_paragraph("{{ c.solutions }}")
    doc.add_paragraph("{%p for f in c.flags %}")
    doc.add_heading("{{ f.title }}", level=3)
    doc.add_paragraph("{%p for a in f.actions %}")
    doc.add_paragraph("{{ a.id }}: {{ a.action }}{{ a.progress }}", style="List Bullet")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p endfor %}")

    doc.add_heading("Section 2: Reviewing partnership working", level=1)
    doc.add_paragraph("{{ health_intro }}")
    table(
        doc,
        ["Criterion", "Total score", "Out of", "Sub-criteria scored", "In-depth review"],
        "health",
        ["{{ r.criterion }}", "{{ r.total }}", "{{ r.maximum }}", "{{ r.scored }}", "{{ r.due }}"],
        [5, 2.5, 2, 3, 4.5],
    )
    doc.add_heading("Last year's accreditation action plan", level=2)
    doc.add_paragraph("{{ accreditation_intro }}")
    table(
        doc,
        ["Ref", "Action", "Due", "Achieved", "New date or note"],
        "accreditation",
        ["{{ r.id }}", "{{ r.action }}", "{{ r.due }}", "{{ r.achieved }}", "{{ r.next }}"],
        [1.5, 6.5, 2.5, 2.5, 4],
    )

    doc.add_heading("Section 3: Improvement planning", level=1)
    doc.add_heading("Part 1: delivery, by cluster", level=2)
    doc.add_paragraph("{{ part1_intro }}")
    table(
        doc,
        ["Cluster", "Action for improvement", "Lead", "Date", "Support needed", "How it will be provided"],
        "part1",
        [
            "{{ r.cluster }}",
            "{{ r.action }}",
            "{{ r.lead }}",
            "{{ r.due }}",
            "{{ r.support_needed }}",
            "{{ r.support_how }}",
        ],
        [2.8, 4.6, 2.6, 2.6, 2.2, 2.2],
    )
    doc.add_heading("Part 2: partnership working, by criterion", level=2)
    doc.add_paragraph("{{ part2_intro }}")
    table(
        doc,
        ["Criterion", "Planned action", "Lead", "Date", "Support needed", "How it will be provided"],
        "part2",
        [
            "{{ r.criterion }}",
            "{{ r.action }}",
            "{{ r.lead }}",
            "{{ r.due }}",
            "{{ r.support_needed }}",
            "{{ r.support_how }}",
        ],
        [2.8, 4.6, 2.6, 2.6, 2.2, 2.2],
    )

    doc.add_paragraph("{%p if history %}")
    doc.add_heading("The reviews over the years", level=1)
    doc.add_paragraph("{{ history_intro }}")
    table(
        doc,
        ["Cluster and review", "5", "4", "3", "2", "1", "Unscored"],
        "history",
        ["{{ r.cluster }}", "{{ r.s5 }}", "{{ r.s4 }}", "{{ r.s3 }}", "{{ r.s2 }}", "{{ r.s1 }}", "{{ r.unscored }}"],
        [6, 1.5, 1.5, 1.5, 1.5, 1.5, 2.5],
    )
    doc.add_paragraph("{%p endif %}")
    doc.core_properties.title = "Annual review report"
    doc.core_properties.language = "en-GB"
    made = io.BytesIO()
    doc.save(made)
    out.write_bytes(same_bytes_every_time(made.getvalue()))


if __name__ == "__main__":
    main()
