"""Reads kept between commands: a return read once is not read again while
nothing it depends on has changed, and the kept read says exactly what a new
read would. Anything that could change a read (its bytes, the workbooks sent,
the score words) makes it read again; a damaged cache is never an error."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_ledger import edit_actions, fill, scored

from kcp_sheets import check as check_module
from kcp_sheets.check import check_returns
from kcp_sheets.folder import INBOX
from kcp_sheets.generate import generate
from kcp_sheets.read_cache import CACHE_FILE
from kcp_sheets.read_workers import DEFAULT as DEFAULT_READS
from kcp_sheets.read_workers import Reads
from kcp_sheets.reader import read_source
from kcp_sheets.settings import SETTINGS_FILE, load_review


def summary(folder: Path, reads: Reads = DEFAULT_READS) -> list[tuple]:
    """What a check says of each return: its rows, answers and problems."""
    result = check_returns(load_review(folder), reads=reads)
    return [
        (
            r.source.name,
            r.label,
            r.answers,
            r.stage,
            r.state,
            {k: [(row.id, row.values, row.notes, row.extra) for row in rows] for k, rows in r.rows.items()},
            sorted((p.code, p.cell, p.row_id, p.found, p.message) for p in r.problems),
        )
        for r in result.returns
    ]


@pytest.fixture()
def returned(folder: Path) -> Path:
    generate(load_review(folder))
    fill(folder, "ET", "et.xlsx", {**scored(folder), "ET-02": {"coordinator_score": "4 but only just"}})
    fill(folder, "HW", "hw.xlsx", scored(folder, "HW", 7))
    return folder


def count_reads() -> tuple[list[str], Reads]:
    """The files a check reads (in its own process), and the way to read that counts them."""
    read: list[str] = []

    def counting(source, review, planned, **options):  # noqa: ANN001, ANN003, ANN202
        read.append(source.name)
        return read_source(source, review, planned, **options)

    return read, Reads(parallel_from=10**6, reader=counting)


def test_a_second_check_reads_nothing_and_says_the_same(returned: Path) -> None:
    first = summary(returned)
    assert (returned / CACHE_FILE).is_file()
    read, reads = count_reads()
    assert summary(returned, reads) == first
    assert read == []


def test_a_new_return_is_the_only_one_read(returned: Path) -> None:
    summary(returned)
    fill(returned, "HH", "hh.xlsx", scored(returned, "HH"))
    read, reads = count_reads()
    summary(returned, reads)
    assert read == ["hh.xlsx"]


def test_a_file_changed_under_the_same_name_is_read_again(returned: Path) -> None:
    summary(returned)
    fill(returned, "ET", "et.xlsx", scored(returned, "ET", 2))
    read, reads = count_reads()
    after = summary(returned, reads)
    assert read == ["et.xlsx"]
    et = next(s for s in after if s[0] == "et.xlsx")
    assert {row[1]["coordinator_score"] for row in et[5]["Progress Tracker"]} == {2}


def test_a_file_renamed_is_read_again_so_its_problems_name_it(returned: Path) -> None:
    summary(returned)
    shutil.move(returned / INBOX / "hw.xlsx", returned / INBOX / "hw renamed.xlsx")
    read, reads = count_reads()
    after = summary(returned, reads)
    assert read == ["hw renamed.xlsx"]
    [hw] = [s for s in after if s[1] == "HW"]
    assert hw[0] == "hw renamed.xlsx"


def test_what_was_sent_or_the_score_words_changing_reads_every_return_again(returned: Path) -> None:
    summary(returned)
    edit_actions(returned, {"ET-03": {"action": "Corrected after sending"}})
    generate(load_review(returned))  # a new edition of ET
    read, reads = count_reads()
    summary(returned, reads)
    assert sorted(read) == ["et.xlsx", "hw.xlsx"]

    path = returned / SETTINGS_FILE
    text = path.read_text().replace("Largely achieved", "Mostly achieved")
    assert text != path.read_text()
    path.write_text(text)
    read.clear()
    summary(returned, reads)
    assert sorted(read) == ["et.xlsx", "hw.xlsx"]


@pytest.mark.parametrize("damage", [b"not a database at all", b""])
def test_a_damaged_cache_is_read_around(returned: Path, damage: bytes) -> None:
    first = summary(returned)
    (returned / CACHE_FILE).write_bytes(damage)
    read, reads = count_reads()
    assert summary(returned, reads) == first
    assert sorted(read) == ["et.xlsx", "hw.xlsx"]


def test_a_damaged_entry_is_read_again(returned: Path) -> None:
    import sqlite3

    first = summary(returned)
    with sqlite3.connect(returned / CACHE_FILE) as db:
        db.execute("UPDATE reads SET data = ?", (b"\x80\x05 broken",))
    read, reads = count_reads()
    assert summary(returned, reads) == first
    assert sorted(read) == ["et.xlsx", "hw.xlsx"]


def test_reads_made_by_worker_processes_are_kept_too(returned: Path) -> None:
    first = summary(returned, Reads(parallel_from=1))
    read, reads = count_reads()
    assert summary(returned, reads) == first
    assert read == []


def out_of_space(source, review, plans, look=None):  # noqa: ANN001, ANN201
    """read_source, except that the disk fills up while each file is read."""

    def full(data: bytes):  # noqa: ANN202
        raise OSError(28, "No space left on device")

    return read_source(source, review, plans, look=full)


def test_a_read_that_failed_is_not_kept(returned: Path) -> None:
    """Out of memory or disk space while reading: the file fails this time, and is read again next time."""
    failed = check_returns(load_review(returned), reads=Reads(reader=out_of_space))
    assert {p.code for r in failed.returns for p in r.problems} == {"file-read-failed"}
    assert {r.label for r in check_returns(load_review(returned)).returns} == {"ET", "HW"}


def test_a_new_version_of_the_reading_library_reads_every_return_again(returned: Path) -> None:
    from importlib.metadata import version

    from kcp_sheets.intake import gather, inbox_files
    from kcp_sheets.ledger import Ledger
    from kcp_sheets.read_cache import ReadCache
    from kcp_sheets.read_cache import context as read_context

    summary(returned)
    review = load_review(returned)
    with Ledger(returned) as ledger:
        sent, rows = ledger.sent(review.review_id), ledger.sent_rows(review.review_id)
    sources, _ = gather(inbox_files(returned / INBOX), 50 * 1024 * 1024, returned / INBOX)
    read, reads = count_reads()
    installed = version("python-calamine")
    assert read_context(review, rows) == read_context(review, rows, reading_library=installed)
    for library, expected in ((installed, []), (installed + ".1", ["et.xlsx", "hw.xlsx"])):
        read.clear()
        with ReadCache(returned, read_context(review, rows, reading_library=library), read_only=True) as cache:
            list(check_module._read_all(sources, review, sent, None, cache, reads))
        assert sorted(read) == expected, library


def as_read(ret) -> dict:  # noqa: ANN001
    """Every row of a read, its values in their order, as a person's answers would be compared."""
    return {
        k: [(row.id, list(row.values.items()), dict(row.notes), dict(row.extra), row.new, row.cell_row) for row in rows]
        for k, rows in ret.rows.items()
    }


