"""The public copy: people removed, organisations kept.

A resident must see who leads each action without any person being named
(the Data Protection Act asks that people are not identified; organisations,
teams and roles are public). Where people are named (a key contact, a lead,
who attended), a cell keeps the pieces that are plainly an organisation, a
team, a role or a place ("Connexions Kensington and Chelsea", "Business Link
for London", "RBKC"), losing any person's name inside them ("RBKC Officers:
Tony Redpath"); every other piece with a capital letter is taken for a person.
Anywhere else, the people known by name (the settings, the senders, those
named where people are named) are removed, with every e-mail address and
telephone number. An organisation named by two capitalised words alone, with
no word that marks it as one, reads as a person's name and is removed: the
copy errs towards no person being named."""

from __future__ import annotations

import email.utils
import re
from dataclasses import replace
from typing import Any

from .content import Content
from .settings import Review
from .spec import WorkbookSpec

EMAIL_ADDRESS = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?<!\d)(?:\+44\s?|0)(?:\d[\s-]?){9,10}(?!\d)")
CONTACT_AFTER_DASH = re.compile(r"\s[-–]\s*([A-Z][a-z'’-]+(?:\s+[A-Z][a-z'’-]+)+)")


ORGANISATION_WORDS = {
    "agency",
    "association",
    "board",
    "centre",
    "college",
    "council",
    "department",
    "exchange",
    "forum",
    "group",
    "health",
    "network",
    "office",
    "officer",
    "officers",
    "partnership",
    "police",
    "project",
    "school",
    "service",
    "services",
    "society",
    "strategy",
    "sub-group",
    "subgroup",
    "team",
    "trust",
    "unit",
}


def people_in(text: Any, places: frozenset[str] = frozenset()) -> set[str]:
    """Names of people in a column that names people ("Miles Watson", not "Youth
    Service"): a listed piece that is nothing but a name, and the names inside a
    piece that also names an organisation or a role ("RBKC: Helen Kay")."""
    people = set()
    for piece in PIECES.split(str(text or "")):
        piece = piece.strip().strip("?!.*").strip()  # "Vera Gajic?": a name the sender was unsure of is still a name
        if not piece or piece in MARKERS:
            continue
        if not kept_in_public(piece, places):
            people |= {piece} if 2 <= len(piece.split()) <= 4 else set()
        people |= {m.group(0) for m in _person_runs(piece, places)}
    return people


ROLE_WORDS = {
    "champion",
    "champions",
    "chair",
    "co-ordinator",
    "co-ordinators",
    "coordinator",
    "coordinators",
    "members",
    "member",
    "staff",
    "residents",
    "manager",
    "managers",
    "director",
    "lead",
    "leads",
    "panel",
    "committee",
    "steering",
    "all",
}
PIECES = re.compile(r"\s*(?:[,;/()]|\s[-–]\s)\s*")  # a list of names and bodies: "Helen Kay, RBKC", "RBKC - Vera Gajic"
ACRONYM = re.compile(r"\b[A-Z]{2,}\b")  # RBKC, PCT, NHS
UPPER, LOWER = "A-ZÀ-ÖØ-Þ", "a-zß-öø-ÿ'’"
NAME_WORD = rf"(?:Mc|Mac|O['’])?[{UPPER}][{LOWER}]+(?:-[{UPPER}]?[{LOWER}]+)*"
TITLE = r"(?:Cllr|Councillor|Dr|Mr|Mrs|Ms|Miss|Prof|Rev|Sir|Dame)\.?"
PERSON_RUN = re.compile(
    rf"(?<![\w-])(?:{TITLE}\s+{NAME_WORD}(?:\s+{NAME_WORD})*|{NAME_WORD}(?:\s+(?:[A-Z]\.\s*)?{NAME_WORD})+)(?![\w-])"
)
REMOVED = "[name removed]"
MARKERS = {REMOVED, "[e-mail removed]", "[telephone removed]"}


def place_words(partnership: str) -> frozenset[str]:
    """The places in the partnership's name ("Kensington", "Chelsea"): a body named
    after the borough ("Connexions Kensington and Chelsea") is no person."""
    words = {w.strip(".,'’").lower() for w in partnership.split() if w[:1].isupper()}
    return frozenset(words - ORGANISATION_WORDS - ROLE_WORDS)


# "Business Link for London", "Friends of the Royal Borough": a body's name goes on
# past these words. "At" never does: "Helen Kay at RBKC" is a person at a body.
CONNECTORS = {"for", "of", "the", "in"}
TITLED = re.compile(rf"{TITLE}\s")


def _not_people(words: set[str], places: frozenset[str]) -> bool:
    """Words that name an organisation, a role or a place, whole or at a word's end ("Jobcentre")."""
    named = ORGANISATION_WORDS | ROLE_WORDS | places
    return bool(words & named) or any(w.endswith(o) for w in words for o in ORGANISATION_WORDS if len(w) > len(o) + 2)


