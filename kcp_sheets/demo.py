"""The whole cycle on the bundled sample: a review folder, its workbooks,
returns as co-ordinators would send them (some late, one by e-mail, one with
mistakes, one sent twice, one missing), then check and consolidate.

The simulated answers come from a random generator seeded with the review
year and the file times are set from the review's dates, so the demo gives
the same workbook every time.
"""

from __future__ import annotations

import datetime as dt
import os
import random
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from .demo_data import (
    ACCREDITATION_LEADS,
    ACCREDITATION_NOTES,
    IMPROVEMENT,
    PARTNERSHIP_PLAN,
    PROGRESS,
    REVIEW_MEETING,
    SUPPORT,
    WHY,
)
from .fill import Answers, fill_workbook
from .folder import INBOX, OUTBOX
from .sent import SentWorkbook
from .settings import SETTINGS_FILE, Review
from .workbooks import planned_workbooks

XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
MARKER = ".kcp-demo"
MISTAKEN = 3  # the cluster (in the review's order) whose return has mistakes


def prepare_demo(folder: Path, force: bool = False) -> Review:
    """A fresh demo folder: the sample review, its workbooks and simulated returns.

    A folder that holds anything but an earlier demo is refused, so a real
    review can never be overwritten by the demo; an earlier demo is replaced
    only with `force`, as `init` replaces a review, since its ledger may hold
    decisions the officer made while trying the desk.
    """
    import shutil

    from .folder import OUTPUT, init_folder
    from .generate import generate
    from .problems import ProblemError, problem
    from .settings import load_review

    if folder.exists() and any(folder.iterdir()) and not (folder / MARKER).exists():
        raise ProblemError(
            [
                problem(
                    "settings-invalid",
                    str(folder),
                    detail=f"{folder} is not empty and is not a demo folder.",
                    fix="Name a new folder for the demo.",
                )
            ]
        )
    if (folder / SETTINGS_FILE).exists() and not force:
        raise ProblemError(
            [
                problem(
                    "settings-invalid",
                    str(folder),
                    detail=f"{folder} already holds a demo review.",
                    fix="Name a new folder for the demo, or add --force to start it again from the sample.",
                )
            ]
        )
    for sub in (INBOX, OUTBOX, OUTPUT):
        shutil.rmtree(folder / sub, ignore_errors=True)
    init_folder(folder, force=True)
    (folder / MARKER).write_text("A kcp-sheets demo review: `kcp-sheets demo` may overwrite this folder.\n")
    review = load_review(folder)
    generate(review)
    simulate_returns(review, folder / OUTBOX, folder / INBOX)
    return review


def simulate_returns(review: Review, outbox: Path, inbox: Path) -> list[Path]:
    rng = random.Random(review.year)
    inbox.mkdir(parents=True, exist_ok=True)
    plans = planned_workbooks(review)
    clusters = [p for p in plans if p.cluster]
    written: list[Path] = []
    deadline = dt.datetime.combine(review.stage2_deadline, dt.time(17, 0))
    for n, plan in enumerate(clusters):
        if n == len(clusters) - 1:
            continue  # the last cluster has not returned: the chase list shows it
        stage = 1 if n == 4 else 2
        rows, fields = _cluster_answers(review, plan, rng, stage, n)
        received = deadline - dt.timedelta(days=3 - n, hours=n)
        name = f"{plan.cluster} return {review.year}.xlsx"
        if n == MISTAKEN:  # one return with mistakes a person makes
            _mistakes(plan, rows)
            received = deadline + dt.timedelta(days=2)  # and late
        if n == 5:  # sent twice: an earlier, half-finished copy as well, saved first
            early = _half_finished(plan, rows)
            first = fill_workbook(
                plan,
                outbox / plan.file_name,
                inbox / f"{plan.cluster} draft.xlsx",
                early,
                {},
                saved=received - dt.timedelta(days=6),
            )
            _touch(first, received - dt.timedelta(days=6))
            written.append(first)
        path = fill_workbook(plan, outbox / plan.file_name, inbox / name, rows, fields, saved=received)
        if n == 0:  # sent as an e-mail attachment
            path = _as_email(review, plan, path, received)
        _touch(path, received)
        written.append(path)
    for plan in plans:
        if plan.cluster:
            continue
        rows = _review_answers(review, plan, rng)
        path = fill_workbook(
            plan, outbox / plan.file_name, inbox / plan.file_name, rows, {}, saved=deadline - dt.timedelta(days=1)
        )
        _touch(path, deadline - dt.timedelta(days=1))
        written.append(path)
    return written