def test_a_kept_or_sent_back_read_gives_back_every_row_as_it_was_read(tmp_path: Path) -> None:
    """A read is kept, and sent back from a worker, without the sent workbook's text
    (its plan has it): put back, every row is as the reader made it, in order."""
    from kcp_sheets.demo import prepare_demo
    from kcp_sheets.intake import gather, inbox_files
    from kcp_sheets.ledger import Ledger
    from kcp_sheets.read_cache import ReadCache
    from kcp_sheets.read_cache import context as read_context

    folder = tmp_path / "demo"
    prepare_demo(
        folder
    )  # moved rows, new rows, edited fixed text, spills, a form, the health and accreditation reviews
    review = load_review(folder)
    with Ledger(folder) as ledger:
        sent, rows = ledger.sent(review.review_id), ledger.sent_rows(review.review_id)
    direct: dict[str, dict] = {}

    def capturing(source, review, planned):  # noqa: ANN001, ANN202
        result = read_source(source, review, planned)
        direct[source.name] = as_read(result)
        return result

    in_this_process = Reads(parallel_from=10**6, reader=capturing)

    def read_all(cache: ReadCache | None = None, reads: Reads = in_this_process) -> dict[str, dict]:
        sources, _ = gather(inbox_files(folder / INBOX), 50 * 1024 * 1024, folder / INBOX)
        return {r.source.name: as_read(r) for r in check_module._read_all(sources, review, sent, None, cache, reads)}

    with ReadCache(folder, read_context(review, rows)) as cache:
        fresh = read_all(cache)
    assert len(direct) >= 9 and any(direct.values())
    assert fresh == direct
    with ReadCache(folder, read_context(review, rows)) as cache:
        assert read_all(cache) == direct  # from the cache
    assert read_all(reads=Reads(parallel_from=1)) == direct  # from worker processes, after the cheap look


