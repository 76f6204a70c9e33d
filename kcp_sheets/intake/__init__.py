"""What arrived: the files in the inbox and the workbooks inside saved
e-mails and .zip files, each as a Source to read.

`source` says what a return is and what names may be a workbook; `archives`
opens a .zip, `messages` an e-mail or an Outlook message; `inbox` lists the
inbox and gathers its files through them.
"""

from .archives import from_zip
from .inbox import Opener, gather, inbox_files, is_lock_file
from .messages import BOUNDED, HeaderTooLong, _outlook_attachments, from_email, from_outlook
from .source import (
    EMAIL_SUFFIXES,
    MAX_IN_CONTAINER,
    MAX_ZIP_ENTRIES,
    OUTLOOK_SUFFIXES,
    PLAIN_SUFFIXES,
    SNIFFED_SUFFIXES,
    SPREADSHEET_SUFFIXES,
    WORKBOOK_MAGIC,
    ZIP_SUFFIXES,
    Source,
)

__all__ = [
    "BOUNDED",
    "EMAIL_SUFFIXES",
    "MAX_IN_CONTAINER",
    "MAX_ZIP_ENTRIES",
    "OUTLOOK_SUFFIXES",
    "PLAIN_SUFFIXES",
    "SNIFFED_SUFFIXES",
    "SPREADSHEET_SUFFIXES",
    "WORKBOOK_MAGIC",
    "ZIP_SUFFIXES",
    "HeaderTooLong",
    "Opener",
    "Source",
    "_outlook_attachments",
    "from_email",
    "from_outlook",
    "from_zip",
    "gather",
    "inbox_files",
    "is_lock_file",
]
