"""Printed pages: how much of a sheet one A4 page holds, where each page starts,
and the group headings carried onto the pages a group continues on.

Print titles repeat a table's header row on every page, but a group's heading
("1. Strategic", "Environment and transport") is a row of the table, printed
once. A reader meeting a page that starts in the middle of a group would not
know whose rows they are, so the writer lays the rows out page by page here
and puts a heading marked "continued" at the top of each page a group runs
on to. LibreOffice and Excel lay rows out at the heights given, so the pages
are counted a little short and every break is set: no program adds its own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

A4_LANDSCAPE_WIDTH = 841.9  # points
A4_PORTRAIT_WIDTH = 595.3
MARGIN_TOP = 0.5  # inches
MARGIN_BOTTOM = 0.6
DEFAULT_ROW_HEIGHT = 15.0  # points: a row of 10 pt text given no height
MAX_ROW_HEIGHT = 409  # points: the tallest row Excel allows
LINE_HEIGHT = 13.0  # points: a line of 10 pt text
BOLD_CHAR = 6.2  # points: the width of a character of bold 10 pt header text, generously
TYPED = 1.1  # characters of typed (plain 10 pt) text to a unit of column width
GROUP_ROW_HEIGHT = 18.0  # a group's heading, in 11 pt bold
MARGIN_SIDE = 0.4  # inches, left and right
MARGIN_TOP_TITLED = 0.75  # inches: room above the body for a title carried in the page header
CONTINUED = " (continued)"
SHORT = 0.95  # of a page's height counted as room: breaks are set a little early, never late


def continued(title: str) -> str:
    """The heading of a group on a page after its first."""
    return f"{title}{CONTINUED}"


def group_title(text: str) -> str:
    """A group's title as written in a heading, on its first page or a later one."""
    return text.removesuffix(CONTINUED)


@dataclass(frozen=True)
class Line:
    """One row of a table to print: a group's heading, or a row of the group `group`."""

    height: float
    group: str = ""  # the title of the group the row belongs to ("" for none)
    heading: bool = False


@dataclass(frozen=True)
class Placed:
    """A line of the layout: a table's row (`index` into the lines given), or a
    continued heading (`index` -1, `title` the group's) put at a page's top."""

    index: int
    title: str = ""
    new_page: bool = False


def lay_out(lines: list[Line], room: float, header: float, above: float, continued_height: float) -> list[Placed]:
    """The rows in print order, each page's first marked, with a continued
    heading at the top of each page that starts inside a group. A group's
    heading is never left alone at a page's foot: it moves on with the group's
    first row. `above` is what the page holds above the first line (title and
    header), `header` the header row repeated on every later page."""
    placed: list[Placed] = []
    used, on_page = above, 0  # a page holds at least one row: never a page of a header, or a heading, alone
    for n, line in enumerate(lines):
        need = line.height + (lines[n + 1].height if line.heading and n + 1 < len(lines) else 0)
        if used + need > room and on_page:
            used, on_page = header, 0
            if line.group and not line.heading:
                placed.append(Placed(-1, continued(line.group), new_page=True))
                used += continued_height
                placed.append(Placed(n))
            else:
                placed.append(Placed(n, new_page=True))
        else:
            placed.append(Placed(n))
        used += line.height
        on_page += not line.heading
    return placed


def tail_together(
    lines: list[Line], tail: int, room: float, header: float, above: float, fewest: int = 5
) -> list[Placed]:
    """The rows in print order, the last `tail` of them (a tracker's spare rows, for
    new actions) starting a page of their own if laid out as they come they would
    leave fewer than `fewest` alone on the last page. Only that break is set: where
    the rows above break is left to the program, as they grow with what is typed.
    The program fills a page to its foot, so the page is measured both as `room`
    (counted short) and whole."""
    order = [Placed(n) for n in range(len(lines))]
    first = len(lines) - tail
    if tail <= 0 or first <= 0:
        return order
    for height in (room, room / SHORT):
        last_page = max(
            (n for n, place in enumerate(lay_out(lines, height, header, above, 0.0)) if place.new_page), default=0
        )
        if first < last_page and len(lines) - last_page < fewest:
            order[first] = Placed(first, new_page=True)
    return order


