"""A review folder with a mistake stops with the file, the line or row, and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from kcp_sheets.problems import ProblemError
from kcp_sheets.settings import load_review


def test_sample_review_loads_with_every_cluster_and_list(review) -> None:
    assert [c.code for c in review.clusters] == ["ET", "HW", "HH", "LL", "SC", "WB", "CD"]
    assert all(len(review.actions_of(c.code)) >= 12 for c in review.clusters)
    assert review.criterion_names() == ["Strategic", "Inclusive", "Action Focused", "Performance Managed", "Efficient", "Learning and Development"]
    assert {"2.1.3", "2.1.4"} <= {s.ref for s in review.criteria}
    assert len(review.accreditation) >= 20
    first = review.actions_of("ET")[0]
    assert first.issue.startswith("Low satisfaction with streetscape")
    assert first.nrf and "December 2002" in first.progress_in(2003)


def problems_of(folder: Path) -> list:
    with pytest.raises(ProblemError) as caught:
        load_review(folder)
    return caught.value.problems


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8-sig")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_cluster_without_coordinator_names_the_line(folder: Path) -> None:
    text = (folder / "review.yaml").read_text()
    start = text.index("    coordinators:\n      - {name: Mark Raisbeck")
    end = text.index("  - code: HW")
    (folder / "review.yaml").write_text(text[:start] + text[end:])
    [p] = problems_of(folder)
    assert p.file == "review.yaml" and p.cell.startswith("line ")
    assert "ET has no co-ordinator" in p.message and "coordinators:" in p.ask


def test_bad_email_names_its_line(folder: Path) -> None:
    edit(folder / "review.yaml", "ruth.owen@example.org", "ruth.owen.example.org")
    [p] = problems_of(folder)
    line = int(p.cell.split()[1])
    assert "ruth.owen.example.org" in (folder / "review.yaml").read_text().splitlines()[line - 1]
    assert "not valid" in p.message


def test_duplicate_action_id_names_both_rows(folder: Path) -> None:
    edit(folder / "actions.csv", "HW-02,", "HW-01,")
    [p] = problems_of(folder)
    assert p.file == "actions.csv" and p.row_id == "HW-01"
    assert "used twice" in p.message and p.cell.startswith("row ")


def test_action_for_unknown_cluster(folder: Path) -> None:
    edit(folder / "actions.csv", "HW-03,HW,", "HW-03,XX,")
    [p] = problems_of(folder)
    assert p.file == "actions.csv" and "'XX'" in p.message and "ET" in p.ask


def test_unreadable_yaml_names_the_line(folder: Path) -> None:
    edit(folder / "review.yaml", "year: 2004", "year: [2004")
    [p] = problems_of(folder)
    assert p.code == "settings-unreadable" and p.cell.startswith("line ")


def test_missing_file(folder: Path) -> None:
    (folder / "health_criteria.csv").unlink()
    codes = {p.code for p in problems_of(folder)}
    assert "settings-missing" in codes


def test_missing_csv_column(folder: Path) -> None:
    edit(folder / "accreditation_plan.csv", "ref,criterion,area,action,due", "ref,criterion,area,action")
    [p] = problems_of(folder)
    assert p.file == "accreditation_plan.csv" and "due" in p.message and p.cell == "row 1"


def test_dates_out_of_order(folder: Path) -> None:
    edit(folder / "review.yaml", "stage2_deadline: 2004-04-23", "stage2_deadline: 2004-04-01")
    [p] = problems_of(folder)
    assert "in that order" in p.message


def test_several_mistakes_reported_at_once(folder: Path) -> None:
    edit(folder / "review.yaml", "year: 2004", "year: next")
    edit(folder / "review.yaml", "jane.hart@example.org", "jane.hart@")
    edit(folder / "actions.csv", "SC-01,SC,", "SC-01,ZZ,")
    assert len(problems_of(folder)) == 3


def test_windows_csv_encoding_is_read(folder: Path) -> None:
    path = folder / "actions.csv"
    text = path.read_text(encoding="utf-8-sig").replace("Age Concern Kensington and Chelsea", "Age Concern Kensington and Chelsea \u2013 caf\u00e9")
    path.write_bytes(text.encode("cp1252"))
    review = load_review(folder)
    assert any("caf\u00e9" in a.partners for a in review.actions)
