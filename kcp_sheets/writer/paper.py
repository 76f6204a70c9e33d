"""A sheet on paper: A4 and its margins, the footer, the print scale and the
pages across, and the title carried in the page header when a sheet prints
several pages wide. The arithmetic of pages is `kcp_sheets.pages`; this
module sets what it finds on a worksheet."""

from __future__ import annotations

from .. import pages
from ..pages import MARGIN_BOTTOM, MARGIN_SIDE, MARGIN_TOP, MARGIN_TOP_TITLED
from ..spec import Sheet
from .growing import GrowingSheet
from .styles import Book

A4 = 9
HEADER_MARGIN = 0.3  # inches from the paper's top edge to the page header
HEADER_LIMIT = 255  # characters Excel allows in a page header, its codes included


def page_setup(book: Book, ws: GrowingSheet) -> None:
    """Page set-up shared by every sheet."""
    if book.spec.common.orientation == "landscape":
        ws.set_landscape()
    ws.set_paper(A4)
    ws.set_margins(left=MARGIN_SIDE, right=MARGIN_SIDE, top=MARGIN_TOP, bottom=MARGIN_BOTTOM)
    # &A, the sheet's name, so a loose page says where it belongs;
    # 9 pt, so a long partnership's name still fits beside it.
    ws.set_footer(f"&L&9{pages.after_size(book.spec.footer_name)}&R&9&A, page &P of &N")


def fit(book: Book, widths: list[float], repeat: int) -> tuple[float, list[int]]:
    """The print scale and the column breaks for columns of these widths."""
    common = book.spec.common
    return pages.print_fit(widths, repeat, common.orientation, common.smallest_print_scale, MARGIN_SIDE)


def print_columns(book: Book, ws: GrowingSheet, widths: list[float], repeat: int) -> float:
    """Print at a scale that keeps text legible: one page wide if the columns fit at
    the smallest legible scale, else several pages wide at the largest scale that
    needs the fewest pages, with the first `repeat` columns (the row's ID) on each."""
    scale, breaks = fit(book, widths, repeat)
    if not breaks and scale < 1:
        ws.fit_to_pages(1, 0)
    elif breaks:
        ws.set_print_scale(round(scale * 100))
        ws.set_v_pagebreaks(breaks)
        ws.print_across()  # the pages of the same rows follow each other
        ws.repeat_columns(0, repeat - 1)
    return scale


def title(book: Book, ws: GrowingSheet, sheet: Sheet) -> None:
    """The sheet's title and subtitle, in their cells."""
    (title_row, title_col), (sub_row, sub_col) = sheet.title_cells
    ws.write_string(title_row, title_col, sheet.title, book.formats["title"])
    if sheet.subtitle:
        ws.write_string(sub_row, sub_col, sheet.subtitle, book.formats["subtitle"])


def title_when_across(ws: GrowingSheet, sheet: Sheet) -> int:
    """The first row to print. A sheet printed over several pages across
    would show its title cut off at the repeated columns' edge on all but
    the first, and a form whose table starts a page of its own would show
    it on the first alone: there every page's header carries the title (at
    its own size: a page header is not scaled), and the title's rows are not
    printed. A subtitle too long for Excel's limit on a header keeps its
    row, and prints as it did."""
    if not ws.vbreaks and not (sheet.kind == "form" and ws.hbreaks):
        return 0
    (title_row, _), (subtitle_row, _) = sheet.title_cells
    heading = f'&L&"-,Bold"&12{pages.after_size(sheet.title)}'
    subtitle = f'  &"-,Italic"&9{pages.after_size(sheet.subtitle)}' if sheet.subtitle else ""
    for header, first in ((heading + subtitle, max(title_row, subtitle_row) + 1), (heading, subtitle_row)):
        if pages.header_units(header) <= HEADER_LIMIT:
            ws.set_header(header, {"margin": HEADER_MARGIN})
            ws.set_margins(left=MARGIN_SIDE, right=MARGIN_SIDE, top=MARGIN_TOP_TITLED, bottom=MARGIN_BOTTOM)
            return first
    return 0  # a title too long for any header: printed in its row, as it was
