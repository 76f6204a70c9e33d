"""The time limit on one read: it stops a read that runs away and leaves the
process's alarm as it found it."""

from __future__ import annotations

import signal
import time

import pytest

from kcp_sheets import deadline


def test_the_alarm_is_put_back_as_it_was() -> None:
    before = signal.getsignal(signal.SIGALRM)
    with deadline.within(5):
        assert signal.getitimer(signal.ITIMER_REAL)[0] > 0
    assert signal.getsignal(signal.SIGALRM) is before and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_a_read_stopped_leaves_no_alarm_behind() -> None:
    before = signal.getsignal(signal.SIGALRM)
    with pytest.raises(deadline.ReadTooLong), deadline.within(0.2):
        time.sleep(10)  # stopped: without the alarm it would end without raising
    assert signal.getsignal(signal.SIGALRM) is before and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_an_outer_limit_still_holds_after_an_inner_one() -> None:
    with pytest.raises(deadline.ReadTooLong), deadline.within(0.3):
        with deadline.within(10):
            pass
        time.sleep(10)  # the outer limit stops it


def test_no_step_can_swallow_it() -> None:
    """Libraries catch Exception in many places; the limit is not one."""
    assert not issubclass(deadline.ReadTooLong, Exception)
