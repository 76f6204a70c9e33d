"""Collecting the mistakes of review.yaml, each at the line of its setting."""

from __future__ import annotations

from pathlib import Path

from ..problems import Line, Problem, problem

Place = tuple[object, ...]  # a place in review.yaml: keys and list positions


class Checker:
    """Collects problems for one file, naming the line of the offending setting."""

    def __init__(self, path: Path, lines: dict[Place, int] | None = None) -> None:
        self.path = path
        self.lines = lines or {}
        self.problems: list[Problem] = []
        self.suggested: set[Place] = set()  # settings an unknown key was probably meant to be

    def at(self, *place: object) -> Line | None:
        """The line of the setting at `place`, or of the nearest setting that holds it."""
        while place:
            if place in self.lines:
                return Line(self.lines[place])
            place = place[:-1]
        return None

    def add(self, detail: str, fix: str, line: Line | None = None, row_id: str = "") -> None:
        self.problems.append(
            problem("settings-invalid", self.path.name, line=line, row_id=row_id, detail=detail, fix=fix)
        )

    def missing(self, *place: object) -> bool:
        """Whether a required setting is absent and no misspelt key already explains it."""
        return place not in self.suggested
