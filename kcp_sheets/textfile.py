"""The officer's own text files (review.yaml and the CSV lists) read within
bounds, whatever was saved: a size limit per file, the encoding from a
byte-order mark (Excel's "Unicode text" is UTF-16) or else UTF-8, then the
Windows code page Excel uses for CSV; a NUL or an encoding without its mark
named with its line; YAML whose aliases would expand past any real review
refused before it is built, and CSV fields and rows counted as they are read."""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

import yaml

from .problems import Line, ProblemError, problem


@dataclass(frozen=True)
class Limits:
    """How much of the officer's settings is read before it is refused: well
    above the largest review (docs/performance.md), so only a wrong file stops."""

    yaml_bytes: int = 16 * 1024 * 1024
    csv_bytes: int = 256 * 1024 * 1024
    yaml_nodes: int = 2_000_000  # values in review.yaml once its aliases are expanded
    rows: int = 500_000  # rows of one CSV list
    field: int = 32_767  # characters in one CSV field: Excel's limit for a cell


LIMITS = Limits()
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def read_text(path: Path, max_bytes: int) -> str:
    """A settings file's text, or a ProblemError saying what is wrong with the file as saved."""
    if not path.is_file():
        raise ProblemError([problem("settings-missing", path.name, what=f"{path.name} (in {path.parent})")])
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise _unreadable(
                path,
                (
                    f"it is {size / 1024 / 1024:,.1f} MB, more than the {max_bytes / 1024 / 1024:,.0f} MB a "
                    "review's settings can be"
                ),
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise _unreadable(path, exc.strerror or str(exc)) from None
    return decoded(path, raw)


def decoded(path: Path, raw: bytes) -> str:
    for bom, encoding in BOMS:
        if raw.startswith(bom):
            try:
                text = raw.decode(encoding)
            except UnicodeDecodeError as exc:
                raise _unreadable(
                    path, f"it says it is {encoding.upper().removesuffix('-SIG')} but byte {exc.start} is not"
                ) from None
            break
    else:
        if raw[:4096].count(b"\x00") > len(raw[:4096]) // 4:
            raise _unreadable(
                path,
                'it seems to be saved as UTF-16 ("Unicode text") without the mark that says so',
                fix="Save it again as CSV UTF-8 (Excel: File > Save As > CSV UTF-8), or as UTF-8 text.",
            )
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")  # Excel on Windows saves CSV in the Windows code page
    nul = text.find("\x00")
    if nul >= 0:
        raise _unreadable(
            path,
            "it holds a NUL character, which no spreadsheet or text editor writes",
            line=Line(text.count(chr(10), 0, nul) + 1),
            fix="Delete the line's odd character, or save the file again from Excel or a text editor.",
        )
    return text


def expanded_nodes(root: yaml.Node, limit: int) -> int:
    """How many values a YAML document holds once every alias is expanded,
    counted on the composed nodes (an alias is the same node again) without
    building anything; stops counting past `limit`."""
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if key in sizes and not children_done:
            continue
        children: list[yaml.Node] = []
        if isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        if children_done:
            sizes[key] = min(limit + 1, 1 + sum(sizes.get(id(c), 0) for c in children))
        else:
            sizes[key] = 0  # a node that holds itself counts nothing more the second time
            stack.append((node, True))
            stack += [(c, False) for c in children if id(c) not in sizes]
    return sizes[id(root)]


def _unreadable(path: Path, detail: str, line: Line | None = None, fix: str = "") -> ProblemError:
    if fix:
        return ProblemError(
            [
                problem(
                    "settings-invalid", path.name, line=line, detail=f"{path.name} cannot be read: {detail}.", fix=fix
                )
            ]
        )
    return ProblemError([problem("settings-unreadable", path.name, line=line, detail=detail)])
