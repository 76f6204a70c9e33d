"""Inside a return: its sheets, rows and columns, then the values in its cells."""

from __future__ import annotations

from .kind import Kind

CELLS: dict[str, Kind] = {
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
