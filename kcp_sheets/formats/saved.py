"""When a spreadsheet program last saved a workbook, from its own properties."""

from __future__ import annotations

import datetime as dt
import io
import xml.etree.ElementTree as ET  # a part of a few hundred bytes, from a file that passed `inspect`
import zipfile

from .zipsafe import ZIP_ERRORS


def saved_at(data: bytes, archive: zipfile.ZipFile | None = None) -> dt.datetime | None:
    """When the spreadsheet program last saved the workbook, from its own
    properties (docProps/core.xml, or meta.xml in .ods); None if not said.
    `archive`: the package of `data` opened already, if it was."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data)) if archive is None else archive
        names = set(archive.namelist())
        part, tag = (
            ("docProps/core.xml", "{http://purl.org/dc/terms/}modified")
            if "docProps/core.xml" in names
            else ("meta.xml", "{http://purl.org/dc/elements/1.1/}date")
        )
        if part not in names or archive.getinfo(part).file_size > 1024 * 1024:  # properties are a few hundred bytes
            return None
        found = ET.fromstring(archive.read(part)).find(f".//{tag}")
    except (*ZIP_ERRORS, ET.ParseError):
        return None
    if found is None or not found.text:
        return None
    try:
        when = dt.datetime.fromisoformat(found.text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return (when if when.tzinfo else when.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)
