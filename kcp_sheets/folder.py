"""The review folder's layout and the bundled sample review."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import shutil
from pathlib import Path

from .dates import years_on
from .intake import EMAIL_SUFFIXES, OUTLOOK_SUFFIXES, SPREADSHEET_SUFFIXES
from .problems import ProblemError, problem
from .settings import ACTIONS_FILE, SETTINGS_FILE

SAMPLE = "kcp-2004"
INBOX, OUTBOX, OUTPUT = "inbox", "outbox", "output"


def safe_file_name(name: str) -> str:
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "-", name).strip(" .")


def samples_dir() -> Path:
    """samples/ as shipped in the wheel, or beside the source tree."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "samples", here.parent / "samples"):
        if (candidate / SAMPLE / SETTINGS_FILE).is_file():
            return candidate
    raise ProblemError(
        [problem("settings-missing", "samples", what="The bundled sample review (reinstall kcp-sheets)")]
    )


YEAR = re.compile(r"(?<!\d)(19[9]\d|20\d\d)(?!\d)")
YEAR_OR_DATE = re.compile(r"(?<!\d)(?:(?P<y>\d{4})-(?P<m>\d\d)-(?P<d>\d\d)|(?P<year>19[9]\d|20\d\d))(?!\d)")
SETTING_YEAR = re.compile(r"^year:\s*(\d{4})", re.MULTILINE)


def review_folder(folder: Path) -> Path:
    """FOLDER, if it is a review folder; else a ProblemError that says what it
    is instead and where the review folder may be."""
    if folder.is_dir() and (folder / SETTINGS_FILE).is_file():
        return folder
    if folder.is_file():
        raise ProblemError([problem("folder-is-file", "", path=str(folder))])
    if not folder.exists():
        parent = folder.parent if folder.parent.is_dir() else Path(".")
        names = [p.name for p in parent.iterdir() if p.is_dir()] if parent.is_dir() else []
        close = difflib.get_close_matches(folder.name, names, n=1, cutoff=0.6)
        hint = f" (did you mean {parent / close[0]}?)" if close else ""
        if folder.suffix.lower() in (*SPREADSHEET_SUFFIXES, *EMAIL_SUFFIXES, *OUTLOOK_SUFFIXES):
            raise ProblemError([problem("file-missing", "", path=str(folder), hint=hint)])
        raise ProblemError([problem("folder-missing", "", path=str(folder), hint=hint)])
    near = nearby_reviews(folder)
    hint = f"Did you mean {' or '.join(str(p) for p in near[:3])}? " if near else ""
    shown = f"The current folder ({folder.resolve()})" if folder == Path(".") else str(folder)
    raise ProblemError([problem("folder-not-review", "", path=shown, hint=hint)])


def nearby_reviews(folder: Path) -> list[Path]:
    """Review folders the officer may have meant: one holding FOLDER, or inside it."""
    found = [p for p in folder.resolve().parents if (p / SETTINGS_FILE).is_file()][:1]
    if found:
        return found
    try:
        return sorted(p for p in folder.iterdir() if p.is_dir() and (p / SETTINGS_FILE).is_file())
    except OSError:
        return []


def year_in_name(path: Path) -> int | None:
    """The year a folder's name gives, as in review-2005 or KCP 2005/06 (the first year)."""
    found = YEAR.findall(path.name)
    return int(found[0]) if found else None


def init_folder(target: Path, force: bool = False, year: int | None = None) -> Path:
    """A new review folder holding the bundled sample, with an empty inbox.

    The review is for `year`, else the year in the folder's name, else the
    sample's: its dates, earlier years and progress columns moved to match."""
    if year is not None and not 1990 <= year <= 2100:
        raise ProblemError(
            [
                problem(
                    "settings-invalid",
                    str(target),
                    detail=f"{year} is not a year a review can be for.",
                    fix="Give the review's year, such as --year 2005.",
                )
            ]
        )
    if (target / SETTINGS_FILE).exists() and not force:
        raise ProblemError(
            [
                problem(
                    "settings-invalid",
                    str(target),
                    detail=f"{target} already holds a review.",
                    fix="Choose another folder, or add --force to overwrite its settings with the sample's.",
                )
            ]
        )
    target.mkdir(parents=True, exist_ok=True)
    for item in sorted((samples_dir() / SAMPLE).iterdir()):
        if item.is_file():
            shutil.copyfile(item, target / item.name)
    for sub in (INBOX, OUTBOX, OUTPUT):
        (target / sub).mkdir(exist_ok=True)
    settings = (target / SETTINGS_FILE).read_text(encoding="utf-8")
    sample_year = int(SETTING_YEAR.search(settings).group(1))  # type: ignore[union-attr]
    year = year or year_in_name(target) or sample_year
    if year != sample_year:
        _move_years(target, year - sample_year)
    return target


def _move_years(folder: Path, by: int) -> None:
    """The sample's settings `by` years on: every year and date in a value (not in a comment)."""

    def later(match: re.Match[str]) -> str:
        if match.group("year"):
            return str(int(match.group("year")) + by)
        return years_on(dt.date(*(int(n) for n in match.group("y", "m", "d"))), by).isoformat()

    lines = []
    for line in (folder / SETTINGS_FILE).read_text(encoding="utf-8").splitlines():
        value, hash_, comment = line.partition("#")
        value = YEAR_OR_DATE.sub(later, value)
        lines.append(value + hash_ + comment)
    (folder / SETTINGS_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")
    actions = folder / ACTIONS_FILE
    header, _, rest = actions.read_text(encoding="utf-8-sig").partition("\n")
    header = re.sub(r"\b(progress|score)_(\d{4})\b", lambda m: f"{m.group(1)}_{int(m.group(2)) + by}", header)
    actions.write_text(header + "\n" + rest, encoding="utf-8-sig")
