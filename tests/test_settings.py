"""A review folder with a mistake stops with the file, the line or row, and the fix."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kcp_sheets.folder import init_folder
from kcp_sheets.problems import ProblemError
from kcp_sheets.settings import load_review


def test_sample_review_loads_with_every_cluster_and_list(review) -> None:
    assert [c.code for c in review.clusters] == ["ET", "HW", "HH", "LL", "SC", "WB", "CD"]
    assert all(len(review.actions_of(c.code)) >= 12 for c in review.clusters)
    assert review.criterion_names() == [
        "Strategic",
        "Inclusive",
        "Action Focused",
        "Performance Managed",
        "Efficient",
        "Learning and Development",
    ]
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
    assert p.file == "review.yaml" and p.where().startswith("review.yaml: line ") and p.line is not None
    assert "ET has no co-ordinator" in p.message and "coordinators:" in p.ask


def test_bad_email_names_its_line(folder: Path) -> None:
    edit(folder / "review.yaml", "ruth.owen@example.org", "ruth.owen.example.org")
    [p] = problems_of(folder)
    assert p.line is not None
    line = p.line.number
    assert "ruth.owen.example.org" in (folder / "review.yaml").read_text().splitlines()[line - 1]
    assert "not valid" in p.message


def test_duplicate_action_id_names_both_rows(folder: Path) -> None:
    edit(folder / "actions.csv", "HW-02,", "HW-01,")
    [p] = problems_of(folder)
    assert p.file == "actions.csv" and p.row_id == "HW-01"
    assert "used twice" in p.message and str(p.line).startswith("row ")


def test_a_row_with_several_mistakes_lists_them_in_order(folder: Path) -> None:
    edit(folder / "actions.csv", "HW-02,HW,", "HW-01,XX,")
    problems = problems_of(folder)
    assert [p.row_id for p in problems] == ["HW-01", "HW-01"] and len({p.line for p in problems}) == 1
    assert "used twice" in problems[0].message and "'XX'" in problems[1].message


def test_actions_hold_each_repeated_text_once(review) -> None:
    """A national list repeats its cluster codes, issues and partners down
    200,000 rows; each is held once, not once a row."""
    codes = {c.code: c.code for c in review.clusters}
    assert all(a.cluster is codes[a.cluster] for a in review.actions)
    for field in ("issue", "outcome", "partners", "lead_partner"):
        first: dict[str, str] = {}
        for action in review.actions:
            text = getattr(action, field)
            assert first.setdefault(text, text) is text, (field, text)
        assert len(first) < len(review.actions), field  # the sample does repeat each


def test_a_missing_year_says_it_is_missing(folder: Path) -> None:
    edit(folder / "review.yaml", "\nyear: ", "\n# year: ")
    [p] = problems_of(folder)
    assert p.file == "review.yaml" and "'year' is missing" in p.message and "year: 2004" in p.ask
    assert "nothing" not in p.message


def test_action_for_unknown_cluster(folder: Path) -> None:
    edit(folder / "actions.csv", "HW-03,HW,", "HW-03,XX,")
    [p] = problems_of(folder)
    assert p.file == "actions.csv" and "'XX'" in p.message and "ET" in p.ask


def test_a_cluster_code_mistyped_down_its_column_is_one_mistake(folder: Path) -> None:
    """ETT typed for every ET action (a code copied down a column): one problem saying how many, not one per row."""
    path = folder / "actions.csv"
    ids = [line.split(",")[0] for line in path.read_text(encoding="utf-8-sig").splitlines() if ",ET," in line]
    path.write_text(path.read_text(encoding="utf-8-sig").replace(",ET,", ",ETT,"), encoding="utf-8")
    [p] = problems_of(folder)
    assert f"{len(ids)} actions ({ids[0]} ... {ids[-1]}) are for cluster 'ETT'" in p.message
    assert p.row_id == ids[0] and p.ask.startswith("Did you mean ET?")


def test_unreadable_yaml_names_the_line(folder: Path) -> None:
    edit(folder / "review.yaml", "year: 2004", "year: [2004")
    [p] = problems_of(folder)
    assert p.code == "settings-unreadable" and str(p.line).startswith("line ")
    assert "a list opened with [ is not closed with ]" in p.message  # the reader's "expected ',' or ']'" said plainly


def test_missing_file(folder: Path) -> None:
    (folder / "health_criteria.csv").unlink()
    codes = {p.code for p in problems_of(folder)}
    assert "settings-missing" in codes


def test_missing_csv_column(folder: Path) -> None:
    edit(folder / "accreditation_plan.csv", "ref,criterion,area,action,due", "ref,criterion,area,action")
    [p] = problems_of(folder)
    assert p.file == "accreditation_plan.csv" and "due" in p.message and p.place == "row 1"


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
    text = path.read_text(encoding="utf-8-sig").replace(
        "Age Concern Kensington and Chelsea", "Age Concern Kensington and Chelsea \u2013 caf\u00e9"
    )
    path.write_bytes(text.encode("cp1252"))
    review = load_review(folder)
    assert any("caf\u00e9" in a.partners for a in review.actions)


# The schema: every key known, every mistake on its line.


def line_text(folder: Path, p) -> str:
    assert p.line is not None and p.line.word == "line", p
    return (folder / "review.yaml").read_text().splitlines()[p.line.number - 1]


def test_renamed_champions_is_an_error_naming_the_line_and_the_key(folder: Path) -> None:
    edit(
        folder / "review.yaml",
        "    champions:\n      - {name: Dr Alan Marsh",
        "    champion:\n      - {name: Dr Alan Marsh",
    )
    [p] = problems_of(folder)
    assert p.file == "review.yaml" and line_text(folder, p).strip() == "champion:"
    assert "'champion'" in p.message and "did you mean `champions`?" in p.ask.lower()


def test_unknown_and_misspelt_keys_name_the_nearest_known_key(folder: Path) -> None:
    edit(folder / "review.yaml", "title: Review", "titel: Review")
    edit(folder / "review.yaml", "stage1_deadline:", "stage1_deadlin:")
    found = problems_of(folder)
    assert [(line_text(folder, p).split(":")[0], p.ask) for p in found] == [
        ("titel", "Did you mean `title`? Correct the name."),
        ("stage1_deadlin", "Did you mean `stage1_deadline`? Correct the name."),
    ]  # and no second message that 'title' or 'stage1_deadline' is missing


def test_a_key_far_from_any_setting_lists_the_settings(folder: Path) -> None:
    edit(folder / "review.yaml", "  phone: 020 7361 3671", "  phone: 020 7361 3671\n  fax: 020 7361 3672")
    [p] = problems_of(folder)
    assert line_text(folder, p).strip().startswith("fax:") and "under officer:" in p.message
    assert "name, email, title, phone" in p.ask


def test_a_setting_given_twice_is_an_error(folder: Path) -> None:
    edit(folder / "review.yaml", "plan_due: 2004-04-30", "plan_due: 2004-04-30\nplan_due: 2004-05-07")
    [p] = problems_of(folder)
    assert "set twice" in p.message and line_text(folder, p).startswith("plan_due: 2004-05-07")


@pytest.mark.parametrize("typed", ["2004-13-45", "16/04/2004", "next Friday"])
def test_a_bad_date_names_its_line(folder: Path, typed: str) -> None:
    edit(folder / "review.yaml", "stage1_deadline: 2004-04-16", f"stage1_deadline: {typed}")
    [p] = problems_of(folder)
    assert line_text(folder, p).startswith("stage1_deadline:") and typed in p.message


@pytest.mark.parametrize("typed", ["2005-04-31", "2005-02-29", "2004-13-45"])
def test_a_day_that_is_not_on_the_calendar_is_called_that(folder: Path, typed: str) -> None:
    """Written year-month-day as asked, so 'write it year-month-day' would be no help."""
    edit(folder / "review.yaml", "stage1_deadline: 2004-04-16", f"stage1_deadline: {typed}")
    [p] = problems_of(folder)
    assert f"{typed} is no day on the calendar" in p.message and "year-month-day" not in p.ask


def test_yaml_syntax_error_names_the_line(folder: Path) -> None:
    edit(folder / "review.yaml", "  - code: LL\n", "  - code: LL\n   name: : oops\n")
    [p] = problems_of(folder)
    assert p.code == "settings-unreadable" and p.line is not None
    assert abs(p.line.number - (folder / "review.yaml").read_text().splitlines().index("   name: : oops") - 1) <= 1
    assert "indented more or less than the lines around it" in p.message and "expected" not in p.message


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ('title: "Review of the Strategies\n', "a quotation mark is opened and never closed"),
        ("title: 'Review of the Strategies\n", "a quotation mark is opened and never closed"),
        ("\tyear: 2004\n", "a line is indented with a tab; indent with spaces"),
    ],
    ids=["double quote left open", "single quote left open", "a tab"],
)
def test_a_quote_left_open_or_a_tab_is_named_at_its_own_line(folder: Path, typed: str, said: str) -> None:
    """A quote left open runs on over the lines after it, so the reader stops further down;
    the officer is sent to the line where it opens, and told what it is."""
    text = (folder / "review.yaml").read_text()
    line = next(n for n in text.splitlines() if n.startswith(typed.strip().split(":")[0].strip("\t\"'") + ":"))
    (folder / "review.yaml").write_text(text.replace(line + "\n", typed, 1))
    [p] = problems_of(folder)
    assert p.code == "settings-unreadable" and said in p.message and "reader stopped" not in p.message
    assert (folder / "review.yaml").read_text().splitlines()[p.line.number - 1] == typed.rstrip("\n")


def test_cluster_without_champion_is_an_error(folder: Path) -> None:
    text = (folder / "review.yaml").read_text()
    start = text.index("    champions:\n      - {name: Jane Hart")
    end = text.index("    coordinators:\n      - {name: Lesley Cooke")
    (folder / "review.yaml").write_text(text[:start] + text[end:])
    [p] = problems_of(folder)
    assert "HH has no champion" in p.message and line_text(folder, p).strip() == "- code: HH"


def test_cluster_codes_in_actions_csv_ignore_case(folder: Path) -> None:
    edit(folder / "actions.csv", "ET-02,ET,", "ET-02,et,")
    review = load_review(folder)
    assert [a.id for a in review.actions_of("ET")][:2] == ["ET-01", "ET-02"]


def test_the_sample_settings_explain_every_key_of_the_schema() -> None:
    """The sample's comments say what the schema says; a key added to one is added to the other."""
    from kcp_sheets.settings import SCHEMA

    lines = (Path(__file__).parent.parent / "samples" / "kcp-2004" / "review.yaml").read_text().splitlines()
    for key, spec in SCHEMA.items():
        at = next(n for n, line in enumerate(lines) if line.startswith(f"{key}:"))
        above = at
        while above > 0 and lines[above - 1].startswith("#"):
            above -= 1
        comments = [line.partition("#")[2] for line in lines[above : at + 1] if "#" in line]
        said = " ".join(" ".join(comments).split()).lower()
        assert spec.help.lower() in said, f"{key}: the sample should say '{spec.help}'"
    keys = {line.split(":")[0] for line in lines if line[:1].isalpha()}
    assert keys == set(SCHEMA)


