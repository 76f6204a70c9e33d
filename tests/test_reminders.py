"""The reminders as the officer and the co-ordinators meet them: only the
current set in outbox/reminders/, each naming the workbook as its senders
know it, and a return from outside the cluster never chased as the cluster's
mistake, on every surface alike."""

from __future__ import annotations

import email
import email.policy
import shutil
from email.message import EmailMessage
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from typer.testing import CliRunner

from kcp_sheets.cli import app
from kcp_sheets.demo import prepare_demo
from kcp_sheets.desk.app import create_app
from kcp_sheets.desk.guard import Keys
from kcp_sheets.mail import MARK

runner = CliRunner()
XLSX = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
STRANGER = "Joe Bloggs <joe.bloggs@gmail.com>"


def run(*args: str):  # noqa: ANN201
    return runner.invoke(app, list(args), catch_exceptions=False, env={"COLUMNS": "250"})


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("reminders") / "demo"
    prepare_demo(folder)
    return folder


@pytest.fixture()
def folder(demo: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(demo, tmp_path / "review-2004"))


def parse(path: Path) -> email.message.EmailMessage:
    return email.message_from_bytes(path.read_bytes(), policy=email.policy.default)  # type: ignore[return-value]


def emailed(workbook: Path, to: Path, sender: str, attached_as: str) -> Path:
    """`workbook` e-mailed by `sender` as `attached_as`, saved at `to`."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "Helen Kay <helen.kay@rbkc.gov.uk>"
    message["Subject"] = "Our return"
    message["Date"] = "Mon, 19 Apr 2004 10:00:00 +0000"
    message.set_content("Here it is.")
    message.add_attachment(workbook.read_bytes(), maintype=XLSX[0], subtype=XLSX[1], filename=attached_as)
    to.parent.mkdir(parents=True, exist_ok=True)
    to.write_bytes(bytes(message))
    return to


def desk_page(folder: Path, path: str) -> str:
    client = TestClient(create_app(folder, keys := Keys()), base_url="http://127.0.0.1:8040", follow_redirects=False)
    assert client.get(f"/?token={keys.token}").status_code == 303
    return client.get(path).text


def row_of(page: str, workbook: str) -> str:
    """One workbook's row of the desk's chase table."""
    return page[page.index(f"{workbook}</") :].split("</tr>")[0]


# Only the current set of reminders.


def test_a_second_remind_removes_its_own_reminders_no_longer_due_and_nothing_else(folder: Path, tmp_path: Path) -> None:
    reminders = folder / "outbox" / "reminders"
    aside = tmp_path / "aside"
    aside.mkdir()
    for name in ("HW return 2004.xlsx", "ET return 2004.eml"):
        (folder / "inbox" / name).rename(aside / name)
    first = run("remind", str(folder))
    assert "5 reminders written" in first.stdout, first.output
    hw = reminders / "2004 Health and well-being - reminder.eml"
    et = reminders / "2004 Environment and transport - reminder.eml"
    assert parse(hw)[MARK] and parse(et)[MARK]
    # one written before reminders carried their mark: known by its name and message ID
    et.write_bytes(b"".join(line for line in et.read_bytes().splitlines(True) if not line.startswith(MARK.encode())))
    assert parse(et)[MARK] is None
    theirs = {  # what a person put there stays, whatever it looks like
        "notes.txt": b"ring Hamid on Monday",
        "to Hamid.eml": b"From: Helen Kay <helen.kay@rbkc.gov.uk>\nSubject: LL\n\nHamid, a word about LL-02.\n",
        "2004 Homes and housing - reminder.eml": b"From: Helen Kay <helen.kay@rbkc.gov.uk>\nSubject: my own\n\nMine.\n",
    }
    for name, data in theirs.items():
        (reminders / name).write_bytes(data)
    for name in ("HW return 2004.xlsx", "ET return 2004.eml"):
        (aside / name).rename(folder / "inbox" / name)
    second = run("remind", str(folder))
    assert second.exit_code == 0, second.output
    assert "3 reminders written" in second.stdout
    said = " ".join(second.stdout.split())
    assert (
        "Removed 2 earlier reminders no longer due: 2004 Environment and transport - reminder.eml, "
        "2004 Health and well-being - reminder.eml." in said
    )
    assert sorted(p.name for p in reminders.iterdir()) == sorted(
        [
            "2004 Community development - reminder.eml",
            "2004 Learning and leisure - reminder.eml",
            "2004 Safe communities - reminder.eml",
            *theirs,
        ]
    )
    assert all((reminders / name).read_bytes() == data for name, data in theirs.items())
    downloads = desk_page(folder, "/downloads")
    assert "Health and well-being - reminder" not in downloads and "Learning and leisure - reminder" in downloads
    third = run("remind", str(folder))
    assert "Removed" not in third.stdout  # the same set again: nothing to take away


# A return from outside the cluster.


@pytest.fixture()
def stranger(folder: Path, tmp_path: Path) -> Path:
    """The WB return came only from Joe Bloggs, who is not in the cluster."""
    own = folder / "inbox" / "WB return 2004.xlsx"
    emailed(own, folder / "inbox" / "wb.eml", STRANGER, "WB return.xlsx")
    own.rename(tmp_path / own.name)
    (folder / "inbox" / "WB draft.xlsx").rename(tmp_path / "WB draft.xlsx")
    return folder


def test_a_return_from_outside_the_cluster_is_chased_as_their_own_not_yet_come(stranger: Path) -> None:
    folder = stranger
    [wb] = [line for line in run("status", str(folder)).stdout.splitlines() if line.startswith("WB ")]
    assert "(wb.eml > WB return.xlsx)" in wb  # the officer sees what came, and from where
    assert "Chase: sent from outside the cluster, late (due 16/04/2004)" in wb and "errors (due" not in wb
    overview = row_of(desk_page(folder, "/"), "WB Work and business")
    assert "<strong>sent from outside the cluster, late</strong>" in overview and "errors</strong>" not in overview
    assert run("remind", str(folder)).exit_code == 0
    message = parse(folder / "outbox/reminders/2004 Work and business - reminder.eml")
    assert message["Subject"] == "Work and business progress tracker 2004: not yet received"
    text = message.get_body(("plain",)).get_content()
    assert "have not yet received the Work and business cluster's progress tracker from you" in text
    for never in ("Thank you for your return", "correct", "joe.bloggs", "Joe Bloggs", "wb.eml"):
        assert never not in text, never
    [attached] = list(message.iter_attachments())  # the workbook as sent, never the stranger's
    blank = folder / "outbox" / "2004 Work and business - progress tracker.xlsx"
    assert attached.get_filename() == blank.name and attached.get_content() == blank.read_bytes()


def test_once_the_officer_takes_it_as_theirs_it_is_their_return(stranger: Path) -> None:
    folder = stranger
    assert run("remind", str(folder)).exit_code == 0
    accepted = run("accept", str(folder), "wb.eml > WB return.xlsx", "--note", "Joe is Maria's deputy")
    assert accepted.exit_code == 0, accepted.output
    [wb] = [line for line in run("status", str(folder)).stdout.splitlines() if line.startswith("WB ")]
    assert "accepted: Joe is Maria's deputy" in wb and "Chase" not in wb
    again = run("remind", str(folder))
    assert "Removed 1 earlier reminder no longer due: 2004 Work and business - reminder.eml." in " ".join(
        again.stdout.split()
    )


def test_rejecting_it_as_not_theirs_is_never_told_to_the_cluster(stranger: Path) -> None:
    folder = stranger
    reason = "Joe Bloggs is not known to the cluster"
    run("check", str(folder))  # recorded, to be decided on
    assert run("reject", str(folder), "wb.eml > WB return.xlsx", "--reason", reason).exit_code == 0
    [wb] = [line for line in run("status", str(folder)).stdout.splitlines() if line.startswith("WB ")]
    assert f"rejected: {reason}" in wb and "Chase: sent from outside the cluster" in wb
    assert run("remind", str(folder)).exit_code == 0
    message = parse(folder / "outbox/reminders/2004 Work and business - reminder.eml")
    text = message.get_body(("plain",)).get_content()
    assert reason not in text and "could not use it" not in text and "not yet received" in message["Subject"]
    [attached] = list(message.iter_attachments())
    assert attached.get_filename() == "2004 Work and business - progress tracker.xlsx"


# The workbook named as its senders know it.


def test_a_reminder_names_the_return_by_its_own_file_name_not_the_inbox_path(folder: Path) -> None:
    ll = folder / "inbox" / "LL return 2004.xlsx"
    emailed(ll, folder / "inbox" / "April" / "ll.eml", "Gillian Marsh <gillian.marsh@example.org>", "LL return.xlsx")
    ll.unlink()
    assert run("remind", str(folder)).exit_code == 0
    message = parse(folder / "outbox/reminders/2004 Learning and leisure - reminder.eml")
    text = message.get_body(("plain",)).get_content()
    assert "Thank you for your return (LL return.xlsx), received on Monday 19 April 2004." in text
    assert "ll.eml" not in text and "April/" not in text and " > " not in text
    assert "(LL return.xlsx)" in message.get_body(("html",)).get_content()
    [attached] = list(message.iter_attachments())
    assert attached.get_filename() == "LL return.xlsx"


def _states(folder: Path) -> dict[str, str]:
    """Each return's state as `returns` (the ledger) says it."""
    found = {}
    for line in run("returns", str(folder)).stdout.splitlines():
        if line.startswith("#") and ": " in line:
            name, rest = line.split(" ", 1)[1].split(": ", 1)
            found[name] = rest.split("; ")[1].split(":")[0]
    return found


