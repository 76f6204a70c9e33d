"""Problems: everything the officer must be told, as data.

One dataclass and one catalogue of stable codes. Code that finds a problem
names the code and fills in the facts; the wording and the severity live here,
so the CLI, the problems workbook and the tests all say the same thing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Kind:
    severity: Severity
    message: str
    ask: str


CATALOGUE: dict[str, Kind] = {
    # The review folder.
    "settings-missing": Kind(
        "error",
        "{what} is missing.",
        "Create it; a new review folder made with kcp-sheets init holds one to copy from.",
    ),
    "settings-unreadable": Kind(
        "error",
        "Cannot read the file: {detail}.",
        "Fix the file so it opens; for review.yaml check the indentation and colons near the line named.",
    ),
    "settings-invalid": Kind("error", "{detail}", "{fix}"),
    "folder-missing": Kind(
        "error",
        "There is no folder {path}.",
        (
            "Check the folder's name{hint}. A review folder holds review.yaml and is named for its year, "
            "such as review-2005."
        ),
    ),
    "folder-not-review": Kind(
        "error",
        "{path} is not a review folder: it has no review.yaml.",
        (
            "{hint}Name the review folder after the command (for example kcp-sheets status review-2005), "
            "or run the command inside it."
        ),
    ),
    "folder-is-file": Kind(
        "error",
        "{path} is a file, not a review folder.",
        "Name the review folder first, then the files: kcp-sheets check review-2005 {path}.",
    ),
    "file-missing": Kind(
        "error", "There is no file {path}; nothing was checked.", "Check the file's name and the folder it is in{hint}."
    ),
    "inbox-empty": Kind(
        "error",
        "The inbox {path} is empty: there is nothing to check.",
        "Save the returned workbooks and e-mails (.xlsx, .xls, .ods, .eml, .msg) in it, then run the command again.",
    ),
    "no-records": Kind(
        "error",
        "No review's records are in {path} yet: there is nothing to export.",
        "Run kcp-sheets consolidate first: it records the review, and export writes what it recorded.",
    ),
    "no-returns": Kind(
        "error",
        "No usable return among the {detail} in the inbox: there is nothing to consolidate.",
        (
            "Run kcp-sheets check to see what is wrong with each; accept a return with errors as it is (kcp-sheets "
            "accept), or ask its senders to correct it."
        ),
    ),
    "report-no-pdf": Kind(
        "error",
        "No PDF of the report was made{detail}.",
        (
            "Install LibreOffice (it makes the tagged PDF), or open the report in Word and save it as PDF with "
            "document tags."
        ),
    ),
    "template-invalid": Kind(
        "error",
        "Workbook template is not valid: {detail}",
        "Correct the template entry named; templates ship with kcp_sheets.",
    ),
    # The ledger.
    "ledger-unreadable": Kind(
        "error",
        "The ledger is damaged: {detail}.",
        (
            "Keep a copy of ledger.sqlite somewhere safe, then move it out of the folder and run the command "
            "again: a new ledger is built from the folder (the decisions in the damaged one are not in it; "
            "the copy keeps them)."
        ),
    ),
    "ledger-busy": Kind(
        "error",
        (
            "The review's ledger is busy: another kcp-sheets command, the desk or another program is writing it, "
            "and it was not free within {detail}."
        ),
        "Nothing was changed. Wait for the other command to finish and try again.",
    ),
    "ledger-read-only": Kind(
        "error",
        "The ledger cannot be written: {detail}.",
        (
            "Nothing was changed and the ledger is intact. Check that the review folder and ledger.sqlite may be "
            "written to (a copy on a CD or a read-only share cannot), then try again."
        ),
    ),
    "ledger-disk-full": Kind(
        "error",
        "The ledger could not be written: {detail}.",
        (
            "Nothing was changed and the ledger is intact. Free some space on the disk that holds the review "
            "folder, then try again."
        ),
    ),
    "ledger-older": Kind(
        "error",
        (
            "The ledger was written by an older kcp-sheets (schema {detail}; this one knows {expected}) and can "
            "only be read once brought up to date."
        ),
        "Run kcp-sheets check on the folder once: it brings the ledger up to date.",
    ),
    "ledger-newer": Kind(
        "error",
        "The ledger was written by a newer kcp-sheets (schema {detail}; this one knows {expected}).",
        "Upgrade kcp-sheets to work on this folder.",
    ),
    "ledger-unknown-return": Kind(
        "error",
        "No return '{detail}' is in the ledger.",
        "Run `kcp-sheets returns` to see each return's number, then use that number or the file name.",
    ),
    "ledger-unknown-problem": Kind(
        "error",
        "The return has no problem '{detail}'.",
        "Run `kcp-sheets returns FOLDER RETURN` to see its problems and their keys.",
    ),
    "ledger-bad-state": Kind(
        "error",
        "'{detail}' is not a state the officer can set.",
        "Use accepted (with a note), rejected (with a reason) or new (to undo a decision).",
    ),
    "ledger-note-needed": Kind(
        "error",
        "A return is {detail} only with a note saying why.",
        'Add the note, e.g. --note "scores agreed by telephone".',
    ),
    # A file in the inbox.
    "file-unreadable": Kind(
        "error",
        "The file could not be read: {detail}.",
        "Ask the sender to save it again as an Excel workbook (.xlsx) and re-send it.",
    ),
    "file-empty": Kind(
        "error",
        "The file is empty (0 bytes).",
        "Ask the sender to attach the workbook again: the attachment arrived empty.",
    ),
    "file-not-spreadsheet": Kind(
        "error", "This is not a spreadsheet ({detail}).", "Ask the sender for the workbook itself, saved as .xlsx."
    ),
    "file-truncated": Kind(
        "error",
        "The workbook is damaged or cut short ({detail}).",
        (
            "Ask the sender to save the workbook again as an Excel Workbook (.xlsx) and re-send it: "
            "the copy received is damaged or incomplete."
        ),
    ),
    "file-encrypted": Kind(
        "error",
        "The workbook is protected with a password to open it.",
        (
            "Ask the sender to remove the password to open and re-send it (Excel: File > Info > Protect Workbook > "
            "Encrypt with Password, clear it; LibreOffice: File > Save As, untick Save with password)."
        ),
    ),
    "file-xlsb": Kind(
        "error",
        "This is an Excel binary workbook (.xlsb), which is not read.",
        "Ask the sender to save it as an Excel Workbook (.xlsx): File > Save As > Excel Workbook, and re-send it.",
    ),
    "file-old-excel": Kind(
        "error",
        "This is a workbook from {detail} (1987-1992), a format too old to read.",
        "Ask the sender to open it in Excel or LibreOffice, save it as an Excel Workbook (.xlsx) and re-send it.",
    ),
    "file-other-format": Kind(
        "error", "This is {detail}, which is not read.", "Ask the sender to {how}, and re-send it."
    ),
    "file-csv": Kind(
        "warning",
        (
            "This is one sheet saved as text (CSV or tab-delimited), read by its headers; "
            "the workbook's other sheets and its hidden identity are not in it."
        ),
        "If the other sheets were filled in, ask the sender for the whole workbook saved as an Excel Workbook (.xlsx).",
    ),
    "file-macro-sheet": Kind(
        "warning",
        "The sheet '{sheet}' is an Excel 4.0 macro sheet; it was neither run nor read.",
        "Nothing to ask unless the workbook was not expected to hold macros; if so, do not open it in Excel.",
    ),
    "sheet-too-large": Kind(
        "error",
        "The sheet '{sheet}' has values spread over {detail}: too large a grid to read safely.",
        (
            "Ask the sender to delete what is typed far from the tables (the farthest is at {far}), "
            "save the workbook and re-send it."
        ),
    ),
    "file-too-large": Kind(
        "error",
        "The file is {detail}, more than the limit of {limit}.",
        (
            "Ask the sender to re-save the workbook without pictures or extra sheets, "
            "or raise max_return_mb in review.yaml."
        ),
    ),
    "file-hostile": Kind(
        "error",
        "The file was refused unread: {detail}.",
        "Ask the sender to save the workbook again from Excel or LibreOffice; do not open this copy.",
    ),
    "file-macro": Kind(
        "warning",
        "The workbook contains macros; they were not run.",
        "Nothing to ask; macros are never run. Ask for .xlsx next time.",
    ),
    "file-lock": Kind("warning", "Skipped: an office program's lock file, not a return.", "Nothing to ask."),
    "file-unknown": Kind(
        "error",
        "Not a workbook of this review: {detail}.",
        "Check the file; if it is a return, ask the sender to fill in the workbook they were sent.",
    ),
    "file-read-failed": Kind(
        "error",
        "Unexpected failure reading this file: {detail}.",
        "Keep the file and report it; ask the sender to re-save it as .xlsx meanwhile.",
    ),
    "container-damaged": Kind(
        "error",
        "The {what} is damaged or cut short, so nothing inside it could be read.",
        "Ask the sender to send the workbook itself, or the {what} again.",
    ),
    "email-no-attachment": Kind(
        "error", "The e-mail has no workbook attached{detail}.", "Ask the sender to attach the workbook and re-send it."
    ),
    "file-not-saved": Kind(
        "error",
        "The file could not be saved in the inbox: {detail}; nothing of it was kept.",
        "Free some space on the disk that holds the review folder (or let it be written to), then send the file again.",
    ),
    "file-link": Kind(
        "error",
        "This is a link to a file elsewhere ({detail}), not a return: links are not followed.",
        "Save the return itself in the inbox, not a link or shortcut to it.",
    ),
    "email-undated": Kind(
        "warning",
        "The e-mail has no date, so when it was received is taken as the time it was first checked ({detail}).",
        "Nothing to ask; if the date matters for lateness, look at when it arrived in your mail program.",
    ),
    "email-unreadable": Kind(
        "error",
        "The e-mail could not be read: {detail}.",
        "Ask the sender to forward the workbook as an attachment again.",
    ),
    # Identity of a return.
    "identity-missing": Kind(
        "warning",
        "The hidden identity sheet is missing; recognised by its headers as {detail} ({sure} sure).",
        "Check it is the right cluster; next time ask senders not to delete sheets.",
    ),
    "identity-edited": Kind(
        "warning", "The hidden identity sheet was changed: {detail}.", "Check the return is for the right cluster."
    ),
    "other-review": Kind(
        "error",
        "The workbook belongs to another review: {detail}.",
        "Ask the sender for this year's workbook ({expected}); re-send it if they do not have it.",
    ),
    "other-version": Kind(
        "warning",
        "The workbook was made from template version {found}; this review uses version {expected}.",
        "It was read by its headers; check the values in the consolidated workbook.",
    ),
    "sender-unexpected": Kind(
        "warning",
        "The {detail} return came from {found}, who is not one of that cluster's co-ordinators or champions.",
        "Check it is the right cluster's workbook; the sender may have filled in another cluster's by mistake.",
    ),
    "sent-unknown": Kind(
        "warning",
        (
            "The workbook this return was made from (edition: {detail}) is not in the ledger, "
            "which was built from the settings as they are now; it was read against them."
        ),
        (
            "Before asking the sender about deleted rows or changed fixed text in this return, "
            "check whether they were changes to actions.csv made after it was sent."
        ),
    ),
    "row-added-since": Kind(
        "warning",
        "{row_id} was added after this workbook was sent ({detail}).",
        "Ask the cluster for the progress and scores for {row_id}: it was not in the workbook they were sent.",
    ),
    "row-changed-since": Kind(
        "warning",
        "{row_id} was corrected after this workbook was sent ({detail}); the return was read against what was sent.",
        "Nothing to ask; the plan shows the corrected text.",
    ),
    "row-removed-since": Kind(
        "warning",
        "{row_id} was removed from the actions after this workbook was sent; its answers are kept.",
        "Nothing to ask.",
    ),
    "duplicate-return": Kind(
        "warning",
        "Two returns for {detail}: this older one was merged into the newer, {newer}, cell by cell.",
        "Nothing to ask unless the two disagree (see the problems of the newer one).",
    ),
    "returns-differ": Kind(
        "warning",
        "Two returns differ here: '{found}' in this newer one (used); '{old}' in {older}.",
        "Ask the sender which is right for {row_id} if the newer one is not.",
    ),
    # Structure.
    "sheet-missing": Kind(
        "error", "The sheet '{sheet}' is missing.", "Ask the sender to return the whole workbook as it was sent."
    ),
    "sheet-renamed": Kind("warning", "The sheet '{expected}' was found as '{sheet}'.", "Nothing to ask."),
    "header-missing": Kind(
        "error",
        "The column '{detail}' is missing from the header row.",
        "Ask the sender not to delete columns and to re-send the workbook.",
    ),
    "row-deleted": Kind(
        "error", "The row for {row_id} was deleted.", "Ask the sender for the progress and scores for {row_id}."
    ),
    "row-duplicated": Kind(
        "warning",
        "The row for {row_id} appears twice; the first was used, the other kept here: {detail}.",
        "Ask the sender which row is right.",
    ),
    "row-other-cluster": Kind(
        "error",
        (
            "This row is {detail}'s action {row_id}, not one of {here}'s: it was pasted in from that cluster's "
            "workbook, and nothing on it was counted for either cluster. What it holds: {found}"
        ),
        (
            "Ask the sender whether these answers belong to {detail}'s return (and to send them there) or to one "
            "of this cluster's actions."
        ),
    ),
    "row-other-clusters-text": Kind(
        "error",
        (
            "The row for {row_id} holds the '{what}' of {detail}'s {theirs}: that cluster's row was pasted over "
            "it, so the answers on it are most likely for {theirs}, not for {row_id} of {here}. "
            "They were kept under {row_id} until you ask: {found}"
        ),
        (
            "Ask the sender whether these answers are for {row_id} or belong to {detail}'s {theirs} (and for "
            "{row_id}'s own)."
        ),
    ),
    "answers-other-return": Kind(
        "error",
        (
            "The answers on rows {detail} of this {here} return ({ids}) are word for word {there}'s for {theirs}, "
            "in {other}: one cluster's answers were pasted over the other's rows. "
            "They were kept where they are until you ask: {found}"
        ),
        "Ask both clusters which actions these answers were typed for.",
    ),
    "row-unknown-id": Kind(
        "warning",
        "A row has an ID this workbook was not sent with ({detail}); read as a new action.",
        "Check whether it is a new action or a mistyped ID.",
    ),
    "row-moved": Kind(
        "warning",
        "The row with ID {found} ({detail}) has the text of {row_id}; its answers were read as {row_id}'s.",
        "Check the rows were not sorted without their ID column; nothing to ask if the answers fit {row_id}.",
    ),
    "row-text-ambiguous": Kind(
        "error",
        (
            "The row's ID ({found}) and its fixed text disagree, and the text fits {detail} equally; "
            "its answers were kept under {row_id}."
        ),
        "Ask the sender which action the answers on this row are for.",
    ),
    "answers-without-action": Kind(
        "error",
        "Answers typed on a row with no action; they were not read as a new action: {found}.{also}",
        "Ask the sender which action they are for, or for the new action's text.",
    ),
    "answers-shifted": Kind(
        "error",
        (
            "The answers in rows {detail} seem to have moved one row {direction}: the answers for {ids} may each "
            "be one row away from their action; check them."
        ),
        "Ask the sender to check the answers are beside their actions and re-send the workbook.",
    ),
    "answers-cut": Kind(
        "error",
        (
            "The answer cells of row {detail} ({left}) were cut away: they are empty and no longer have the answer "
            "cells' format. A block of answers was cut from there and pasted: {moved}. "
            "Each of those may be the answer for another action; check them."
        ),
        (
            "Ask the sender to check the answers are beside their actions (a block was cut and pasted) and re-send "
            "the workbook."
        ),
    ),
    "fixed-edited": Kind(
        "warning",
        "Fixed text was changed. Was: '{old}'. Now: '{new}'.",
        "It may be a correction: update actions.csv if so.",
    ),
    "new-action": Kind(
        "warning", "A new action was added: '{detail}'.", "Add it to actions.csv if the cluster wants to keep it."
    ),
    "column-added": Kind(
        "warning",
        "A column '{found}' was added; its values are kept with each row.",
        "Nothing to ask; check the values in the consolidated workbook.",
    ),
    "cell-unread": Kind(
        "warning", "Text typed {detail}: '{found}'.", "Check whether it belongs in the return; it is not in any table."
    ),
    # Values.
    "score-invalid": Kind(
        "error",
        "'{found}' is not a score from 5 to 1.",
        "Ask the sender for a score from 5 (achieved) to 1 (not achieved) for {row_id}.",
    ),
    "score-note": Kind(
        "warning",
        "Read as the score {value}; the words typed with it are kept as a note beside the score: '{note}'.",
        "Nothing to ask unless the note changes the score for {row_id}.",
    ),
    "score-ambiguous": Kind(
        "error",
        "'{found}' could be read as {detail}; it was taken as neither.",
        "Ask the sender which score they mean for {row_id}.",
    ),
    "score-out-of-range": Kind(
        "error", "{found} is outside the scale 5 to 1.", "Ask the sender for a score from 5 to 1 for {row_id}."
    ),
    "score-unscored": Kind(
        "warning",
        "No score given.",
        "Ask the co-ordinators to score {row_id}, or to agree one with the champions at stage 2.",
    ),
    "score-unscored-review": Kind(
        "warning",
        "No score given.",
        "Score {row_id} with the steering group before consolidating: the plan shows it unscored until then.",
    ),
    "agreed-missing": Kind(
        "warning",
        "No agreed score although the return is at stage 2.",
        "Ask the champions and co-ordinators to agree a score for {row_id}.",
    ),
    "flag-invalid": Kind(
        "warning", "'{found}' is not Yes or No; kept as typed.", "Ask the sender whether {row_id} should be flagged."
    ),
    "choice-invalid": Kind(
        "warning", "'{found}' is not one of {detail}; kept as typed.", "Ask the sender which they meant for {row_id}."
    ),
    "answer-too-long-to-print": Kind(
        "warning",
        (
            "The answer in {where} for {row_id} is {words} words long: the printed {sheet} shows about {fits} of "
            "them in the cell and cuts the rest. The plan prints it in full, "
            "going on in rows '{row_id} (continued)'."
        ),
        (
            "Nothing to ask for the plan. Only if the return itself is to be printed, "
            "ask the sender to shorten it to about {fits} words."
        ),
    ),
    "formula": Kind(
        "warning",
        "The cell holds a formula; its value '{found}' was read, the formula was not run.",
        "Nothing to ask unless the value looks wrong.",
    ),
    "cell-note": Kind(
        "warning",
        'A note on this cell, written as a note rather than in the cell: "{found}"',
        "Read it: if it is an answer, ask the sender to type it in the cell, or take it into the plan yourself.",
    ),
    "cell-error": Kind(
        "error", "The cell shows an error ({found}).", "Ask the sender to type the value again for {row_id}."
    ),
}


@dataclass(frozen=True)
class Line:
    """A place in one of the officer's text files: review.yaml's line N, a CSV
    list's row N (as a spreadsheet numbers it, the line its row starts on)."""

    number: int
    word: str = "line"

    def __str__(self) -> str:
        return f"{self.word} {self.number}"


