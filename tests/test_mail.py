"""Draft e-mails parse back with the standard library to the right people,
subject and a byte-identical attachment."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

from kcp_sheets.generate import generate
from kcp_sheets.mail import write_drafts
from kcp_sheets.workbooks import planned_workbooks


def test_one_draft_per_cluster_with_its_workbook(review, tmp_path: Path) -> None:
    generate(review, tmp_path)
    drafts = write_drafts(review, planned_workbooks(review), tmp_path)
    assert len(drafts) == len(review.clusters)
    hw = next(p for p in drafts if "Health and well-being" in p.name)
    message = email.message_from_bytes(hw.read_bytes(), policy=email.policy.default)
    assert message["To"] == "Ruth Owen <ruth.owen@example.org>, Sam Okafor <sam.okafor@example.org>"
    assert "dr alan marsh" in message["Cc"].lower() and "helen.kay@rbkc.gov.uk" in message["Cc"]
    assert (
        message["Subject"].startswith("Health and well-being progress tracker 2004")
        and "Friday 23 April 2004" in message["Subject"]
    )
    assert message["X-Unsent"] == "1"
    text = message.get_body(("plain",)).get_content()
    assert "Dear Ruth Owen and Sam Okafor" in text and "Friday 16 April 2004" in text
    assert "<b>Health and well-being</b>" in message.get_body(("html",)).get_content()
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert attachment.get_content() == (tmp_path / "2004 Health and well-being - progress tracker.xlsx").read_bytes()


def test_drafts_are_the_same_bytes_every_time(review, tmp_path: Path) -> None:
    generate(review, tmp_path / "a")
    generate(review, tmp_path / "b")
    first = write_drafts(review, planned_workbooks(review), tmp_path / "a")
    second = write_drafts(review, planned_workbooks(review), tmp_path / "b")
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


def test_a_returned_draft_is_read_by_check(review, tmp_path: Path) -> None:
    from kcp_sheets.check import check_returns

    generate(review, tmp_path)
    drafts = write_drafts(review, planned_workbooks(review), tmp_path)
    [ret] = check_returns(review, [drafts[0]]).returns
    assert ret.cluster == "ET" and ret.source.sender.startswith("Helen Kay")