def _half_finished(plan: SentWorkbook, rows: Answers) -> Answers:
    """The progress typed so far, with the new action it reports on named, and no scores yet."""
    sent = {s: {str(row["id"]) for row in r} for s, r in plan.content.rows.items()}
    scored = {c.key for s in plan.spec.sheets if s.table for c in s.table.columns if c.kind == "score"}
    return {
        s: {
            k: {c: v for c, v in vals.items() if c == "progress" or (k not in sent.get(s, ()) and c not in scored)}
            for k, vals in r.items()
        }
        for s, r in rows.items()
    }


def _cluster_answers(
    review: Review, plan: SentWorkbook, rng: random.Random, stage: int, n: int
) -> tuple[Answers, dict[str, dict[str, Any]]]:
    tracker = plan.spec.main_table()
    flags = [c.key for c in tracker.table.columns if c.kind == "flag" and c.is_input]
    answers: dict[str, dict[str, Any]] = {}
    scale = review.scales["achievement"]
    for row in plan.content.rows[tracker.key]:
        score = rng.choices([5, 4, 3, 2, 1, None], weights=[3, 4, 3, 2, 1, 1])[0]
        lead = row.get("lead_partner") or "the lead partner"
        values: dict[str, Any] = {"progress": rng.choice(PROGRESS[score or 3]).format(lead=lead)}
        if score is not None:
            values["coordinator_score"] = f"{score} - {scale[score]}" if rng.random() < 0.7 else score
        if stage == 2:
            agreed = score if score is not None else rng.choice([2, 3])
            if rng.random() < 0.2:
                agreed = max(1, min(5, agreed + rng.choice([-1, 1])))
            values["agreed_score"] = f"{agreed} - {scale[agreed]}"
            values["appropriateness"] = rng.choice([5, 4, 4, 3, 2])
            if agreed <= 2:
                values["why_not_met"] = rng.choice(WHY)
            for flag in flags:
                if rng.random() < 0.12:
                    values[flag] = "Yes"
        answers[str(row["id"])] = values
    first_spare = tracker.table.new_id.format(n=1, **plan.content.identity)
    answers[first_spare] = {
        "issue": "Young people's views not heard",
        "action": "Set up a youth forum to advise the cluster",
        "lead_partner": "RBKC Youth Service",
        "progress": "Forum met twice; 25 members.",
        "coordinator_score": 4,
    }
    form = next(s for s in plan.spec.sheets if s.kind == "form")
    fields: dict[str, dict[str, Any]] = {}
    if stage == 2:
        cluster = review.cluster(plan.cluster)
        people = [p.name for p in cluster.champions + cluster.coordinators]
        achievements, barriers, solutions = REVIEW_MEETING[n % len(REVIEW_MEETING)]
        fields[form.key] = {
            "attendance": ", ".join(people) + ", " + review.officer.name,
            "review_date": review.stage2_deadline - dt.timedelta(days=2),
            "achievements": achievements,
            "barriers": barriers,
            "solutions": solutions,
        }
        swap = rng.sample(range(4), 2)[0] % 2  # which of its two actions the cluster lists first
        picks = [IMPROVEMENT[(2 * n + (i ^ swap)) % len(IMPROVEMENT)] for i in range(2)]
        answers_form = {
            form.table.id.format(n=i): dict(
                zip(("action", "due", "key_contact", "support_needed", "support_how"), pick, strict=True)
            )
            for i, pick in enumerate(picks, start=1)
        }
        return {tracker.key: answers, form.key: answers_form}, fields
    return {tracker.key: answers}, fields


