"""What one kind of problem says: its severity, its message and what to ask for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Kind:
    """One code's wording; `{fact}` fields are filled in when a problem is found."""

    severity: Severity
    message: str
    ask: str
