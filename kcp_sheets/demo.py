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

from .fill import Answers, fill_workbook
from .folder import INBOX, OUTBOX
from .generate import Planned, planned_workbooks
from .settings import Review

XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")

PROGRESS = {
    5: ["Achieved: {lead} confirm the work is complete and the target met.", "Completed on time; monitoring shows the outcome achieved.", "Done, and now part of {lead}'s normal service."],
    4: ["Largely achieved; the last stage is due in the summer.", "On track: most of the work is done and the indicator is improving.", "Good progress; {lead} expect to finish by September."],
    3: ["Partly achieved: started, but delayed by staff changes at {lead}.", "Some progress; funding for the second phase is not yet agreed.", "Half of the planned work is done."],
    2: ["Little progress: awaiting agreement between partners.", "Delayed: the site has not been secured.", "Consultation held but no action since."],
    1: ["Not started: {lead} has had no resources for it this year.", "Not achieved; the project was withdrawn.", "No progress recorded by the lead partner."],
}
WHY = [
    "Funding ended before the work could start; look for mainstream funding.",
    "Lead officer left and was not replaced; the cluster to nominate a new lead.",
    "Target was unrealistic for one year; revise it in the new Community Strategy.",
    "Partners could not agree the approach; champion to broker a meeting.",
]
IMPROVEMENT = [
    ("Agree a named lead officer for every outstanding action", "End June 2004", "Cluster co-ordinators", "Time at the Strategies Implementation Group", "Standing item at SIG meetings"),
    ("Bid for mainstream funding to continue the NRF-funded projects that worked", "September 2004", "NRF programme manager", "Advice on mainstreaming", "Briefing from the Council's finance team"),
    ("Revise the cluster's targets for the new Community Strategy", "July 2004", "Cluster champions", "Baseline data for each indicator", "Research team to provide ward data"),
    ("Hold a joint meeting of partners on the actions that stalled", "Ongoing", "Cluster champions", "A venue and facilitation", "Partnership support officer to arrange"),
]


MARKER = ".kcp-demo"
MISTAKEN = 3  # the cluster (in the review's order) whose return has mistakes


def prepare_demo(folder: Path) -> Review:
    """A fresh demo folder: the sample review, its workbooks and simulated returns.

    A folder that holds anything but an earlier demo is refused, so a real
    review can never be overwritten by the demo.
    """
    import shutil

    from .folder import OUTPUT, init_folder
    from .generate import generate
    from .problems import ProblemError, problem
    from .settings import load_review

    if folder.exists() and any(folder.iterdir()) and not (folder / MARKER).exists():
        raise ProblemError([problem("settings-invalid", str(folder), detail=f"{folder} is not empty and is not a demo folder.", fix="Name a new folder for the demo.")])
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
        rows, fields = _cluster_answers(review, plan, rng, stage)
        received = deadline - dt.timedelta(days=3 - n, hours=n)
        name = f"{plan.cluster} return {review.year}.xlsx"
        if n == MISTAKEN:  # one return with mistakes a person makes
            _mistakes(plan, rows)
            received = deadline + dt.timedelta(days=2)  # and late
        if n == 5:  # sent twice: an earlier, half-finished copy as well, saved first
            early = {s: {k: {c: v for c, v in vals.items() if c == "progress"} for k, vals in r.items()} for s, r in rows.items()}
            first = fill_workbook(plan, outbox / plan.file_name, inbox / f"{plan.cluster} draft.xlsx", early, {})
            _touch(first, received - dt.timedelta(days=6))
            written.append(first)
        path = fill_workbook(plan, outbox / plan.file_name, inbox / name, rows, fields)
        if n == 0:  # sent as an e-mail attachment
            path = _as_email(review, plan, path, received)
        _touch(path, received)
        written.append(path)
    for plan in plans:
        if plan.cluster:
            continue
        rows = _review_answers(review, plan, rng)
        path = fill_workbook(plan, outbox / plan.file_name, inbox / plan.file_name, rows, {})
        _touch(path, deadline - dt.timedelta(days=1))
        written.append(path)
    return written