def page_room(scale: float, orientation: str, top: float = MARGIN_TOP) -> float:
    """The height one printed page holds, in the sheet's points (a little short),
    below a top margin of `top` inches."""
    paper = A4_PORTRAIT_WIDTH if orientation == "landscape" else A4_LANDSCAPE_WIDTH  # the page's height
    return (paper - 72 * (top + MARGIN_BOTTOM)) * SHORT / scale


def row_limit(room: float, above: float) -> float:
    """The tallest a table's row prints whole: the page `room` under what is printed
    `above` the rows (title and header), with room for a group's heading over it,
    and never taller than a row can be."""
    return min(MAX_ROW_HEIGHT, room - above - 2 * GROUP_ROW_HEIGHT)


def table_row_limit(
    widths: list[float], repeat: int, orientation: str, smallest: int, header: float, rows_above: int, title_rows: int
) -> float:
    """The tallest a row of a table with columns this wide prints whole, as the
    writer lays the table out: at the scale `print_fit` gives, under its header
    (`header` points) and the `rows_above` rows of the default height above it,
    of which the `title_rows` go into the page header when it prints across."""
    scale, breaks = print_fit(widths, repeat, orientation, smallest, MARGIN_SIDE)
    top, printed = (MARGIN_TOP_TITLED, rows_above - title_rows) if breaks else (MARGIN_TOP, rows_above)
    return row_limit(page_room(scale, orientation, top), header + DEFAULT_ROW_HEIGHT * max(0, printed))


