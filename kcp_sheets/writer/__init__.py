"""The writer: a resolved spec plus its content, rendered as an .xlsx file.

Every position comes from the spec; every string is written as a string, so
text that looks like a formula or a link stays text. The file is written to
a temporary name and moved into place, so an interrupted run leaves nothing
half-written, and document dates come from the review so the same inputs give
the same bytes.

One module per part of a workbook: `book` (the file, its properties, each
sheet in turn), `instructions`, `table_sheet`, `form`, `summary`,
`identity`; beneath them `paper` (page set-up and print scale on a sheet),
`cells` (values, headers, rows and their drop-downs), `styles` (the
workbook's formats) and `growing` (rows given a height that still grow).
"""

from .book import STREAM_FROM_ROWS, write_aside, write_workbook

__all__ = ["STREAM_FROM_ROWS", "write_aside", "write_workbook"]
