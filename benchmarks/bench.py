"""kcp-sheets side by side with the raw libraries, from one borough to all of
England. Run: `.venv/bin/python benchmarks/bench.py` (add --quick for a smoke
run with tiny sizes). Prints one table; every figure is the median of several
runs with min and max, and ratios are taken from the same run."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import python_calamine
import xlsxwriter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kcp_sheets.check import check_returns  # noqa: E402
from kcp_sheets.consolidate import write_plan  # noqa: E402
from kcp_sheets.content import Content, scale_entries  # noqa: E402
from kcp_sheets.folder import INBOX, init_folder  # noqa: E402
from kcp_sheets.generate import generate, record_as_sent  # noqa: E402
from kcp_sheets.intake import Source  # noqa: E402
from kcp_sheets.ledger import Ledger  # noqa: E402
from kcp_sheets.pages import row_height as _row_height  # noqa: E402
from kcp_sheets.read_cache import CACHE_FILE  # noqa: E402
from kcp_sheets.read_workers import read_looked  # noqa: E402
from kcp_sheets.reader import read_source  # noqa: E402
from kcp_sheets.sent import SentWorkbooks  # noqa: E402
from kcp_sheets.settings import load_review  # noqa: E402
from kcp_sheets.workbooks import cluster_workbook, planned_workbooks  # noqa: E402
from kcp_sheets.writer import write_workbook  # noqa: E402


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float, float]:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs), min(runs), max(runs)


def paired(
    ours: Callable[[], object], raw: Callable[[], object], repeat: int
) -> tuple[tuple[float, float, float], tuple[float, float, float]]:
    """Both timed in turn, run after run, so a shared machine's slow spells fall on both alike."""
    runs: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for fn, found in ((ours, runs[0]), (raw, runs[1])):
            start = time.perf_counter()
            fn()
            found.append(time.perf_counter() - start)
    return tuple((statistics.median(r), min(r), max(r)) for r in runs)  # type: ignore[return-value]


def fmt(t: tuple[float, float, float]) -> str:
    return f"{t[0]:.3f} s (min {t[1]:.3f}, max {t[2]:.3f})"


def raw_tracker(path: Path, plan) -> None:  # noqa: ANN001
    """The same cells, formats and validation as a tracker, written by hand with xlsxwriter."""
    sheet = plan.spec.main_table()
    table = sheet.table
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False, "in_memory": True})
    fixed = wb.add_format({"text_wrap": True, "valign": "top", "border": 1})
    entry = wb.add_format({"text_wrap": True, "valign": "top", "border": 1, "locked": False, "bg_color": "#FFF2CC"})
    header = wb.add_format(
        {"bold": True, "bg_color": "#1F3864", "font_color": "#FFFFFF", "text_wrap": True, "border": 1}
    )
    ws = wb.add_worksheet(sheet.name)
    for c, col in enumerate(table.columns):
        ws.set_column(c, c, col.width)
        ws.write_string(table.header_row - 1, c, col.header, header)
    rows = plan.content.rows[sheet.key] + [{"id": f"ET-NEW-{n:02d}"} for n in range(1, table.spare_rows + 1)]
    for r, row in enumerate(rows, start=table.header_row):
        height = 13.0
        for c, col in enumerate(table.columns):
            value = row.get(col.key)
            if col.is_input or value is None:
                ws.write_blank(r, c, None, entry)
            else:
                text = "Yes" if value is True else "No" if value is False else str(value)
                ws.write_string(r, c, text, fixed)
                height = max(height, _row_height([(text, col.width)]))
        ws.set_row(r, height)  # programs do not grow wrapped rows themselves
    last = table.header_row + len(rows) - 1
    for c, col in enumerate(table.columns):
        if col.kind == "score":
            ws.data_validation(
                table.header_row,
                c,
                last,
                c,
                {"validate": "list", "source": scale_entries(plan.content.scales[col.scale])},
            )
    ws.protect()
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    wb.close()


def raw_read(path: Path) -> None:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python(skip_empty_area=False)