def _without(lines: list[str], key: str, indent: str = "") -> list[str]:
    """review.yaml's lines without the setting `key` (at `indent`) and the lines indented under it."""
    at = next(n for n, line in enumerate(lines) if line.startswith(f"{indent}{key}:"))
    end = at + 1
    while end < len(lines) and lines[end].startswith(indent + " ") and not lines[end].startswith(indent + "#"):
        end += 1
    return lines[:at] + lines[end:]


def test_what_the_schema_says_is_required_is_what_stops_a_review(tmp_path: Path) -> None:
    """Each key of review.yaml left out: a required one is a mistake, an optional one is not."""
    from kcp_sheets.settings import SCHEMA

    sample = init_folder(tmp_path / "sample")
    lines = (sample / "review.yaml").read_text().splitlines()
    officer = SCHEMA["officer"].keys or {}
    cases = [(key, "", spec.required) for key, spec in SCHEMA.items()]
    cases += [
        (key, "  ", spec.required)
        for key, spec in officer.items()
        if any(line.startswith(f"  {key}:") for line in lines)
    ]
    for n, (key, indent, required) in enumerate(cases):
        folder = shutil.copytree(sample, tmp_path / str(n))
        (folder / "review.yaml").write_text("\n".join(_without(lines, key, indent)) + "\n")
        if required:
            problems = problems_of(folder)
            assert any(p.file == "review.yaml" for p in problems), key
            for p in problems:  # the message reads as a sentence: no word or two said twice in a row
                words = f"{p.message} {p.ask}".lower().split()
                for n in (1, 2):
                    assert all(words[i : i + n] != words[i + n : i + 2 * n] for i in range(len(words))), (
                        key,
                        p.message,
                    )
        else:
            assert load_review(folder).clusters, key


@pytest.mark.parametrize("separator", [";", "\t"], ids=["semicolons", "tabs"])
def test_a_list_saved_with_semicolons_or_tabs_is_read_as_with_commas(folder: Path, separator: str) -> None:
    """Excel saves "CSV" with semicolons where the comma is the decimal point."""
    import csv
    import io

    before = load_review(folder)
    for name in ("actions.csv", "health_criteria.csv", "accreditation_plan.csv"):
        path = folder / name
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
        out = io.StringIO()
        csv.writer(out, delimiter=separator).writerows(rows)
        path.write_text(out.getvalue(), encoding="utf-8")
    after = load_review(folder)
    assert after.actions == before.actions and after.criteria == before.criteria
    assert after.accreditation == before.accreditation
