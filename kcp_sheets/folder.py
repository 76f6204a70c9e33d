"""The review folder's layout and the bundled sample review."""

from __future__ import annotations

import shutil
from pathlib import Path

from .problems import ProblemError, problem
from .settings import SETTINGS_FILE

SAMPLE = "kcp-2004"
INBOX, OUTBOX, OUTPUT = "inbox", "outbox", "output"


def samples_dir() -> Path:
    """samples/ as shipped in the wheel, or beside the source tree."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "samples", here.parent / "samples"):
        if (candidate / SAMPLE / SETTINGS_FILE).is_file():
            return candidate
    raise ProblemError([problem("settings-missing", "samples", what="The bundled sample review (reinstall kcp-sheets)")])


def init_folder(target: Path, force: bool = False) -> Path:
    """A new review folder holding the bundled sample, with an empty inbox."""
    if (target / SETTINGS_FILE).exists() and not force:
        raise ProblemError(
            [problem("settings-invalid", str(target), detail=f"{target} already holds a review.", fix="Choose another folder, or add --force to overwrite its settings with the sample's.")]
        )
    target.mkdir(parents=True, exist_ok=True)
    for item in sorted((samples_dir() / SAMPLE).iterdir()):
        if item.is_file():
            shutil.copyfile(item, target / item.name)
    for sub in (INBOX, OUTBOX, OUTPUT):
        (target / sub).mkdir(exist_ok=True)
    return target