@dataclass(frozen=True)
class Problem:
    """One thing the officer must see, with where it is and what to ask for."""

    code: str
    severity: Severity
    file: str
    message: str
    ask: str
    sheet: str = ""
    cell: str = ""
    row_id: str = ""
    found: str = ""
    column: str = ""  # the header (or form label) of the cell, in the sender's terms
    dealt_with: str = ""  # the officer's note once the problem is dealt with
    line: Line | None = None  # where in a settings file, which has no sheets or cells

    @property
    def open_error(self) -> bool:
        """An error still to ask about: not dealt with by the officer."""
        return self.severity == "error" and not self.dealt_with

    @property
    def key(self) -> str:
        """Names this problem of its file across re-reads (what was found where, not when)."""
        text = "\x1f".join(
            (self.code, self.sheet, self.cell or str(self.line or ""), self.row_id, self.found, self.message)
        )
        return hashlib.sha256(text.encode()).hexdigest()[:10]

    @property
    def place(self) -> str:
        """Sheet!cell, or whichever of them is known; a settings file's line."""
        if self.line is not None:
            return str(self.line)
        return f"{self.sheet}!{self.cell}" if self.sheet and self.cell else self.sheet or self.cell

    def where(self) -> str:
        return f"{self.file}: {self.place}" if self.place else self.file


