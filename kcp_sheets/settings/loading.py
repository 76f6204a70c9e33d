"""Reading a review folder: review.yaml parsed once (its nodes give the line
of every setting, then the values), checked against the schema, then the CSV
lists; every mistake reported at once, in file and line order."""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from .. import kept
from ..bulk import building
from ..problems import Line, Problem, ProblemError, problem
from ..textfile import LIMITS, Limits, expanded_nodes, read_text
from .checker import Checker, Place
from .lists import accreditation, actions, criteria
from .model import ACCREDITATION_FILE, ACTIONS_FILE, CRITERIA_FILE, FILES, SETTINGS_FILE, Review
from .schema import SCHEMA, Key, read_settings


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe YAML, parsed by libyaml where PyYAML has it, in which an
    impossible date (2004-13-45) stays text, so it is reported with its line
    like any other bad date instead of stopping the read."""

    def construct_yaml_timestamp(self, node: yaml.Node) -> object:  # type: ignore[override]
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


def load_review(folder: Path, limits: Limits = LIMITS, keep: bool = False, read_only: bool = False) -> Review:
    """Read and check a review folder; raise ProblemError listing every mistake.

    With `keep` (the commands), settings checked before from the very same
    files are taken as they were kept (`kept.py`), and settings checked now
    are kept, unless `read_only` (the desk's pages, which write nothing): a
    national master list of 200,000 actions is parsed once, not at every
    command or page. Settings with mistakes are never kept."""
    folder = Path(folder)
    digest = _files_digest(folder, limits) if keep else ""
    if digest:
        with building():
            found = kept.get(folder, "settings", digest)
        if isinstance(found, Review):
            return replace(found, folder=folder, digest=digest)
    with building():
        review = _load_review(folder, limits)
    if digest and digest == _files_digest(folder, limits):  # not changed while it was read
        if not read_only:
            kept.put(folder, "settings", digest, replace(review, folder=Path()))
        return replace(review, digest=digest)
    return review


def _files_digest(folder: Path, limits: Limits) -> str:
    """Everything a review's settings are built from: its files, the limits, the
    code; "" (nothing kept) if a file is past what the settings can be."""
    digest = hashlib.sha256(f"{kept.code_digest()}\x1e{limits!r}".encode())
    for name in FILES:
        path = folder / name
        try:
            if path.stat().st_size > max(limits.yaml_bytes, limits.csv_bytes):
                return ""
            data = path.read_bytes()
            digest.update(f"\x1e{name}\x1f{len(data)}\x1f".encode())
            digest.update(data)
        except OSError:
            digest.update(f"\x1e{name}\x1fnot read".encode())
    return digest.hexdigest()


def _load_review(folder: Path, limits: Limits) -> Review:
    settings_path = folder / SETTINGS_FILE
    if not folder.is_dir():
        raise ProblemError([problem("settings-missing", str(folder), what=f"The review folder {folder}")])
    root, data = _parsed(read_text(settings_path, limits.yaml_bytes), limits)
    check = Checker(settings_path)
    if root is not None:
        _node_lines(root, check, SCHEMA)
    fields = read_settings(data, check)
    codes = {c.code for c in fields["clusters"]}
    listed, action_problems = actions(folder / ACTIONS_FILE, codes, fields["earlier_years"], limits)
    subcriteria, criteria_problems = criteria(folder / CRITERIA_FILE, limits)
    names = list(dict.fromkeys(s.criterion for s in subcriteria))
    plan, accreditation_problems = accreditation(folder / ACCREDITATION_FILE, set(names), limits)
    _criteria_named(fields, names, check)
    problems = check.problems + action_problems + criteria_problems + accreditation_problems
    for code in sorted(codes - {a.cluster for a in listed}):
        if not action_problems:
            problems.append(
                problem(
                    "settings-invalid",
                    ACTIONS_FILE,
                    detail=f"Cluster {code} has no actions.",
                    fix=f"Add the {code} actions to {ACTIONS_FILE}, or remove the cluster from {SETTINGS_FILE}.",
                )
            )
    if problems:
        raise ProblemError(sorted(problems, key=_by_file_and_line))
    return Review(
        folder=folder, actions=tuple(listed), criteria=tuple(subcriteria), accreditation=tuple(plan), **fields
    )


def _parsed(text: str, limits: Limits) -> tuple[yaml.Node | None, dict[str, Any]]:
    """review.yaml's nodes (for the lines) and its values, or the problem that stops the read."""
    try:
        loader = _Loader(text)
        try:
            root = loader.get_single_node()
            if root is not None and expanded_nodes(root, limits.yaml_nodes) > limits.yaml_nodes:
                raise ProblemError(
                    [
                        problem(
                            "settings-invalid",
                            SETTINGS_FILE,
                            detail=(
                                f"Its YAML aliases (*name) expand to more than {limits.yaml_nodes:,} values, "
                                "far more than any review has."
                            ),
                            fix=(
                                "Write each setting out in full: a review's settings need no anchors (&name) or "
                                "aliases (*name)."
                            ),
                        )
                    ]
                )
            data = (loader.construct_document(root) if root is not None else None) or {}
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark else None
        detail = in_plain_words(str(getattr(exc, "problem", None) or exc))
        opened = _quote_left_open(text, line or text.count("\n") + 1)
        if opened:  # a quote left open runs on over the lines after it: the mistake is where it opens
            line, detail = opened, "a quotation mark is opened and never closed"
        raise ProblemError(
            [problem("settings-unreadable", SETTINGS_FILE, line=Line(line) if line else None, detail=detail)]
        ) from None
    if not isinstance(data, dict):
        raise ProblemError(
            [
                problem(
                    "settings-unreadable",
                    SETTINGS_FILE,
                    line=Line(1),
                    detail="it is not a list of 'name: value' settings",
                )
            ]
        )
    return root, data


def _criteria_named(fields: dict[str, Any], names: list[str], check: Checker) -> None:
    """The criteria review.yaml names must be those of the health criteria's list."""
    for index, name in enumerate(fields["in_depth_this_year"]):
        if names and name not in names:
            check.add(
                f"'{name}' in in_depth_this_year is not a criterion of {CRITERIA_FILE}.",
                f"Use one of: {', '.join(names)}.",
                check.at("in_depth_this_year", index),
            )
    for name in fields["last_in_depth"]:
        if names and name not in names:
            check.add(
                f"'{name}' in last_in_depth is not a criterion of {CRITERIA_FILE}.",
                f"Use one of: {', '.join(names)}.",
                check.at("last_in_depth", name),
            )


def _node_lines(
    node: yaml.Node,
    check: Checker,
    schema: dict[str, Key] | None,
    place: Place = (),
    items: dict[str, Key] | None = None,
) -> None:
    """Record the line of every setting, and report unknown and repeated keys."""
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
            line = key_node.start_mark.line + 1
            here = (*place, key)
            check.lines.setdefault(here, line)
            if key in seen:
                check.add(
                    f"'{key}' is set twice (lines {seen[key]} and {line}); only one can count.",
                    f"Keep one '{key}:' line.",
                    Line(line),
                )
            seen[key] = line
            known = schema.get(key) if schema is not None else None
            if schema is not None and known is None:
                check.add(
                    f"'{key}' is not a setting {_of(place)}, so it would be ignored.",
                    _unknown_key_fix(key, schema, place, check),
                    Line(line),
                )
                continue
            _node_lines(value_node, check, known.keys if known else None, here, known.items if known else None)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            check.lines.setdefault((*place, index), item.start_mark.line + 1)
            _node_lines(item, check, items, (*place, index))


def _unknown_key_fix(key: str, schema: dict[str, Key], place: Place, check: Checker) -> str:
    """The setting a key not in the schema was probably meant to be, remembered so its absence is not reported too."""
    close = difflib.get_close_matches(key, list(schema), n=1, cutoff=0.6)
    if close:
        check.suggested.add((*place, close[0]))
        return f"Did you mean `{close[0]}`? Correct the name."
    return f"Use one of: {', '.join(schema)}."


def _of(place: Place) -> str:
    names = [str(p) for p in place if isinstance(p, str)]
    return f"under {names[-1]}:" if names else f"of {SETTINGS_FILE}"


def _by_file_and_line(p: Problem) -> tuple[int, str, int]:
    return (FILES.index(p.file) if p.file in FILES else len(FILES), p.file, p.line.number if p.line else 0)


# What YAML's reader says when it stops, in words for someone editing settings by hand.
PLAIN_WORDS = {
    "did not find expected '-' indicator": "a line is indented more or less than the lines around it",
    "did not find expected key": "a line is indented more or less than the lines around it",
    "did not find expected node content": "a setting has no value where one is expected",
    "did not find expected ',' or ']'": "a list opened with [ is not closed with ]",
    "did not find expected ',' or '}'": "a {...} is not closed with }",
    "expected ',' or '}'": "a {...} is not closed with }",
    "expected ',' or ']'": "a list opened with [ is not closed with ]",
    "expected <block end>": "a line is indented more or less than the lines around it",
    "mapping values are not allowed here": (
        "a colon is where a value should be (put a value that holds a colon in quotes)"
    ),
    "could not find expected ':'": "a line has no colon between the setting's name and its value",
    "found character '\\t' that cannot start any token": "a line is indented with a tab; indent with spaces",
    "found a tab character that violates indentation": "a line is indented with a tab; indent with spaces",
    "found a tab character where an indentation space is expected": (
        "a line is indented with a tab; indent with spaces"
    ),
    "found unexpected end of stream": "a quotation mark is opened and never closed",
    "found unknown escape character": 'a backslash inside "double quotes" (use single quotes around it)',
    "found undefined alias": "a *name refers to no &name",
}


def _quote_left_open(text: str, upto: int) -> int | None:
    """The first line up to `upto` (1-based) whose value opens a quotation mark
    it does not close: a value that starts with a quote and has no closing one."""
    for number, line in enumerate(text.splitlines()[:upto], start=1):
        _, colon, value = line.partition(": ")
        value = (value if colon else line.lstrip().removeprefix("- ")).strip()
        for quote in "\"'":
            if value.startswith(quote) and value.count(quote) - value.count("\\" + quote) < 2:
                return number
    return None


def in_plain_words(said: str) -> str:
    """The reason the settings could not be read, in plain words where the reader's own are jargon."""
    for words, plain in PLAIN_WORDS.items():
        if said.startswith(words):
            return plain
    return f"it is not written as settings are (the reader stopped with: {said})"