def openpyxl_read(path: Path) -> None:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    for ws in book.worksheets:
        for _ in ws.iter_rows(values_only=True):
            pass


def cli(*args: str, ok: tuple[int, ...] = (0,)) -> Callable[[], object]:
    """A kcp-sheets command as a person types it, in its own process, from this tree."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    def run() -> None:
        done = subprocess.run([sys.executable, "-m", "kcp_sheets", *args], capture_output=True, env=env, check=False)
        if done.returncode not in ok:
            raise RuntimeError(f"kcp-sheets {' '.join(args)} exited {done.returncode}: {done.stderr.decode()[-400:]}")

    return run


RAW_READ_PROCESS = """
import sys, python_calamine
for path in sys.argv[1:]:
    book = python_calamine.CalamineWorkbook.from_path(path)
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python(skip_empty_area=False)
"""


def inbox_of_copies(base: Path, copies: int) -> tuple[Path, list[Path]]:
    """The demo's returns as spreadsheets (e-mailed ones taken out of their
    e-mails), each copied `copies` times into one review's inbox: the borough
    case at the scale of many partnerships' inboxes."""
    import email
    import email.policy

    from kcp_sheets.demo import prepare_demo

    folder = base / f"inbox-{copies}"
    prepare_demo(folder)
    inbox = folder / INBOX
    returns: list[tuple[str, bytes]] = []
    for path in sorted(inbox.iterdir()):
        if path.suffix.lower() == ".eml":
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            for part in message.iter_attachments():
                returns.append((part.get_filename() or "attached.xlsx", part.get_content()))
        elif path.suffix.lower() in (".xlsx", ".xls", ".ods", ".xlsm"):
            returns.append((path.name, path.read_bytes()))
        path.unlink()
    files = []
    for n in range(copies):
        for name, data in returns:
            target = inbox / f"{n:03d} {name}"
            target.write_bytes(data)
            files.append(target)
    return folder, files


def inbox_check(base: Path, copies: int, repeat: int) -> list[str]:
    """`kcp-sheets check` of a whole inbox against a raw python-calamine read of
    every cell of the same files, both as whole processes: the first check
    (nothing read before: the read cache removed before each run) and a check
    again with nothing new (every read kept)."""
    folder, files = inbox_of_copies(base, copies)
    check = cli("check", str(folder), ok=(0, 1))

    def first() -> None:
        (folder / CACHE_FILE).unlink(missing_ok=True)
        check()

    cold = timed(first, repeat)
    check()
    warm = timed(check, repeat)
    raw = timed(
        lambda: subprocess.run(
            [sys.executable, "-c", RAW_READ_PROCESS, *map(str, files)], check=True, capture_output=True
        ),
        repeat,
    )
    return [
        f"check of a {len(files)}-file inbox, whole process, first check: kcp-sheets {fmt(cold)}; "
        f"raw python-calamine process {fmt(raw)}; ratio {cold[0] / raw[0]:.2f}x (target <= 2.5x)",
        f"check of the same inbox again, nothing new: kcp-sheets {fmt(warm)}; "
        f"ratio {warm[0] / raw[0]:.2f}x the raw read",
    ]