@dataclass(frozen=True)
class Tally:
    """Problems counted as every surface counts them: errors and warnings still
    open, and those the officer dealt with (which count as neither)."""

    errors: int = 0
    warnings: int = 0
    dealt: int = 0

    def __str__(self) -> str:
        said = f"{counted(self.errors, 'error')}, {counted(self.warnings, 'warning')}"
        return said + (f" ({self.dealt} dealt with)" if self.dealt else "")


def tally(problems: Iterable[Problem]) -> Tally:
    errors = warnings = dealt = 0
    for p in problems:
        if p.dealt_with:
            dealt += 1
        elif p.severity == "error":
            errors += 1
        else:
            warnings += 1
    return Tally(errors, warnings, dealt)


def problem_rows(problems: list[Problem]) -> list[dict[str, object]]:
    """Problems as rows for a workbook's problems table; its template picks the columns."""
    return [
        {"id": n, "where": p.place, **p.__dict__, **({"ask": f"Dealt with: {p.dealt_with}"} if p.dealt_with else {})}
        for n, p in enumerate(problems, start=1)
    ]


def problem(
    code: str,
    file: str,
    *,
    sheet: str = "",
    cell: str = "",
    row_id: str = "",
    found: str = "",
    column: str = "",
    line: Line | None = None,
    **facts: object,
) -> Problem:
    """Build a Problem from the catalogue; `facts` fill its message and ask."""
    kind = CATALOGUE[code]
    values = {"row_id": row_id or "this row", "found": found, "sheet": sheet, **facts}
    return Problem(
        code=code,
        severity=kind.severity,
        file=file,
        message=kind.message.format_map(_Blank(values)),
        ask=kind.ask.format_map(_Blank(values)),
        sheet=sheet,
        cell=cell,
        row_id=row_id,
        found=found,
        column=column,
        line=line,
    )


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


@dataclass
class ProblemError(Exception):
    """Raised when work cannot go on; carries every problem found so far."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(f"{p.where()}: {p.message} {p.ask}" for p in self.problems)


def counted(n: int, noun: str) -> str:
    """'1 error', '2 errors': counts the officer reads agree in number."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def cell_order(cell: str) -> tuple[int, str]:
    """Cells in the order a reader meets them down a sheet: by row number, then as written."""
    digits = "".join(ch for ch in cell if ch.isdigit())
    return (int(digits) if digits else 0, cell)
