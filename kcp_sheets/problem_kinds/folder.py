"""The review folder's problems: its settings, its files and its ledger."""

from __future__ import annotations

from .kind import Kind

FOLDER: dict[str, Kind] = {
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
    "output-amended": Kind(
        "error",
        "{folder}/{name} {detail}: writing the new one would replace it.",
        "Keep it: rename it (e.g. add 'amended' to its name) or move it out of {folder}/, then run this again, "
        "and carry its changes into the new one.",
    ),
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
    "ledger-accept-older-copy": Kind(
        "error",
        "Return {detail} is an older copy, already merged cell by cell into the newer copy of its workbook: "
        "accepting it changes nothing.",
        "Accept or reject the newer copy (`kcp-sheets returns FOLDER` names it); reject this one only if its "
        "answers must not be merged.",
    ),
    "ledger-note-needed": Kind(
        "error",
        "{what} is {detail} only with a note saying why.",
        "Say why with {how}.",
    ),
}
