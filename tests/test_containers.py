"""Returns one level inside something else, as they arrive: a .zip in the
inbox, a .zip attached to an e-mail, an e-mail forwarded as an attachment of
another. Each workbook found is read and named "inside" its container; a
container holding no workbook says what it does hold; nothing is opened
deeper than one level, and a .zip gives at most its first workbooks."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

from corpus import package

from kcp_sheets.check import check_returns
from kcp_sheets.fill import fill_workbook
from kcp_sheets.intake import MAX_IN_CONTAINER, gather


def a_return(plans, outbox: Path, tmp_path: Path, label: str = "ET") -> bytes:
    plan = plans[label]
    return fill_workbook(
        plan,
        outbox / plan.file_name,
        tmp_path / f"{label}.xlsx",
        {"Progress Tracker": {f"{label}-01": {"coordinator_score": 4}}},
    ).read_bytes()


def mail(sender: str, date: str, attachments: dict[str, bytes]) -> bytes:
    message = EmailMessage()
    message["From"], message["Date"], message["Subject"] = sender, date, "Our return"
    message.set_content("Attached.")
    for name, data in attachments.items():
        message.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    return bytes(message)


def test_a_zip_in_the_inbox_is_opened_and_its_return_read(review, plans, outbox: Path, tmp_path: Path) -> None:
    path = tmp_path / "returns.zip"
    path.write_bytes(package({"ET return.xlsx": a_return(plans, outbox, tmp_path), "minutes.pdf": b"%PDF-1.4"}))
    [ret] = check_returns(review, [path]).returns
    assert ret.source.name == "returns.zip > ET return.xlsx" and ret.cluster == "ET"
    assert {r.id: r.values["coordinator_score"] for r in ret.rows["Progress Tracker"]}["ET-01"] == 4


def test_an_email_forwarded_as_an_attachment_and_a_zip_attached_are_read_with_their_senders(
    review, plans, outbox: Path, tmp_path: Path
) -> None:
    inner = mail(
        "ruth.owen@example.org", "Mon, 19 Apr 2004 10:00:00 +0100", {"ET.xlsx": a_return(plans, outbox, tmp_path)}
    )
    outer = mail(
        "chair@example.org",
        "Tue, 20 Apr 2004 10:00:00 +0100",
        {"Our return.eml": inner, "HW.zip": package({"HW.xlsx": a_return(plans, outbox, tmp_path, "HW")})},
    )
    path = tmp_path / "forwarded.eml"
    path.write_bytes(outer)
    found = {r.source.name: r for r in check_returns(review, [path]).returns}
    et, hw = found["forwarded.eml > Our return.eml > ET.xlsx"], found["forwarded.eml > HW.zip > HW.xlsx"]
    assert (et.cluster, et.source.sender, f"{et.source.received:%d/%m}") == (
        "ET",
        "ruth.owen@example.org",
        "19/04",
    )  # the forwarded e-mail's own
    assert (hw.cluster, hw.source.sender, f"{hw.source.received:%d/%m}") == ("HW", "chair@example.org", "20/04")


def test_a_zip_with_no_workbook_says_what_it_holds_and_deeper_containers_are_not_opened(tmp_path: Path) -> None:
    path = tmp_path / "scans.zip"
    path.write_bytes(package({"scan1.pdf": b"%PDF", "inner.zip": package({"ET.xlsx": b"PK"})}))
    sources, problems = gather([path], 10**7)
    assert sources == [] and [p.code for p in problems] == ["file-not-spreadsheet"]
    assert "scan1.pdf" in problems[0].message and "inner.zip" in problems[0].message


def test_a_zip_gives_at_most_its_first_workbooks(tmp_path: Path) -> None:
    path = tmp_path / "many.zip"
    path.write_bytes(package({f"{n:03d}.xlsx": b"PK\x03\x04" for n in range(MAX_IN_CONTAINER + 5)}))
    sources, problems = gather([path], 10**7)
    assert len(sources) == MAX_IN_CONTAINER and len(problems) == 5


def test_a_damaged_zip_says_so_in_plain_words(tmp_path: Path) -> None:
    path = tmp_path / "returns.zip"
    path.write_bytes(package({"ET.xlsx": b"PK" * 500})[:-30])  # its closing directory cut off
    sources, [found] = gather([path], 10**7)
    assert sources == [] and found.code == "container-damaged"
    assert found.message == "The .zip file is damaged or cut short, so nothing inside it could be read."


def test_a_zip_in_an_undated_email_is_undated_too(review, plans, outbox: Path, tmp_path: Path) -> None:
    """Its returns say the e-mail had no date rather than passing
    the time it was first checked off as when it was sent."""
    message = EmailMessage()
    message["From"], message["Subject"] = "ruth.owen@example.org", "Our return"
    message.set_content("Attached.")
    message.add_attachment(
        package({"ET.xlsx": a_return(plans, outbox, tmp_path)}),
        maintype="application",
        subtype="zip",
        filename="ET.zip",
    )
    path = tmp_path / "undated.eml"
    path.write_bytes(bytes(message))
    [ret] = check_returns(review, [path]).returns
    assert ret.source.undated and "email-undated" in {p.code for p in ret.problems}


def test_an_email_s_body_text_attachment_is_not_taken_for_a_return_but_a_sheet_saved_as_xml_is(
    review, plans, outbox: Path, tmp_path: Path
) -> None:
    """Mail programs attach the body as ATT00001.txt; an Excel 2003 XML return is an .xml like any other."""
    saved = (Path(__file__).parent / "saved_by" / "hh-return-as-excel-2003-xml.xml").read_bytes()
    path = tmp_path / "two.eml"
    path.write_bytes(
        mail(
            review.officer.email,  # forwarded by the officer: neither cluster's return is from a stranger
            "Mon, 19 Apr 2004 10:00:00 +0100",
            {
                "ET.xlsx": a_return(plans, outbox, tmp_path),
                "ATT00001.txt": b"Please find our return attached.\r\n",
                "HH.xml": saved,
            },
        )
    )
    result = check_returns(review, [path])
    assert sorted(r.source.name for r in result.returns) == ["two.eml > ET.xlsx", "two.eml > HH.xml"]
    assert not [p for p in result.all_problems() if p.severity == "error"]


def test_a_numbers_document_saved_as_a_folder_is_one_line_naming_it(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    bundle = inbox / "HH return.numbers"
    (bundle / "Index").mkdir(parents=True)
    (bundle / "Index" / "Document.iwa").write_bytes(b"\x00\x01")
    (bundle / "preview.jpg").write_bytes(b"\xff\xd8")
    from kcp_sheets.intake import inbox_files

    sources, problems = gather(inbox_files(inbox), 10**7, inbox)
    assert sources == [] and [(p.code, p.file) for p in problems] == [("file-other-format", "HH return.numbers")]
    assert "Apple Numbers" in problems[0].message and "Export To > Excel" in problems[0].ask
