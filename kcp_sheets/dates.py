"""A review's dates carried to another year: the same day of the year, or the
Friday before it where that falls at a weekend, since a deadline or a meeting
is never set for a Saturday or a Sunday."""

from __future__ import annotations

import datetime as dt


def years_on(when: dt.date, years: int) -> dt.date:
    """`when` moved by `years` (29 February to the 28th), off a weekend."""
    day = 28 if (when.month, when.day) == (2, 29) else when.day
    moved = when.replace(year=when.year + years, day=day)
    return moved - dt.timedelta(days=max(0, moved.weekday() - 4))  # Saturday 1 day back, Sunday 2