def _person_runs(piece: str, places: frozenset[str]) -> list[re.Match[str]]:
    """The runs of capitalised words in a piece that are a person's name: no word of
    an organisation, a role or a place in them, nor one just after ("Agenda
    Planning sub-group", "Community Strategy subgroup")."""
    runs = []
    for match in PERSON_RUN.finditer(piece):
        words = {w.strip(".'’").lower() for w in match.group(0).split()}
        after = [w.strip(".,:;'’") for w in piece[match.end() :].split()]
        following = after[0].lower() if after else ""
        before = piece[: match.start()].split()
        if (
            not (before and before[-1].lower() == "the")  # "Friends of the Royal Borough": nobody is "the Jane Smith"
            and not _not_people(words, places)
            and not _not_people({following}, places)
            and not (following in CONNECTORS and _names_a_body(match.group(0), after))
            and not following.startswith("sub")
        ):
            runs.append(match)
    return runs


def _names_a_body(run: str, after: list[str]) -> bool:
    """Whether capitalised words and the connector after them are one body's name
    ("Business Link for London"), not a person of a body ("Tony Redpath for RBKC",
    "Vera Gajic of the PCT", "Cllr Anne Reeves of Housing"): errs towards a person."""
    if TITLED.match(run):
        return False
    rest = [w for w in after if w.lower() not in CONNECTORS]
    return not (rest and ACRONYM.fullmatch(rest[0]))


def _kept(piece: str, places: frozenset[str]) -> str:
    """A piece kept for its organisation, role or acronym still
    loses the names in it ("RBKC Officers: Tony Redpath")."""
    for match in reversed(_person_runs(piece, places)):
        piece = piece[: match.start()] + REMOVED + piece[match.end() :]
    return piece


def kept_in_public(piece: str, places: frozenset[str] = frozenset()) -> bool:
    """A piece of a cell that names people which is plainly no person: an organisation, a team, a role, an acronym."""
    if piece.strip() in MARKERS:
        return True
    words = {w.strip(".:'’").lower() for w in piece.split()}
    if not any(w[:1].isupper() for w in piece.split()):  # "(as server host)", "2004/06": no name in it
        return True
    return _not_people(words, places) or bool(words & CONNECTORS) or bool(ACRONYM.search(piece))


def people_removed(text: str, places: frozenset[str] = frozenset()) -> str:
    """A cell that names people, keeping only what is plainly not a person."""
    parts = PIECES.split(text)
    seps = PIECES.findall(text)
    out = [_kept(part, places) if not part.strip() or kept_in_public(part, places) else REMOVED for part in parts]
    return "".join(piece + (seps[n] if n < len(seps) else "") for n, piece in enumerate(out))


def public_spec(spec: WorkbookSpec) -> WorkbookSpec:
    """The plan less the officer's working sheets and summary blocks: they name files, senders, notes and problems."""
    sheets = tuple(replace(s, blocks=tuple(b for b in s.blocks if not b.officer)) for s in spec.sheets if not s.officer)
    return replace(spec, title=spec.title + " (public copy)", sheets=sheets)


def without_people(spec: WorkbookSpec, content: Content, review: Review, senders: list[str]) -> None:
    """Remove people: their names (those in the settings and the senders, and any
    person named where people are named), e-mail addresses and telephone
    numbers. Organisations, teams and roles stay, so a reader sees who leads
    each action without any person being named."""
    places = place_words(review.partnership)
    names = {review.officer.name}
    for cluster in review.clusters:
        names |= {p.name for p in cluster.champions + cluster.coordinators}
    for sender in senders:
        display, _ = email.utils.parseaddr(sender)
        if display:
            names.add(display)
    personal = {s.key: {c.key for c in s.table.columns if c.personal} for s in spec.sheets if s.table}
    for sheet, rows in content.rows.items():
        for row in rows:
            # People named where people are named (key contacts, attendance) are
            # removed wherever else they appear; so are those named after a dash in
            # a partners list, the papers' way of naming a contact ("The Westway
            # Project - Miles Watson").
            for key in personal.get(sheet, ()):
                names |= people_in(row.get(key), places)
            for match in CONTACT_AFTER_DASH.finditer(str(row.get("partners") or "")):
                names |= people_in(match.group(1), places)
    names = {n for n in names if len(n.strip()) > 3 and " " in n.strip()}
    pattern = (
        re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)), re.IGNORECASE)
        if names
        else None
    )

    def clean(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        value = EMAIL_ADDRESS.sub("[e-mail removed]", value)
        value = PHONE.sub("[telephone removed]", value)
        return pattern.sub(REMOVED, value) if pattern else value

    cleaned: set[int] = set()  # Outstanding lists All Actions' own rows: each is cleaned once
    for sheet, rows in content.rows.items():
        for row in rows:
            first = id(row) not in cleaned
            cleaned.add(id(row))
            if first:  # people go; the organisations, teams and roles beside them stay
                for key, value in list(row.items()):
                    row[key] = (
                        people_removed(clean(value), places)
                        if key in personal.get(sheet, ()) and isinstance(value, str)
                        else clean(value)
                    )
    for rows in content.blocks.values():
        for row in rows:
            for key, value in list(row.items()):
                row[key] = clean(value)
    content.author = review.partnership