def lines_that_fit(limit: float) -> int:
    """Lines of text a row no taller than `limit` shows (at least two)."""
    return max(2, int((limit - 2) // LINE_HEIGHT))


def prints_whole(text: str, width: float, most: int) -> bool:
    """Whether typed text shows whole in `most` lines of a column `width` wide.
    Cheap for most text: of two lines wrapped one after the other, the pair holds
    more than a line's worth, so a paragraph takes at most 2 * chars / line + 1 lines."""
    per_line = max(1.0, width * TYPED - 1)
    if 2 * len(text) / max(1.0, per_line - 1) + text.count("\n") + 1 <= most:
        return True
    return wrapped(text, per_line) <= most


def page_rows(scale: float, orientation: str) -> int:
    """Rows of the default height (20 pixels, 15 points) that one printed page holds."""
    return int(page_room(scale, orientation) / DEFAULT_ROW_HEIGHT)


def column_pixels(width: float) -> int:
    """A column's width on screen: Excel's width is in characters of the default
    font, 7 pixels each, plus 5 of padding."""
    return int(width * 7 + 0.5) + 5


def column_points(width: float) -> float:
    """A column's printed width in points at 100%, at 96 pixels an inch;
    LibreOffice prints the same column about 6% wider."""
    return column_pixels(width) * 0.75 * 1.06


def column_breaks(points: list[float], capacity: float, repeat: int) -> list[int]:
    """First column of each printed page after the first, filling pages in turn; the
    repeated columns take their room on every page after the first."""
    breaks: list[int] = []
    repeated = sum(points[:repeat])
    used = 0.0
    for col, width in enumerate(points):
        if used + width > capacity and col > (breaks[-1] if breaks else 0):
            breaks.append(col)
            used = repeated
        used += width
    return breaks


def wrapped(text: str, per_line: float) -> int:
    """Lines a text takes wrapped between words at `per_line` characters."""
    lines = 0
    for part in text.split("\n"):
        lines += 1
        used = 0.0
        for word in part.split():
            if used and used + 1 + len(word) > per_line:
                lines += 1
                used = 0.0
            if len(word) > per_line:  # a word wider than the column is broken where it must
                lines += math.ceil(len(word) / per_line) - 1
                used = len(word) % per_line
            else:
                used += (1 if used else 0) + len(word)
    return lines


def cut(text: str, per_line: float, most: int) -> tuple[str, str]:
    """A text cut between words into what fills `most` lines of `per_line` characters
    (ending ' …') and the rest (starting '… '), for a row that continues on the next."""
    words = text.split(" ")
    low, high = 1, len(words) - 1  # at least one word each side
    while low < high:  # the most words that fit
        mid = (low + high + 1) // 2
        if wrapped(" ".join(words[:mid]) + " …", per_line) <= most:
            low = mid
        else:
            high = mid - 1
    return " ".join(words[:low]) + " …", "… " + " ".join(words[low:])


def rejoined(head: str, tail: str) -> str:
    """A text cut over a row and its continuation, whole again."""
    if not tail:
        return head
    return f"{head.removesuffix(' …')} {tail.removeprefix('… ')}"


def header_height(cells: list[tuple[str, float]], turned: list[tuple[str, float]] = ()) -> float:  # type: ignore[assignment]
    """Height of a header row: each header wrapped at its words in its column; a
    turned header runs up the row in as many lines as its column has room for."""
    height = max((LINE_HEIGHT * lines(text, width) + 3 for text, width in cells), default=LINE_HEIGHT)
    for text, width in turned:
        across = max(1, int(column_points(width) // LINE_HEIGHT))  # lines of turned text the column holds
        word = max((len(w) for w in text.split()), default=1)  # no word is broken to make the row shorter
        longest = next(n for n in range(word, len(text) + 1) if wrapped(text, n) <= across or n == len(text))
        height = max(height, longest * BOLD_CHAR + 8)
    return min(MAX_ROW_HEIGHT, height)


def row_height(cells: list[tuple[str, float]]) -> float:
    """Height that shows every cell's text whole, wrapped between words."""
    return max((LINE_HEIGHT * lines(text, width, 1.1) + 2 for text, width in cells if text), default=LINE_HEIGHT + 2)


def lines(text: str, width: float, chars_per_width: float = 0.95) -> int:
    """Lines a text takes when wrapped between words in a column `width` wide
    (bold header text is wider than plain: fewer characters to a line)."""
    return wrapped(text, max(1.0, width * chars_per_width - 1))


WIDE = 1.3  # a capital, m or w, in widths of a digit


def longest_word(texts: list[str], whole: bool = False) -> float:
    """The column width (in characters of the default font) the longest word of
    `texts` needs to print unbroken: capitals and W/M are wider than a digit. A
    word may break after a hyphen, unless `whole` (an ID: 'HW-NEW-08')."""
    widest = 0.0
    for text in texts:
        words = text.split() if whole else text.replace("-", "- ").split()
        for word in sorted(words, key=len, reverse=True):
            if len(word) * WIDE <= widest:
                break  # no shorter word can be wider, even all capitals
            widest = max(widest, sum(WIDE if c.isupper() or c in "mw" else 1.0 for c in word))
    return widest + 1.5 if widest else 0.0


def print_fit(
    widths: list[float], repeat: int, orientation: str, smallest: int, side: float
) -> tuple[float, list[int]]:
    """The scale to print columns of these widths at, and the columns that start each
    page after the first (none: one page wide): one page wide if they fit at the
    smallest legible scale (`smallest` %), else the fewest pages across at the
    largest scale, the first `repeat` columns on each. `side` is each side margin, in inches."""
    paper = A4_LANDSCAPE_WIDTH if orientation == "landscape" else A4_PORTRAIT_WIDTH
    usable = (paper - 2 * 72 * side) * 0.98  # a little spare for rounding
    points = [column_points(w) for w in widths]
    if sum(points) <= usable:
        return 1.0, []
    if sum(points) * smallest / 100 <= usable:
        return usable / sum(points), []
    best: tuple[int, list[int]] | None = None
    for scale in range(100, smallest - 1, -1):
        breaks = column_breaks(points, usable * 100 / scale, repeat)
        if best is None or len(breaks) < len(best[1]):
            best = (scale, breaks)
    assert best is not None
    return best[0] / 100, best[1]


def after_size(text: str) -> str:
    """Text for a page header or footer, after a size code: '&' doubled, so
    nothing typed is read as a code, and a space before a leading digit, which
    would otherwise be read as more of the size."""
    text = text.replace("&", "&&")
    return f" {text}" if text[:1].isdigit() else text


def header_units(text: str) -> int:
    """A page header's length as Excel counts it (UTF-16 units): over its limit, no header is kept at all."""
    return len(text.encode("utf-16-le")) // 2
