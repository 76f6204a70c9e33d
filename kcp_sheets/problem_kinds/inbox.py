"""A file in the inbox: whether it can be read at all, and whose return it is."""

from __future__ import annotations

from .kind import Kind

INBOX: dict[str, Kind] = {
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
    "file-changed": Kind(
        "error",
        "The file could not be checked: {detail}.",
        "Check again once whoever is saving or moving it has finished.",
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
        "error",
        "The e-mail has no workbook attached{detail}.",
        "Ask the sender to attach the workbook and send it again; then move this e-mail out of the inbox, "
        "as it will be listed until it is.",
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
        "error",
        "The {detail} return came from {found}, who is not one of that cluster's co-ordinators or champions.",
        "Check it with the cluster before it is used: accept it if they sent it (a deputy, say), "
        "reject it if it is not theirs.",
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
    "copy-from-outside-held": Kind(
        "warning",
        "Another return for {detail}, {used}, came from the cluster itself and is used; this copy, "
        "from outside the cluster, is held aside and not merged.",
        "Accept this copy if the cluster sent it (it then stands as the newer, if it is); reject it if not.",
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
}
