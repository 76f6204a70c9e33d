"""Laying a table out on printed pages: where pages start, the headings carried
onto a page a group continues on, and long text cut between words."""

from __future__ import annotations

from kcp_sheets.pages import (
    Line,
    continued,
    cut,
    group_title,
    lay_out,
    longest_word,
    rejoined,
    wrapped,
)


def rows_of(placed: list, lines: list[Line]) -> list[list[str]]:
    """The layout as pages of labels: a row's group and number, or a continued heading."""
    found: list[list[str]] = []
    for p in placed:
        if p.new_page or not found:
            found.append([])
        found[-1].append(
            p.title if p.index < 0 else f"{lines[p.index].group}{'' if lines[p.index].heading else p.index}"
        )
    return found


def test_a_page_starting_inside_a_group_starts_with_its_heading_continued() -> None:
    lines = [
        Line(20, "A", heading=True),
        *[Line(100, "A") for _ in range(5)],
        Line(20, "B", heading=True),
        Line(100, "B"),
    ]
    pages_ = rows_of(lay_out(lines, room=350, header=30, above=50, continued_height=20), lines)
    assert pages_ == [
        ["A", "A1", "A2"],
        ["A (continued)", "A3", "A4", "A5"],
        ["B", "B7"],
    ]  # B's heading moved on with its row


def test_a_page_never_holds_a_header_or_a_heading_alone() -> None:
    lines = [Line(20, "A", heading=True), Line(300, "A")]
    assert rows_of(lay_out(lines, room=250, header=30, above=60, continued_height=20), lines) == [["A", "A1"]]


def test_rows_outside_groups_get_no_heading() -> None:
    lines = [Line(100) for _ in range(4)]
    assert rows_of(lay_out(lines, room=250, header=30, above=30, continued_height=20), lines) == [
        ["0", "1"],
        ["2", "3"],
    ]


def test_a_long_text_is_cut_between_words_and_rejoined_whole() -> None:
    text = " ".join(f"word{n}" for n in range(200))
    head, tail = cut(text, per_line=30, most=10)
    assert wrapped(head, 30) <= 10 and head.endswith(" …") and tail.startswith("… ")
    assert rejoined(head, tail) == text
    assert group_title(continued("1. Strategic")) == "1. Strategic"


def test_an_id_needs_its_whole_width_a_word_only_up_to_its_hyphen() -> None:
    assert longest_word(["HW-NEW-08"], whole=True) > longest_word(["HW-NEW-08"]) > 0
    assert longest_word(["PCT Communications"]) > longest_word(["PCT Comms"])
    assert longest_word([""]) == 0


def test_whether_typed_text_prints_whole_is_the_wrapping_measured() -> None:
    """The cheap answer for short text never disagrees with wrapping it."""
    from kcp_sheets import pages

    texts = [
        "",
        "one",
        "a few words of progress",
        "x" * 200,
        "line\n" * 30,
        "a " * 400,
        " ".join(["Neighbourhood"] * 60),
        "word " * 90 + "\n\n" + "more " * 40,
    ]
    for text in texts:
        for width in (5, 12, 20, 28, 40):
            for most in (2, 5, 20, 31):
                assert pages.prints_whole(text, width, most) == (pages.lines(text, width, pages.TYPED) <= most), (
                    text[:20],
                    width,
                    most,
                )


def test_the_spare_rows_start_a_page_rather_than_leave_a_few_alone_on_the_last() -> None:
    from kcp_sheets.pages import tail_together

    def breaks(actions: int, spares: int) -> list[int]:
        lines = [Line(60.0)] * actions + [Line(15.0)] * spares
        return [p.index for p in tail_together(lines, spares, room=500.0, header=40.0, above=40.0) if p.new_page]

    assert breaks(7, 5) == [7]  # 40 + 7 x 60 + 2 x 15 = 490 of 500: three spare rows would be alone on the next page
    assert breaks(7, 12) == []  # ten go on together: a page of room for new actions
    assert breaks(3, 12) == []  # all on one page
    assert breaks(7, 0) == []  # no spare rows, nothing set