def test_a_strangers_newer_copy_never_stands_over_the_clusters_own(folder: Path, tmp_path: Path) -> None:
    """The cluster's own return came, then a newer copy from someone outside it:
    the cluster's stands, used and chased as theirs; the stranger's is held aside,
    unmerged, until the officer takes it as theirs, when it stands as the newer,
    on every surface and in the ledger alike."""
    (folder / "inbox" / "WB draft.xlsx").rename(tmp_path / "WB draft.xlsx")
    later = tmp_path / "WB later.xlsx"
    shutil.copy(folder / "inbox" / "WB return 2004.xlsx", later)
    import openpyxl

    book = openpyxl.load_workbook(later)
    book["Progress Tracker"]["I5"] = "Progress as the stranger typed it"
    book.properties.modified = book.properties.modified.replace(month=4, day=28)
    book.save(later)
    stranger_mail = emailed(later, folder / "inbox" / "wb.eml", STRANGER, "WB return.xlsx")
    message = parse(stranger_mail)
    message.replace_header("Date", "Wed, 28 Apr 2004 10:00:00 +0000")
    stranger_mail.write_bytes(bytes(message))
    checked = run("check", str(folder)).stdout
    own = next(line for line in checked.splitlines() if "  WB return 2004.xlsx:" in line)
    held = next(line for line in checked.splitlines() if "  wb.eml > WB return.xlsx:" in line)
    assert own.endswith(", new") and held.endswith(", has problems"), (own, held)
    assert "held aside and not merged" in run("returns", str(folder), "wb.eml > WB return.xlsx").stdout
    [wb] = [line for line in run("status", str(folder)).stdout.splitlines() if line.startswith("WB ")]
    assert "(WB return 2004.xlsx)" in wb and "outside the cluster" not in wb
    assert _states(folder) == {
        **_states(folder),
        "WB return 2004.xlsx": "new",
        "wb.eml > WB return.xlsx": "has problems",
    }
    plan = run("consolidate", str(folder))
    assert plan.exit_code == 0
    [written] = (folder / "output").glob("*Improvement Action Plan.xlsx")
    typed = [c.value for ws in openpyxl.load_workbook(written).worksheets for r in ws.iter_rows() for c in r]
    assert "Progress as the stranger typed it" not in typed  # not merged while held aside
    accepted = run("accept", str(folder), "wb.eml > WB return.xlsx", "--note", "Joe is Maria's deputy")
    assert accepted.exit_code == 0 and accepted.stdout.strip().endswith("accepted.")
    assert _states(folder)["WB return 2004.xlsx"] == "superseded"  # the stranger's, taken as theirs, is the newer
    again = run("check", str(folder)).stdout
    assert next(line for line in again.splitlines() if "  WB return 2004.xlsx:" in line).endswith(
        ", superseded by wb.eml > WB return.xlsx"
    )
