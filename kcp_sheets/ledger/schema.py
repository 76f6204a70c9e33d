"""The ledger's tables, as a list of migrations: each brings the schema up
one version (PRAGMA user_version), so a ledger from an older kcp-sheets is
brought up to date when opened."""

from __future__ import annotations

# Each entry brings the schema up one version; never edit one that has shipped.
MIGRATIONS: list[list[str]] = [
    [
        """CREATE TABLE sent (
            id INTEGER PRIMARY KEY,
            review TEXT NOT NULL, template TEXT NOT NULL, cluster TEXT NOT NULL, edition INTEGER NOT NULL,
            template_version INTEGER NOT NULL, title TEXT NOT NULL, file_name TEXT NOT NULL,
            fingerprint TEXT NOT NULL, content_hash TEXT NOT NULL, sha256 TEXT NOT NULL,
            spec TEXT NOT NULL, content TEXT NOT NULL,
            sent_at TEXT NOT NULL, how TEXT NOT NULL,
            UNIQUE (review, template, cluster, edition))""",
        """CREATE TABLE returns (
            id INTEGER PRIMARY KEY,
            sha256 TEXT NOT NULL UNIQUE, name TEXT NOT NULL, sender TEXT NOT NULL, received TEXT NOT NULL,
            sent_id INTEGER REFERENCES sent(id), review TEXT NOT NULL,
            first_read TEXT NOT NULL, last_read TEXT NOT NULL,
            stage INTEGER NOT NULL, answers INTEGER NOT NULL, errors INTEGER NOT NULL, warnings INTEGER NOT NULL,
            state TEXT NOT NULL, decision TEXT NOT NULL DEFAULT '', note TEXT NOT NULL DEFAULT '',
            decided_at TEXT NOT NULL DEFAULT '')""",
        """CREATE TABLE problems (
            return_id INTEGER NOT NULL REFERENCES returns(id), key TEXT NOT NULL,
            code TEXT NOT NULL, severity TEXT NOT NULL, sheet TEXT NOT NULL, cell TEXT NOT NULL, row_id TEXT NOT NULL,
            found TEXT NOT NULL, message TEXT NOT NULL, ask TEXT NOT NULL,
            PRIMARY KEY (return_id, key))""",
        """CREATE TABLE dealt_with (
            return_id INTEGER NOT NULL REFERENCES returns(id), key TEXT NOT NULL, note TEXT NOT NULL, at TEXT NOT NULL,
            PRIMARY KEY (return_id, key))""",
        """CREATE TABLE events (
            id INTEGER PRIMARY KEY, at TEXT NOT NULL, what TEXT NOT NULL,
            return_id INTEGER REFERENCES returns(id), detail TEXT NOT NULL DEFAULT '')""",
        """CREATE TABLE consolidations (
            id INTEGER PRIMARY KEY, at TEXT NOT NULL, review TEXT NOT NULL, public INTEGER NOT NULL,
            output TEXT NOT NULL, output_sha256 TEXT NOT NULL)""",
        """CREATE TABLE consolidation_inputs (
            consolidation_id INTEGER NOT NULL REFERENCES consolidations(id), return_id INTEGER REFERENCES returns(id),
            name TEXT NOT NULL, sha256 TEXT NOT NULL, used INTEGER NOT NULL, why TEXT NOT NULL)""",
        """CREATE TABLE reviews (
            review TEXT PRIMARY KEY, year INTEGER NOT NULL, partnership TEXT NOT NULL, title TEXT NOT NULL)""",
        """CREATE TABLE records (
            review TEXT NOT NULL, year INTEGER NOT NULL, kind TEXT NOT NULL, cluster TEXT NOT NULL, id TEXT NOT NULL,
            data TEXT NOT NULL, PRIMARY KEY (review, kind, cluster, id))""",
    ],
    [
        # Earlier years' records found without reading this year's.
        "CREATE INDEX records_by_kind_year ON records (kind, year)",
        # Each record's place in its review, so a record rewritten in place keeps it.
        "ALTER TABLE records ADD COLUMN seq INTEGER NOT NULL DEFAULT 0",
    ],
    [
        # Each return's place among the copies of its workbook at the last check (0 the
        # newest, as the check orders them); NULL for one that check did not find.
        "ALTER TABLE returns ADD COLUMN copy_rank INTEGER",
    ],
]
SCHEMA_VERSION = len(MIGRATIONS)
