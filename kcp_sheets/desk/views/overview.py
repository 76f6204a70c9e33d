"""The review at a glance: the chase list, the scores as a picture, what was not a return."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from ...chase import chase_list
from ...consolidate import consolidate
from ...problems import Problem
from ..context import Desk, checked, key_of

SCORE_COLOURS = {5: "#1a7f37", 4: "#64a844", 3: "#d4a72c", 2: "#e0823d", 1: "#c4314b", None: "#8c959f"}


def overview(desk: Desk, request: Request) -> Response:
    review, problems = desk.review()
    if review is None:
        return desk.render(request, "broken.html", problems=problems, nav="overview")
    result = checked(desk, review)
    by_name = {r.source.name: r for r in result.returns}
    rows = [
        {"line": line, "ret": by_name.get(line.return_name), "key": key_of(line.return_name) if line.arrived else ""}
        for line in chase_list(result)
    ]
    standing = {id(r) for r in result.standing().values()}
    others = [{"ret": r, "key": key_of(r.source.name)} for r in result.returns if id(r) not in standing]
    not_returns = _by_file(result.problems)
    _, content = consolidate(result)
    picture = [_bar(row) for row in content.blocks.get("clusters", [])]
    counts = result.tally()
    return desk.render(
        request,
        "overview.html",
        review=review,
        rows=rows,
        others=others,
        not_returns=not_returns,
        picture=picture,
        errors=counts.errors,
        warnings=counts.warnings,
        dealt=counts.dealt,
        colours=SCORE_COLOURS,
        nav="overview",
        in_depth=[(name, review.in_depth(name)[1]) for name in review.criterion_names()],
    )


def _bar(row: dict[str, Any]) -> dict[str, Any]:
    """One cluster's scores as segments of a bar, 5 to 1 then unscored; numbers kept beside it."""
    counts = [(n, row.get(f"s{n}", 0) or 0) for n in (5, 4, 3, 2, 1)] + [(None, row.get("unscored", 0) or 0)]
    total = sum(c for _, c in counts) or 1
    segments, x = [], 0.0
    for score, count in counts:
        width = 100 * count / total
        if count:
            segments.append(
                {
                    "x": round(x, 3),
                    "width": round(width, 3),
                    "fill": SCORE_COLOURS[score],
                    "score": score,
                    "count": count,
                }
            )
        x += width
    return {**row, "segments": segments}


def _by_file(problems: list[Problem]) -> list[dict[str, Any]]:
    files: OrderedDict[str, list[Problem]] = OrderedDict()
    for p in problems:
        files.setdefault(p.file, []).append(p)
    return [{"file": f, "problems": ps, "key": key_of(f)} for f, ps in files.items()]
