"""Type into a workbook in LibreOffice, as a person would, and save it.

Run with the system Python that has Debian's python3-uno (not the project's
venv): `/usr/bin/python3 tests/lo_type.py IN.xlsx OUT_BASE plan.json`. The plan
is a JSON list of [sheet, cell, value] entries; each value is typed into the
cell through LibreOffice's own API (a string is typed as text, a number as a
number). An entry may instead be an edit a person makes with the menus:
{"do": "unprotect", "sheet"}, {"do": "sort", "sheet", "range", "by" (a column
of the range, 0-based), "descending"}, {"do": "insert_columns", "sheet",
"before" (0-based), "count"}, {"do": "move", "sheet", "from", "to"} (cut and
paste) or {"do": "formula", "sheet", "cell", "formula"}. Formulas are recalculated, then the document is saved as
OUT_BASE.xlsx, .ods and .xls.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]
from com.sun.star.connection import NoConnectException  # type: ignore[import-not-found]

FILTERS = {"xlsx": "Calc MS Excel 2007 XML", "ods": "calc8", "xls": "MS Excel 97"}


def prop(name: str, value: object) -> PropertyValue:
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


@contextlib.contextmanager
def desktop() -> Iterator[object]:
    """A headless LibreOffice of our own (its own profile), reached through UNO."""
    pipe = f"kcp{os.getpid()}"
    profile = tempfile.mkdtemp(prefix="kcp-lo-")
    office = subprocess.Popen(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            f"--accept=pipe,name={pipe};urp;",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        resolver = uno.getComponentContext().ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", uno.getComponentContext()
        )
        for _ in range(120):
            try:
                context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except NoConnectException:
                time.sleep(0.5)
        else:
            raise SystemExit("LibreOffice did not start")
        yield context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
    finally:
        office.terminate()
        try:
            office.wait(timeout=20)
        except subprocess.TimeoutExpired:
            office.kill()


def load(office: object, path: str) -> object:
    return office.loadComponentFromURL(
        uno.systemPathToFileUrl(os.path.abspath(path)), "_blank", 0, (prop("Hidden", True),)
    )


def main(source: str, out_base: str, plan_file: str) -> None:
    plan = json.loads(open(plan_file, encoding="utf-8").read())
    with desktop() as office:
        doc = load(office, source)
        for entry in plan:
            if isinstance(entry, dict):
                edit(doc, entry)
                continue
            sheet_name, cell_name, value = entry
            cell = doc.Sheets.getByName(sheet_name).getCellRangeByName(cell_name)
            if isinstance(value, (int, float)):
                cell.setValue(value)
            else:
                cell.setString(value)
        doc.calculateAll()
        for ext, filter_name in FILTERS.items():
            doc.storeToURL(
                uno.systemPathToFileUrl(os.path.abspath(f"{out_base}.{ext}")),
                (prop("FilterName", filter_name), prop("Overwrite", True)),
            )
        doc.close(True)


def edit(doc: object, entry: dict) -> None:
    """One edit made with the menus rather than by typing."""
    from com.sun.star.table import TableSortField  # type: ignore[import-not-found]

    sheet = doc.Sheets.getByName(entry["sheet"])
    if entry["do"] == "unprotect":
        sheet.unprotect(entry.get("password", ""))
    elif entry["do"] == "sort":
        field = TableSortField()
        field.Field, field.IsAscending = entry["by"], not entry.get("descending", False)
        target = sheet.getCellRangeByName(entry["range"])
        order = (
            prop("SortFields", uno.Any("[]com.sun.star.table.TableSortField", (field,))),
            prop("ContainsHeader", False),
        )
        uno.invoke(target, "sort", (order,))
    elif entry["do"] == "formula":
        sheet.getCellRangeByName(entry["cell"]).setFormula(entry["formula"])
    elif entry["do"] == "insert_columns":
        sheet.Columns.insertByIndex(entry["before"], entry.get("count", 1))
    elif entry["do"] == "move":
        source = sheet.getCellRangeByName(entry["from"]).RangeAddress
        sheet.moveRange(sheet.getCellRangeByName(entry["to"]).CellAddress, source)
    else:
        raise SystemExit(f"unknown edit {entry['do']}")


if __name__ == "__main__":
    main(*sys.argv[1:4])