def national_folder(base: Path, returns: int, seed: int = 7) -> Path:
    """One review with `returns` clusters of 60 to 100 actions each, every return filled."""
    folder = init_folder(base / f"national-{returns}")
    rng = random.Random(seed)
    text = (folder / "review.yaml").read_text()
    head = text[: text.index("clusters:")]
    tail = text[text.index("# The year each partnership-health") :]
    lines = ["clusters:"]
    actions: list[list[str]] = []
    for n in range(returns):
        code = f"C{n:04d}"
        lines += [
            f"  - code: {code}",
            f"    name: Cluster {n:04d}",
            "    champions: [{name: A Champion, email: champion@example.org}]",
            "    coordinators: [{name: A Coordinator, email: coordinator@example.org}]",
        ]
        for a in range(rng.randint(60, 100)):
            actions.append(
                [
                    f"{code}-{a:03d}",
                    code,
                    f"Issue {a}",
                    f"Outcome {a} measured by indicator {a}",
                    f"Action {a} " * 6,
                    "Partner A; Partner B",
                    "Partner A",
                    "Yes" if a % 7 == 0 else "No",
                    f"Progress recorded for {a}.",
                ]
            )
    (folder / "review.yaml").write_text(head + "\n".join(lines) + "\n\n" + tail)
    with (folder / "actions.csv").open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(
            ["id", "cluster", "issue", "outcome", "action", "partners", "lead_partner", "nrf", "progress_2003"]
        )
        writer.writerows(actions)
    review = load_review(folder)
    inbox = folder / INBOX
    scale = review.scales["achievement"]
    for plan in planned_workbooks(review):
        if not plan.cluster:
            continue
        sheet = plan.spec.main_table().name
        filled = [
            {
                **row,
                "progress": f"Progress this year on {row['id']}.",
                "coordinator_score": f"{(i % 5) + 1} - {scale[(i % 5) + 1]}",
                "agreed_score": (i % 5) + 1,
            }
            for i, row in enumerate(plan.content.rows[sheet])
        ]
        content = Content(**{**plan.content.__dict__, "rows": {sheet: filled}})
        write_workbook(plan.spec, content, inbox / f"{plan.cluster}.xlsx")
    with Ledger(folder) as ledger, ledger.transaction():
        record_as_sent(ledger, review)  # what generate records, without writing 2,500 workbooks to the outbox
    return folder


MEASURED_PROCESS = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "code": done.returncode, "mb": peak}))
"""


def measured(*args: str) -> dict[str, float]:
    """A command in a process of its own: its time, and the peak memory of the
    largest process it ran (itself or a worker), from getrusage."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", MEASURED_PROCESS, *args], capture_output=True, text=True, check=True, env=env
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def national(folder: Path, runs: int) -> dict[str, list[dict[str, float]]]:
    """The national commands as the officer types them: the first check (nothing
    read before), check again (nothing new), consolidate after check, the
    records exported as CSV, and a raw python-calamine process reading every
    cell of the same returns."""
    command = [sys.executable, "-m", "kcp_sheets"]
    files = sorted(str(p) for p in (folder / INBOX).iterdir())
    found: dict[str, list[dict[str, float]]] = {
        "first check": [],
        "check again": [],
        "consolidate": [],
        "export": [],
        "raw read": [],
    }
    for _ in range(runs):
        (folder / CACHE_FILE).unlink(missing_ok=True)
        found["first check"].append(measured(*command, "check", str(folder)))
        found["check again"].append(measured(*command, "check", str(folder)))
        found["consolidate"].append(measured(*command, "consolidate", str(folder)))
        found["export"].append(measured(*command, "export", str(folder)))
        found["raw read"].append(measured(sys.executable, "-c", RAW_READ_PROCESS, *files))
    for what, results in found.items():
        if any(r["code"] not in (0, 1) for r in results):
            raise RuntimeError(f"national {what} failed: exit {[r['code'] for r in results]}")
    return found


