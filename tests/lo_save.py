"""Save workbooks in other formats through LibreOffice, with a password to
open where asked, as a person would with File > Save As.

Run with the system Python that has Debian's python3-uno (not the project's
venv): `/usr/bin/python3 tests/lo_save.py jobs.json`. The file is a JSON list of
[source, target, filter, password or null]; filters are LibreOffice's names
("MS Excel 97", "MS Excel 95", "calc8", "Calc MS Excel 2007 XML").
"""

from __future__ import annotations

import json
import os
import sys

import uno  # type: ignore[import-not-found]
from lo_type import desktop, load, prop


def main(jobs_file: str) -> None:
    jobs = json.loads(open(jobs_file, encoding="utf-8").read())
    with desktop() as office:
        for source, target, filter_name, password in jobs:
            doc = load(office, source)
            args = [prop("FilterName", filter_name), prop("Overwrite", True)]
            if password:
                args.append(prop("Password", password))
            doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(target)), tuple(args))
            doc.close(True)


if __name__ == "__main__":
    main(sys.argv[1])