def _cluster_answers(review: Review, plan: Planned, rng: random.Random, stage: int) -> tuple[Answers, dict[str, dict[str, Any]]]:
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
        fields[form.key] = {
            "attendance": ", ".join(people) + ", " + review.officer.name,
            "review_date": review.stage2_deadline - dt.timedelta(days=2),
            "achievements": "Most NRF-funded projects delivered on time; partners now meet monthly.",
            "barriers": "Staff turnover among lead partners; short-term funding.",
            "solutions": "Named deputies for every lead; early bids for mainstream funding.",
        }
        picks = rng.sample(IMPROVEMENT, 2)
        answers_form = {form.table.id.format(n=i): dict(zip(("action", "due", "key_contact", "support_needed", "support_how"), pick, strict=True)) for i, pick in enumerate(picks, start=1)}
        return {tracker.key: answers, form.key: answers_form}, fields
    return {tracker.key: answers}, fields


def _mistakes(plan: Planned, rows: Answers) -> None:
    """What people really do: words for scores, a score off the scale, edited fixed text."""
    tracker = plan.spec.main_table().key
    ids = [str(r["id"]) for r in plan.content.rows[tracker]]
    rows[tracker][ids[0]]["coordinator_score"] = "four"
    rows[tracker][ids[1]]["coordinator_score"] = 7
    rows[tracker][ids[2]]["agreed_score"] = "Largely achieved "
    rows[tracker][ids[3]]["issue"] = str(plan.content.rows[tracker][3]["issue"]) + " (and the markets)"
    rows[tracker]["+appended"] = {"action": "Homework club at the new library", "progress": "Opened January 2004", "coordinator_score": "5"}


def _review_answers(review: Review, plan: Planned, rng: random.Random) -> Answers:
    sheet = plan.spec.main_table()
    answers: dict[str, dict[str, Any]] = {}
    for row in plan.content.rows[sheet.key]:
        if plan.spec.template == "partnership-health":
            score = rng.choice([5, 4, 4, 3, 3, 2])
            values: dict[str, Any] = {"score": score, "evidence": "Steering group minutes; partners' business plans.", "progress": "Terms of reference updated; sub-groups in place."}
            if score <= 3:
                values.update(action="Review how the steering group links to partners' own plans", key_contact="Partnership support officer", due="March 2005")
        else:
            achieved = rng.choice(["Yes", "Yes", "Yes", "Partly", "No"])
            values = {"achieved": achieved}
            if achieved != "Yes":
                values.update(new_date=rng.choice(["End March 2005", "September 2004", dt.date(2004, 12, 31), "Ongoing"]), note="Carried into the 2004/05 partnership plan.")
        answers[str(row["id"])] = values
    return {sheet.name: answers}


def _as_email(review: Review, plan: Planned, path: Path, received: dt.datetime) -> Path:
    cluster = review.cluster(plan.cluster)
    sender = cluster.coordinators[0]
    message = EmailMessage()
    message["From"] = f"{sender.name} <{sender.email}>"
    message["To"] = f"{review.officer.name} <{review.officer.email}>"
    message["Subject"] = f"RE: {cluster.name} progress tracker {review.year}"
    message["Date"] = received.strftime("%a, %d %b %Y %H:%M:%S +0000")
    message.set_content(f"Dear {review.officer.name.split()[0]},\n\nPlease find our return attached.\n\n{sender.name}\n")
    message.add_attachment(path.read_bytes(), maintype=XLSX_TYPE[0], subtype=XLSX_TYPE[1], filename=path.name)
    eml = path.with_suffix(".eml")
    eml.write_bytes(bytes(message))
    path.unlink()
    return eml


def _touch(path: Path, when: dt.datetime) -> None:
    stamp = when.replace(tzinfo=dt.timezone.utc).timestamp()
    os.utime(path, (stamp, stamp))
