"""The review folder: the officer's settings and master lists, checked.

A review folder holds review.yaml (settings), actions.csv (the master list of
actions), health_criteria.csv and accreditation_plan.csv. Everything is
checked before anything is generated, and every mistake is reported at once
with the file, the line or row, and the fix.

model: what a checked folder holds; schema: every key of review.yaml and how
it is checked; checker: the mistakes collected with their lines; loading:
reading the folder; lists: the CSV lists.
"""

from .lists import read_table, table_rows
from .loading import load_review
from .model import (
    ACCREDITATION_FILE,
    ACTIONS_FILE,
    CRITERIA_FILE,
    FILES,
    SETTINGS_FILE,
    AccreditationAction,
    Action,
    Cluster,
    Person,
    Review,
    SubCriterion,
)
from .schema import SCHEMA, Key

__all__ = [
    "ACCREDITATION_FILE",
    "ACTIONS_FILE",
    "CRITERIA_FILE",
    "FILES",
    "SCHEMA",
    "SETTINGS_FILE",
    "AccreditationAction",
    "Action",
    "Cluster",
    "Key",
    "Person",
    "Review",
    "SubCriterion",
    "load_review",
    "read_table",
    "table_rows",
]