def _mistakes(plan: SentWorkbook, rows: Answers) -> None:
    """What people really do: words for scores, a score off the scale, edited fixed text."""
    tracker = plan.spec.main_table().key
    ids = [str(r["id"]) for r in plan.content.rows[tracker]]
    rows[tracker][ids[0]]["coordinator_score"] = "four"
    rows[tracker][ids[1]]["coordinator_score"] = 7
    rows[tracker][ids[2]]["agreed_score"] = "Largely achieved "
    rows[tracker][ids[3]]["issue"] = str(plan.content.rows[tracker][3]["issue"]) + " (and the markets)"
    rows[tracker]["+appended"] = {
        "action": "Homework club at the new library",
        "progress": "Opened January 2004",
        "coordinator_score": "5",
    }


def _review_answers(review: Review, plan: SentWorkbook, rng: random.Random) -> Answers:
    """The health review from the partnership plan of seeds/004, one entry per
    sub-criterion; the accreditation review with notes and leads from the same paper."""
    sheet = plan.spec.main_table()
    answers: dict[str, dict[str, Any]] = {}
    used: dict[str, int] = {}
    notes = iter(rng.sample(ACCREDITATION_NOTES, len(ACCREDITATION_NOTES)) * 3)
    for row in plan.content.rows[sheet.key]:
        values: dict[str, Any]
        support, how = rng.choice(SUPPORT)
        if plan.spec.template == "partnership-health":
            entries = PARTNERSHIP_PLAN.get(str(row.get("criterion")), [])
            n = used[str(row.get("criterion"))] = used.get(str(row.get("criterion")), -1) + 1
            score = rng.choice([5, 4, 4, 3, 3, 2])
            if n >= len(entries):
                values = {"score": score}
            else:
                evidence, progress, action, lead, due = entries[n]
                values = {"score": score, "evidence": evidence, "progress": progress}
                if score <= 4:
                    values.update(action=action, key_contact=lead, due=due, support_needed=support, support_how=how)
        else:
            achieved = rng.choice(["Yes", "Yes", "Yes", "Partly", "No"])
            values = {"achieved": achieved}
            if achieved != "Yes":
                values.update(
                    new_date=rng.choice(["End March 2005", "September 2004", dt.date(2004, 12, 31), "Ongoing"]),
                    note=next(notes),
                    lead=rng.choice(ACCREDITATION_LEADS),
                    support_needed=support,
                    support_how=how,
                )
        answers[str(row["id"])] = values
    return {sheet.name: answers}


def _as_email(review: Review, plan: SentWorkbook, path: Path, received: dt.datetime) -> Path:
    cluster = review.cluster(plan.cluster)
    sender = cluster.coordinators[0]
    message = EmailMessage()
    message["From"] = f"{sender.name} <{sender.email}>"
    message["To"] = f"{review.officer.name} <{review.officer.email}>"
    message["Subject"] = f"RE: {cluster.name} progress tracker {review.year}"
    message["Date"] = received.strftime("%a, %d %b %Y %H:%M:%S +0000")
    message.set_content(
        f"Dear {review.officer.name.split()[0]},\n\nPlease find our return attached.\n\n{sender.name}\n"
    )
    message.add_attachment(path.read_bytes(), maintype=XLSX_TYPE[0], subtype=XLSX_TYPE[1], filename=path.name)
    eml = path.with_suffix(".eml")
    eml.write_bytes(bytes(message))
    path.unlink()
    return eml


def _touch(path: Path, when: dt.datetime) -> None:
    stamp = when.replace(tzinfo=dt.UTC).timestamp()
    os.utime(path, (stamp, stamp))