def saved_again_meanwhile(source, review, plans, **options):  # noqa: ANN001, ANN003, ANN201
    """read_source, as someone saves et.xlsx again (as another workbook) after the check listed it."""
    if source.name == "et.xlsx" and source.path is not None:
        source.path.write_bytes((source.path.parent / "hw.xlsx").read_bytes())
    return read_source(source, review, plans, **options)


@pytest.mark.parametrize("parallel_from", [1, 10**6], ids=["in workers", "in this process"])
def test_a_file_saved_again_while_it_is_checked_is_read_next_time_not_as_it_was_listed(
    returned: Path, parallel_from: int
) -> None:
    """A check takes each file's hash when it lists it and reads the file only
    later: bytes other than those listed are not read under the listed hash
    (nor kept), so what is recorded of a file is always what was read."""
    result = check_returns(
        load_review(returned), reads=Reads(parallel_from=parallel_from, reader=saved_again_meanwhile)
    )
    et = next(r for r in result.returns if r.source.name == "et.xlsx")
    assert [(p.code, p.message) for p in et.problems] == [
        ("file-changed", "The file could not be checked: it changed while it was being checked.")
    ]
    read, reads = count_reads()
    again = check_returns(load_review(returned), reads=reads)
    assert read == ["et.xlsx"]  # not kept: read again, as it is now
    assert {r.source.name: r.label for r in again.returns} == {"et.xlsx": "HW", "hw.xlsx": "HW"}


def test_a_file_moved_away_while_it_is_checked_says_so(returned: Path) -> None:
    def moved_meanwhile(source, review, plans, **options):  # noqa: ANN001, ANN003, ANN202
        if source.name == "et.xlsx" and source.path is not None:
            source.path.unlink()
        return read_source(source, review, plans, **options)

    result = check_returns(load_review(returned), reads=Reads(parallel_from=10**6, reader=moved_meanwhile))
    et = next(r for r in result.returns if r.source.name == "et.xlsx")
    assert [p.code for p in et.problems] == ["file-changed"]
    assert "could not be opened again to read it (No such file or directory)" in et.problems[0].message


def test_a_check_holds_no_inbox_files_bytes_while_it_reads(returned: Path) -> None:
    """Bytes are let go once hashed, and read again only for a file not read before."""
    from kcp_sheets.intake import gather, inbox_files

    inbox = returned / INBOX
    sources, _ = gather(inbox_files(inbox), 10**7, inbox, hold=False)
    assert [(s.name, s.data, len(s.sha256)) for s in sources] == [("et.xlsx", b"", 64), ("hw.xlsx", b"", 64)]
    held, _ = gather(inbox_files(inbox), 10**7, inbox)
    assert [s.sha256 for s in held] == [s.sha256 for s in sources] and all(s.data for s in held)