def borough(base: Path, repeat: int) -> list[str]:
    """The sample review: one tracker, one return, the commands, the whole cycle."""
    lines: list[str] = []
    folder = init_folder(base / "borough")
    review = load_review(folder)
    plan = cluster_workbook(review, "ET")
    # The same cells: the tracker sheet alone, as the raw version writes it.
    tracker_only = replace(plan.spec, sheets=(plan.spec.main_table(),), identity=False)
    ours, raw = paired(
        lambda: write_workbook(tracker_only, plan.content, base / "ours.xlsx"),
        lambda: raw_tracker(base / "raw.xlsx", plan),
        repeat * 20,
    )
    lines.append(
        f"generate one tracker: kcp-sheets {fmt(ours)}; raw xlsxwriter {fmt(raw)}; "
        f"ratio {ours[0] / raw[0]:.2f}x (target <= 1.3x)"
    )

    generate(review)
    from kcp_sheets.demo import prepare_demo

    prepare_demo(base / "filled")
    sent = base / "filled" / "inbox" / "HW return 2004.xlsx"  # a filled return
    planned = planned_workbooks(review)
    source = Source(sent.name, sent.read_bytes(), dt.datetime.now(dt.UTC))
    plans = SentWorkbooks(planned)
    # A worker's read (the cheap look, then the reader) in this process: the pool's own costs are in the inbox figures.
    check, calamine = paired(lambda: read_looked(source, review, plans), lambda: raw_read(sent), repeat * 20)
    full, calamine_full = paired(lambda: read_source(source, review, plans), lambda: raw_read(sent), repeat * 20)
    setup = timed(lambda: check_returns(review, [sent]), repeat * 4)
    openpyxl_t = timed(lambda: openpyxl_read(sent), repeat * 4)
    lines.append(
        f"read and check one return, as a worker reads it: kcp-sheets {fmt(check)}; "
        f"raw python-calamine {fmt(calamine)}; ratio {check[0] / calamine[0]:.2f}x (target <= 2x)"
    )
    lines.append(
        f"  read and check one return fully inspected, as the officer's own process reads it: {fmt(full)}; "
        f"ratio {full[0] / calamine_full[0]:.2f}x the raw read timed with it"
    )
    lines.append(f"  check_returns of that one file, including planning the review's 9 workbooks: {fmt(setup)}")
    lines.append(
        f"  raw openpyxl read-only of the same file {fmt(openpyxl_t)}: "
        f"{openpyxl_t[0] / calamine[0]:.1f}x python-calamine"
    )

    lines.append(f"kcp-sheets --help: {fmt(timed(cli('--help'), repeat))} (target median < 0.3 s)")
    lines += inbox_check(base, 30 if repeat > 1 else 2, repeat)
    lines.append(f"kcp-sheets generate (sample, 9 workbooks): {fmt(timed(cli('generate', str(folder)), repeat))}")
    demo_dir = base / "demo"
    lines.append(
        f"kcp-sheets demo end to end: {fmt(timed(cli('demo', str(demo_dir), '--force'), repeat))} (target < 3 s)"
    )
    cycle = timed(lambda: (generate(review), write_plan(check_returns(load_review(demo_dir)))), repeat)
    lines.append(f"generate + check + consolidate (sample, in-process): {fmt(cycle)}")

    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one run each: proves the script works")
    parser.add_argument("--returns", type=int, default=2500, help="returns at national scale")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--national-only", action="store_true", help="only the national-scale figures")
    args = parser.parse_args()
    repeat = 1 if args.quick else args.repeat
    national_size = 6 if args.quick else args.returns
    small = 3 if args.quick else max(1, national_size // 10)
    runs = 1 if args.quick else 3
    lines = [
        f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}; "
        f"each borough figure the median of {repeat} runs (generating and reading one return: {repeat * 20}, "
        f"taken in turn with the raw library), each national one of {runs}"
    ]

    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        if not args.national_only:
            lines += borough(base, repeat)
        for size in (small, national_size):
            started = time.perf_counter()
            nat = national_folder(base, size)
            setup = time.perf_counter() - started
            found = national(nat, runs)
            raw = statistics.median(r["seconds"] for r in found["raw read"])
            for what in ("first check", "check again", "consolidate", "export"):
                seconds = sorted(r["seconds"] for r in found[what])
                median = statistics.median(seconds)
                lines.append(
                    f"national {what}, {size} returns: median {median:.2f} s "
                    f"(min {seconds[0]:.2f}, max {seconds[-1]:.2f}), {median / raw:.1f}x the raw read; "
                    f"peak memory of the largest process {max(r['mb'] for r in found[what]):.0f} MB"
                )
            lines.append(
                "  the first consolidate, writing every record to the ledger (later ones write only what changed): "
                f"{found['consolidate'][0]['seconds']:.2f} s"
            )
            lines.append(f"  raw python-calamine process reading every cell of the {size} returns: median {raw:.2f} s")
            lines.append(
                f"  (making {size} synthetic returns and recording them as sent took {setup:.1f} s, not counted)"
            )
            shutil.rmtree(nat)

    print("\n".join(lines))


if __name__ == "__main__":
    main()
