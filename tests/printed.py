"""What a printed workbook looks like, measured from the PDF LibreOffice prints.

pdfminer gives each character's size as printed (the font size times the
page's scale), so "the smallest text on a page" is a number, not a guess.
Run as a script on PDFs to see the numbers: `python tests/printed.py *.pdf`.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from pdfminer.high_level import extract_pages
from pdfminer.layout import LTChar, LTPage, LTTextContainer, LTTextLine

FOOTER_BAND = 40.0  # points from the page's foot: the footer, which programs print unscaled


@dataclass(frozen=True)
class Page:
    number: int
    text: str
    smallest: float  # points, the smallest character of the page's body (0 if it has none)
    sizes: dict[str, float]  # each text line of the body and its smallest character
    lowest: str = ""  # the body's last line, just above the footer
    footer: str = ""  # the footer's text: the cluster, the sheet's name and the page number
    left: tuple[str, ...] = ()  # the body's lines that start at its left edge (the first column), top to bottom
    filled: float = 0.0  # how far down the page the body reaches, from 0 (top) to 1 (the footer)


def pages(pdf: Path) -> list[Page]:
    found = []
    for n, layout in enumerate(extract_pages(str(pdf)), start=1):
        sizes: dict[str, float] = {}
        body = [line for line in _lines(layout) if line.y0 >= FOOTER_BAND and line.get_text().strip()]
        lowest = min(body, key=lambda line: line.y0).get_text().strip() if body else ""
        for line in _lines(layout):
            if line.y0 < FOOTER_BAND:
                continue
            # Turned text (a narrow column's header) is measured as upright text is: by its height.
            chars = [c for c in line if isinstance(c, LTChar) and c.get_text().strip() and c.upright]
            if chars:
                text = line.get_text().strip()
                sizes[text] = min(sizes.get(text, 99.0), min(round(c.size, 2) for c in chars))
        text = "\n".join(line.get_text() for line in _lines(layout))
        footer = " ".join(
            line.get_text().strip()
            for line in sorted(_lines(layout), key=lambda line: line.x0)
            if line.y0 < FOOTER_BAND
        )
        edge = min((line.x0 for line in body), default=0.0)
        left = tuple(line.get_text().strip() for line in sorted(body, key=lambda line: -line.y1) if line.x0 < edge + 6)
        top = max((line.y1 for line in body), default=layout.height)
        filled = (top - min((line.y0 for line in body), default=top)) / max(1.0, top - FOOTER_BAND)
        found.append(Page(n, text, min(sizes.values(), default=0.0), sizes, lowest, footer, left, filled))
    return found


def _lines(layout: LTPage) -> list[LTTextLine]:
    lines: list[LTTextLine] = []
    stack = list(layout)
    while stack:
        item = stack.pop()
        if isinstance(item, LTTextLine):
            lines.append(item)
        elif isinstance(item, LTTextContainer) or hasattr(item, "__iter__"):
            stack.extend(item)
    return lines


if __name__ == "__main__":
    for name in sys.argv[1:]:
        found = pages(Path(name))
        body = [p.smallest for p in found if p.smallest]
        print(f"{min(body, default=0):5.1f} pt smallest, {len(found):3d} pages  {Path(name).name}")
        for p in found:
            small = sorted(p.sizes.items(), key=lambda kv: kv[1])[:1]
            print(
                f"      page {p.number}: {p.smallest:.1f}  {small[0][0][:60]!r}"
                if small
                else f"      page {p.number}: no text"
            )
