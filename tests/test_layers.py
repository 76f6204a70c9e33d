"""The layers as the README's table for developers draws them: data flows one
way, the ledger owns its SQL and its audit events, the reader never reaches
for the writer. Read from the source with `ast`, so a move that breaks a
layer fails here rather than in review."""

from __future__ import annotations

import ast
from pathlib import Path

import kcp_sheets

PACKAGE = Path(kcp_sheets.__file__).resolve().parent


def modules() -> dict[str, ast.Module]:
    return {
        p.relative_to(PACKAGE).with_suffix("").as_posix().replace("/", "."): ast.parse(p.read_text(encoding="utf-8"))
        for p in PACKAGE.rglob("*.py")
    }


def imports(name: str, tree: ast.Module) -> set[str]:
    """The package's modules that `name` imports, anywhere in it (inside functions too)."""
    package = name.split(".")[:-1] if not name.endswith("__init__") else name.split(".")[:-1]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
            target = ".".join([*base, node.module]) if node.module else ".".join(base)
            found.add(target)
            found.update(f"{target}.{a.name}" if target else a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("kcp_sheets."):
            found.add(node.module.removeprefix("kcp_sheets."))
    return {f for f in found if f}


def test_the_reader_never_imports_the_writer_or_the_sending() -> None:
    for name, tree in modules().items():
        if name.startswith("reader."):
            reached = {m.split(".")[0] for m in imports(name, tree)}
            assert not {"writer", "generate", "consolidate", "check"} & reached, (name, reached)


def test_the_writer_stands_on_the_layout_alone() -> None:
    """The writer renders a spec and its content: it knows no settings, reader,
    ledger or step, only the layout, the content, the pages' arithmetic and
    how a score is read (for a total's formula)."""
    for name, tree in modules().items():
        if name.startswith("writer."):
            reached = {m.split(".")[0] for m in imports(name, tree)}
            assert reached <= {"writer", "spec", "content", "pages", "values", "unfinished", "cellref"}, (name, reached)


def test_consolidation_sits_below_the_steps_and_the_papers() -> None:
    """The plan is made by consolidation and read by the report, the carrying
    over and the faces: it imports none of them, and its parts import each other
    one way (what came back, then rows and blocks, then the plan, then its writing)."""
    found = modules()
    order = [
        "consolidate.clusters",
        "consolidate.rows",
        "consolidate.blocks",
        "consolidate.plan",
        "consolidate.writing",
    ]
    for name, tree in found.items():
        if name.startswith("consolidate."):
            reached = imports(name, tree)
            assert not {m.split(".")[0] for m in reached} & {
                "steps",
                "report",
                "carry",
                "plan_update",
                "cli",
                "desk",
            }, (name, reached)
            if name in order:
                later = set(order[order.index(name) + 1 :])
                assert not later & reached, (name, reached)


def test_sending_the_ledger_and_what_was_sent_import_no_circle() -> None:
    found = modules()
    assert "generate" not in imports("sent", found["sent"])
    ledger = [name for name in found if name == "ledger" or name.startswith("ledger.")]
    assert len(ledger) > 3 and [name for name in ledger if "generate" in imports(name, found[name])] == []
    assert "ledger" not in imports("workbooks", found["workbooks"]) and "generate" not in imports(
        "workbooks", found["workbooks"]
    )


def test_only_the_ledger_speaks_sql_to_the_ledger_and_writes_its_events() -> None:
    """Every change to the ledger and its audit event are written in one
    function inside kcp_sheets/ledger/; nothing outside touches its connection."""
    offenders = []
    for name, tree in modules().items():
        if name.startswith("ledger.") or name == "read_cache":  # the read cache is a file of its own, not the ledger
            continue
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in ("db", "event")
                and isinstance(node.value, ast.Name)
                and node.value.id in ("ledger", "self", "last")
            ):
                offenders.append(f"{name}:{node.lineno}")
    assert offenders == []


def test_a_returns_state_is_worked_out_in_one_place() -> None:
    """The state names are lifecycle's constants; no other module compares a state with a string of its own."""
    states = {"new", "has problems", "accepted", "rejected", "superseded"}
    offenders = []
    for name, tree in modules().items():
        if name == "lifecycle":
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Compare) and any(
                isinstance(c, ast.Constant) and c.value in states for c in [node.left, *node.comparators]
            ):
                if any(
                    isinstance(side, ast.Attribute) and side.attr in ("state", "review_state", "decision")
                    for side in [node.left, *node.comparators]
                ):
                    offenders.append(f"{name}:{node.lineno}")
    assert offenders == []


def test_the_settings_stand_on_problems_and_text_files_alone() -> None:
    """The settings are read before anything else: they import no step, reader or surface
    (the workbooks' spec only for the names of its scales, the time limit only for its default,
    what the commands keep only to take back settings built from the same files)."""
    found = modules()
    for name, tree in found.items():
        if name.startswith("settings."):
            reached = {m.split(".")[0] for m in imports(name, tree)}
            assert reached <= {"settings", "problems", "textfile", "bulk", "spec", "deadline", "kept"}, (name, reached)
    assert imports("deadline", found["deadline"]) == set()
    assert imports("kept", found["kept"]) <= {"__version__"}  # a file of blobs: it knows nothing of the review


def test_the_surfaces_sit_on_top_and_the_guard_on_nothing() -> None:
    """No library module imports the command line or the desk; the desk's
    views import neither the command line nor the app that routes to them;
    the guard and its form token know nothing of the review."""
    found = modules()
    for name, tree in found.items():
        reached = imports(name, tree)
        if not name.startswith(("cli", "desk", "__main__")):
            assert not any(m == "cli" or m.startswith(("cli.", "desk")) for m in reached), (name, reached)
        if name.startswith("desk.views."):
            assert not any(m.startswith("cli") or m == "desk.app" for m in reached), (name, reached)
    for name in ("desk.guard", "desk.form_token"):
        assert {m for m in imports(name, found[name]) if not m.startswith("desk.")} == set(), name


def test_the_formats_stand_below_the_reader() -> None:
    """What a file is, is read before any reader sees it: the formats import
    nothing from the reader or the layers above, only each other and the cells' names."""
    for name, tree in modules().items():
        if name.startswith("formats."):
            reached = {m.split(".")[0] for m in imports(name, tree)}
            assert reached <= {"formats", "cellref"}, (name, reached)
    assert "formats.kind" not in imports(
        "formats.flat", modules()["formats.flat"]
    )  # no circle: a .fods is handed back, not imported back


def test_the_spec_and_cell_names_stand_on_problems_alone() -> None:
    """A workbook's layout is read by the writer, the reader and the settings
    alike, so it imports none of them; a cell's name imports nothing."""
    found = modules()
    for name, tree in found.items():
        if name.startswith("spec."):
            reached = {m.split(".")[0] for m in imports(name, tree)}
            assert reached <= {"spec", "cellref", "problems"}, (name, reached)
    assert imports("cellref", found["cellref"]) == set()
