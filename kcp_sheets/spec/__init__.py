"""The spec: what a workbook is, read from workbook_templates/.

Every sheet, column, header, width, kind of cell and position is declared in
a template file: `layout` is what a workbook's layout holds and answers about
it (and the layout for one workbook, its placeholders filled), `loading`
reads and checks the template files. A cell's name in A1 notation is
`cellref`'s, named here too for the modules that place cells by the spec.
"""

from ..cellref import a1, cell_name, column_letter
from .layout import (
    CELL_KINDS,
    FLAG_CHOICES,
    INPUT_KINDS,
    SCALES,
    Block,
    CellKind,
    Chart,
    Column,
    Common,
    FormField,
    Paragraph,
    Sheet,
    Table,
    WorkbookSpec,
)
from .loading import load_common, load_spec, templates_dir

__all__ = [
    "CELL_KINDS",
    "FLAG_CHOICES",
    "INPUT_KINDS",
    "SCALES",
    "Block",
    "CellKind",
    "Chart",
    "Column",
    "Common",
    "FormField",
    "Paragraph",
    "Sheet",
    "Table",
    "WorkbookSpec",
    "a1",
    "cell_name",
    "column_letter",
    "load_common",
    "load_spec",
    "templates_dir",
]
