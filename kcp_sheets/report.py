"""The draft annual report: the review written up as a Word document for the
steering group, Government Office and residents, in the three sections the
core requirements ask for (reviewing delivery, reviewing partnership
working, improvement planning), from the plan's own content, so the report
and the plan never disagree.

It is rendered from a Word template (docxtpl: Jinja placeholders in an
ordinary .docx): the review folder's own `annual_report.docx` if the officer
has put a restyled one there, else the one shipped in workbook_templates/.
With `public`, people are removed as in the plan's public copy. What it
says is `report_content`'s; here it is rendered, recorded and made a PDF.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from . import unfinished
from .amended import keep_amended
from .check import CheckResult
from .folder import OUTPUT, safe_file_name
from .ledger import Ledger
from .ledger.consolidations import Input, record_consolidation
from .problems import ProblemError, problem
from .report_content import report_context
from .spec import templates_dir

TEMPLATE = "annual_report.docx"
PDF_SECONDS = 300


def template_path(folder: Path) -> Path:
    """The officer's restyled template in the review folder, else the shipped one."""
    own = folder / TEMPLATE
    return own if own.is_file() else templates_dir() / TEMPLATE


def write_report(
    result: CheckResult, public: bool = False, pdf: bool = False, out_dir: Path | None = None
) -> list[Path]:
    """Write the report (and with `pdf`, a tagged PDF of it), recorded in the ledger
    with its inputs by hash like a consolidation. Returns the files written."""
    review = result.review
    out_dir = out_dir or review.folder / OUTPUT
    name = safe_file_name(f"{review.year} Annual review report{' (public)' if public else ''}.docx")
    path = out_dir / name
    keep_amended(review.folder, path)
    out_dir.mkdir(parents=True, exist_ok=True)
    unfinished.sweep(out_dir)
    data = render(result, public)
    aside = unfinished.aside(path)
    try:
        aside.write_bytes(data)
        inputs = [
            Input(ret.ledger_id or None, ret.source.name, ret.source.sha256, ret.merged, why)
            for ret, why in [(r, "") for r in result.returns if r.merged] + result.left_out()
        ]
        with Ledger(review.folder) as ledger, ledger.transaction():
            record_consolidation(
                ledger, review.review_id, public, name, hashlib.sha256(data).hexdigest(), inputs, what="report written"
            )
        os.replace(aside, path)
    except BaseException:
        aside.unlink(missing_ok=True)
        raise
    written = [path]
    if pdf:
        written.append(as_pdf(path))
    return written


def render(result: CheckResult, public: bool) -> bytes:
    """The report's bytes: the template rendered with the review's content, then
    made accessible (title, language, alt text on every picture)."""
    from docx.shared import Inches
    from docxtpl import DocxTemplate, InlineImage
    from jinja2 import TemplateError
    from jinja2.sandbox import SandboxedEnvironment

    review = result.review
    source = template_path(review.folder)
    context, charts = report_context(result, public)
    try:
        template = DocxTemplate(source)
        pictures = {key: InlineImage(template, io.BytesIO(png), width=Inches(6.3)) for key, (png, _) in charts.items()}
        # The officer's template is the folder's, which may have come from anywhere: its placeholders run sandboxed.
        template.render({**context, **pictures}, jinja_env=SandboxedEnvironment(autoescape=True), autoescape=True)
    except TemplateError as exc:
        where = f" (line {exc.lineno})" if getattr(exc, "lineno", None) else ""
        raise ProblemError(
            [problem("template-invalid", source.name, detail=f"{source}: {exc.message or exc}{where}")]
        ) from None
    except Exception as exc:  # noqa: BLE001 - a template damaged or not a Word document
        raise ProblemError(
            [
                problem(
                    "template-invalid",
                    source.name,
                    detail=f"{source} could not be used as a Word template ({type(exc).__name__}: {exc})",
                )
            ]
        ) from None
    document = template.docx
    document.core_properties.title = context["title"]
    document.core_properties.language = "en-GB"
    document.core_properties.author = review.partnership if public else review.officer.name
    alts = [alt for _, alt in charts.values()]
    for shape, alt in zip(document.inline_shapes, alts, strict=False):
        shape._inline.docPr.set("descr", alt)  # python-docx has no setter for a picture's alt text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def as_pdf(path: Path) -> Path:
    """A tagged PDF of the report, through LibreOffice: what a screen reader needs of a published document."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise ProblemError([problem("report-no-pdf", path.name, detail=": LibreOffice is not installed")])
    pdf = path.with_suffix(".pdf")
    pdf.unlink(missing_ok=True)  # an earlier run's PDF is never taken for this one's
    with tempfile.TemporaryDirectory() as profile:
        command = [
            soffice,
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--convert-to",
            'pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"}}',
            "--outdir",
            str(path.parent.resolve()),
            str(path.resolve()),
        ]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=PDF_SECONDS, check=False)
        except subprocess.TimeoutExpired:
            raise ProblemError(
                [
                    problem(
                        "report-no-pdf",
                        path.name,
                        detail=f": LibreOffice took more than {PDF_SECONDS} s and was stopped",
                    )
                ]
            ) from None
    if done.returncode != 0 or not pdf.is_file():
        said = " ".join(line for line in (done.stderr or done.stdout).splitlines() if "javaldx" not in line)
        raise ProblemError([problem("report-no-pdf", path.name, detail=f": LibreOffice said {said.strip()[:200]!r}")])
    return pdf
