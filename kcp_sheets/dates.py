"""A review's dates and times as the partnership reads them: times in UK
time, whatever zone an e-mail or a file gave them in; dates carried to
another year on the same day of the year, or the Friday before it where that
falls at a weekend, since a deadline or a meeting is never set for a Saturday
or a Sunday."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")  # a Local Strategic Partnership is English: GMT, BST in summer


def local(when: dt.datetime) -> dt.datetime:
    """`when` in UK time (a time with no zone taken as UTC, as a file's time is kept)."""
    return (when if when.tzinfo else when.replace(tzinfo=dt.UTC)).astimezone(UK)


def years_on(when: dt.date, years: int) -> dt.date:
    """`when` moved by `years` (29 February to the 28th), off a weekend."""
    day = 28 if (when.month, when.day) == (2, 29) else when.day
    moved = when.replace(year=when.year + years, day=day)
    return moved - dt.timedelta(days=max(0, moved.weekday() - 4))  # Saturday 1 day back, Sunday 2
