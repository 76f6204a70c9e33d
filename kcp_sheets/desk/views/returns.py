"""One return: its problems sheet by sheet, and the decisions
about it (accept, reject, dealt with), recorded in the ledger."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import replace
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ... import review_states
from ...folder import INBOX
from ...lifecycle import SUPERSEDED
from ...problems import Problem, ProblemError, cell_order
from ..context import Desk, checked, key_of


def return_page(desk: Desk, request: Request) -> Response:
    return _return_view(desk, request)


# What to do, said for the desk where the command line's words name its options.
ON_THE_DESK = {"ledger-note-needed": "Say why in the box beside the button, then press the button again."}


def _return_view(desk: Desk, request: Request, said: list[Problem] | None = None, form: Any = None) -> Response:
    review, problems = desk.review()
    if review is None:
        return desk.render(request, "broken.html", problems=problems, nav="overview")
    result = checked(desk, review)
    key = request.path_params["key"]
    ret = next((r for r in result.returns if key_of(r.source.name) == key), None)
    if ret is not None:
        name = ret.source.name
        found = _recorded(desk, ret)
    else:
        found = [p for p in result.problems if key_of(p.file) == key]
        if not found:
            raise HTTPException(404)
        name = found[0].file
    found.sort(key=lambda p: (p.severity != "error", p.sheet, cell_order(p.cell)))
    sheets: OrderedDict[str, list[Any]] = OrderedDict()
    for p in found:
        sheets.setdefault(p.sheet or "The file as a whole", []).append(p)
    open_errors = [p for p in found if p.severity == "error" and not p.dealt_with]
    asks = list(dict.fromkeys(p.ask for p in open_errors))
    late = bool(ret and ret.sent and ret.source.received.date() > review.stage2_deadline)
    inbox_file = name.split(" > ")[0]
    return desk.render(
        request,
        "return.html",
        status=400 if said else 200,
        review=review,
        ret=ret,
        name=name,
        sheets=sheets,
        asks=asks,
        late=late,
        errors=len(open_errors),
        warnings=sum(p.severity == "warning" and not p.dealt_with for p in found),
        dealt=sum(bool(p.dealt_with) for p in found),
        said=[replace(p, ask=ON_THE_DESK.get(p.code, p.ask)) for p in said or ()],
        done=request.query_params.get("done", ""),
        decisions=bool(ret and ret.ledger_id and ret.sent and ret.state != SUPERSEDED),
        dealing=bool(ret and ret.ledger_id),
        inbox_file=f"{INBOX}/{inbox_file}" if (desk.folder / INBOX / inbox_file).is_file() else "",
        nav="overview",
        chosen=str(form.get("decision", "")) if form else "",
        typed_note=str(form.get("note", "")) if form else "",
        note_missing=any(p.code == "ledger-note-needed" for p in said or ()),
    )


def _recorded(desk: Desk, ret: Any) -> list[Any]:
    """A return's problems as the ledger recorded them at this read: each with the
    key a decision names, and whether it was dealt with."""
    if not ret.ledger_id:
        return list(ret.problems)
    return list(review_states.problems_of(desk.folder, ret.ledger_id, busy_seconds=desk.page_wait))


async def decide(desk: Desk, request: Request) -> Response:
    """Accept or reject a return with a note, or undo the decision: recorded in the ledger."""
    form = await request.form()
    return await run_in_threadpool(_decide, desk, request, form)


def _decide(desk: Desk, request: Request, form: Any) -> Response:
    ret = _find_return(desk, request.path_params["key"])
    decision = str(form.get("decision", ""))
    try:
        review_states.set_state(
            desk.folder, ret.ledger_id, decision, str(form.get("note", "")), busy_seconds=desk.page_wait
        )
    except ProblemError as exc:
        return _return_view(desk, request, exc.problems, form)  # what was chosen and typed is kept
    return RedirectResponse(f"/returns/{request.path_params['key']}?done={decision}", status_code=303)


async def deal(desk: Desk, request: Request) -> Response:
    """Mark one problem dealt with (with a note), or undo that: recorded in the ledger."""
    form = await request.form()
    return await run_in_threadpool(_deal, desk, request, form)


def _deal(desk: Desk, request: Request, form: Any) -> Response:
    ret = _find_return(desk, request.path_params["key"])
    problem_key = str(form.get("problem", ""))
    try:
        if form.get("undo"):
            review_states.undo_dealt_with(desk.folder, ret.ledger_id, problem_key, busy_seconds=desk.page_wait)
        else:
            review_states.mark_dealt_with(
                desk.folder, ret.ledger_id, problem_key, str(form.get("note", "")), busy_seconds=desk.page_wait
            )
    except ProblemError as exc:
        return _return_view(desk, request, exc.problems)
    done = "undone" if form.get("undo") else "dealt"
    return RedirectResponse(f"/returns/{request.path_params['key']}?done={done}#problem-{problem_key}", status_code=303)


def _find_return(desk: Desk, key: str) -> Any:
    review, _ = desk.review()
    if review is None:
        raise HTTPException(404)
    ret = next((r for r in checked(desk, review).returns if key_of(r.source.name) == key), None)
    if ret is None or not ret.ledger_id:
        raise HTTPException(404)
    return ret
