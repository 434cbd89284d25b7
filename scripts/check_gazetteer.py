#!/usr/bin/env python3
"""Validate src/wartui/entities/data/gazetteer.json.

Reports, and exits non-zero on:
  (a) duplicate ids (and ids that are not lowercase slugs);
  (b) unknown entity types (and missing required fields);
  (c) `parent` / `predecessors` pointing to unknown ids (or to themselves);
  (d) alias collisions: two different entities whose names/aliases have the
      same key under wartui.entities.normalize.name_key;
  (e) aliases whose key is shorter than 4 characters and that are not all-caps
      abbreviations (a spelling whose key equals the entity's own name key is
      allowed: "al-Bab" is the name's own key);
  (f) aliases (or names) that are, once the Arabic article is dropped, a single
      common English word ("State", "Front", "Sham", "Islam", "Al" ...);
plus empty keys and non-Latin aliases.  Multi-word aliases made only of common
words ("Security Council") are listed as warnings.

Prints a summary (count by type) and, when tests/data/fakes.csv is present,
how many of FA-KES's labelled `location` values name a place entity.

Usage: .venv/bin/python scripts/check_gazetteer.py [-v] [path/to/gazetteer.json]
"""

from __future__ import annotations

import collections
import json
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from wartui.entities.normalize import is_article, name_key, tokens_with_spans  # noqa: E402

DEFAULT_PATH = ROOT / "src" / "wartui" / "entities" / "data" / "gazetteer.json"
FAKES = ROOT / "tests" / "data" / "fakes.csv"

TYPES = {"place", "armed-group", "person", "organisation", "country"}
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MIN_KEY = 4

# ~400 frequent English words, plus the generic words of war reporting that
# must never stand alone as an alias (a lone "State", "Front" or "Army" would
# match everywhere).  Place names that happen to be rare English words ("Harem")
# are not listed.
COMMON_WORDS = frozenset("""
a about above across act add after again against ago air al all almost along also always am among an and
animal another answer any appear are area around as ask at away back base be became because become been
before began begin behind being below best better between big bird black blue boat body book both bottom
box boy bring brought build built but by call came can car care carry cause center centre certain change
check children city class clear close cold color colour come common complete could country course cover
cross cry cut dark day deep did differ different do does dog done door down draw drive dry during each early
earth east ease eat el end enough even ever every example eye face fact fall family far farm fast father feel
feet few field figure fill final find fine fire first fish five fly follow food foot for force form found four
free friend from front full game gave get girl give go gold good got great green ground group grow had half
hand happen hard has have he head hear heard heat help her here high him his hold home horse hot hour house
how however hundred i idea if in inch interest is island it its just keep kind king knew know land language
large last late laugh lay lead learn leave left less let letter life light like line list listen little live
long look lost lot love low made main make man many map mark may me mean measure men might mile mind minute
miss money moon more morning most mother mountain move much music must my name near need never new next night
no north not note nothing notice now number object of off often oh old on once one only open or order other
our out over own page paper part pass past pattern people perhaps person picture piece place plain plan plane
plant play point port pose possible pound power press problem produce product pull put question quick rain
ran reach read ready real record red remember rest right river road rock room round rule run said same saw say
school science sea second see seem self sentence serve set several shape she ship short should show side simple
since sing size sleep slow small snow so some something song soon sound south space special spell stand star
start state stay step still stood stop story street strong study such sun sure surface system table tail take
talk teach tell ten test than that the their them then there these they thing think this those though thought
thousand three through time to together told too took top toward town travel tree true try turn two under
unit until up upon us use usual very voice vowel wait walk want war warm was watch water way we week well went
were west what wheel when where which while white who whole why will wind with without wonder wood word work
world would write year yes yet you young your
army armies forces force front fronts states islam islamic sham shams coalition council government regime
rebels rebel militia militias militants militant opposition brigade brigades division corps legion battalion
movement party union league committee commission organization organisation agency news office ministry
department national democratic liberation revolution revolutionary united nations international global
syrian russian turkish iranian iraqi kurdish kurds kurd arab arabs american british french israeli lebanese
jordanian shiite shia sunni alawite christian muslim muslims druze jihadist jihadists terrorist terrorists
camp village district province governorate countryside desert valley border crossing airport airbase prison
hospital mosque square lake dam bridge highway eastern western northern southern central upper lower grand
holy martyr martyrs guard guards defence defense security police intelligence president minister general
leader commander prince sheikh emir caliph caliphate mr dr media observatory monitor human rights crescent
cross hill mount mountains region zone pocket capital republic kingdom peoples units protection popular
mobilization mobilisation operation operations shield spring dawn storm victory conquest salvation sunday
monday tuesday wednesday thursday friday saturday january february march april june july august september
october november december amnesty truce ceasefire deal talks summit forum official officials source sources
assembly parliament congress senate court army's gate market tower fort castle palace station
""".split())

_LETTER = re.compile(r"[^\W\d_]")


def is_all_caps(text: str) -> bool:
    letters = _LETTER.findall(text)
    return bool(letters) and all(c.isupper() for c in letters)


def is_latin(text: str) -> bool:
    for ch in text:
        if ch.isalpha() and not unicodedata.name(ch, "").startswith("LATIN"):
            return False
    return True


def content_tokens(text: str) -> list[str]:
    """Word tokens of `text` with the Arabic article dropped, lower-cased."""
    return [tok.casefold() for tok, _s, _e, hyphen in tokens_with_spans(text)
            if not is_article(tok, hyphen)]


def alias_problems(alias: str, own_key: str) -> list[str]:
    """Problems of one alias of an entity whose name has key `own_key`."""
    out = []
    key = name_key(alias)
    caps = is_all_caps(alias)
    if not key:
        out.append("empty key")
        return out
    if not is_latin(alias):
        out.append("not Latin script")
    if len(key) < MIN_KEY and not caps and key != own_key:
        out.append(f"short key {key!r}")
    toks = content_tokens(alias)
    if not caps and len(toks) == 1 and toks[0] in COMMON_WORDS:
        out.append(f"common English word {toks[0]!r}")
    return out


def check(entities: list[dict]) -> tuple[list[str], list[str]]:
    problems: list[str] = []
    warnings: list[str] = []
    ids = collections.Counter(e.get("id") for e in entities)
    for ident, n in ids.items():
        if n > 1:
            problems.append(f"(a) duplicate id {ident!r} x{n}")
        if not isinstance(ident, str) or not ID_RE.match(ident):
            problems.append(f"(a) bad id {ident!r}")
    known = set(ids)
    by_id = {e.get("id"): e for e in entities}
    owners: dict[str, set[str]] = collections.defaultdict(set)
    spellings: dict[tuple[str, str], str] = {}
    for e in entities:
        ident = e.get("id")
        etype = e.get("type")
        if etype not in TYPES:
            problems.append(f"(b) {ident}: unknown type {etype!r}")
        name = e.get("name")
        aliases = e.get("aliases", [])
        if not isinstance(name, str) or not name.strip():
            problems.append(f"(b) {ident}: missing name")
            continue
        if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
            problems.append(f"(b) {ident}: aliases must be a list of non-empty strings")
            aliases = [a for a in aliases if isinstance(a, str) and a.strip()] if isinstance(aliases, list) else []
        parent = e.get("parent")
        if parent is not None:
            if parent not in known:
                problems.append(f"(c) {ident}: unknown parent {parent!r}")
            elif parent == ident:
                problems.append(f"(c) {ident}: is its own parent")
            elif by_id[parent].get("type") != "place":
                problems.append(f"(c) {ident}: parent {parent!r} is not a place")
        preds = e.get("predecessors", [])
        if not isinstance(preds, list):
            problems.append(f"(c) {ident}: predecessors must be a list")
            preds = []
        for p in preds:
            if p not in known:
                problems.append(f"(c) {ident}: unknown predecessor {p!r}")
            elif p == ident:
                problems.append(f"(c) {ident}: is its own predecessor")
        own_key = name_key(name)
        if len(own_key) < 3 and not is_all_caps(name):
            problems.append(f"(e) {ident}: name {name!r} has a very short key {own_key!r}")
        toks = content_tokens(name)
        if len(toks) == 1 and toks[0] in COMMON_WORDS and not is_all_caps(name):
            problems.append(f"(f) {ident}: name {name!r} is a common English word")
        if not is_latin(name):
            problems.append(f"(b) {ident}: name {name!r} is not Latin script")
        seen = {name}
        for alias in aliases:
            if alias in seen:  # case variants ("Deir Al-Zour") are deliberate
                warnings.append(f"{ident}: duplicate alias {alias!r}")
            seen.add(alias)
            for prob in alias_problems(alias, own_key):
                tag = "(f)" if prob.startswith("common") else "(e)" if prob.startswith("short") else "(b)"
                problems.append(f"{tag} {ident}: alias {alias!r}: {prob}")
            toks = content_tokens(alias)
            if len(toks) > 1 and all(t in COMMON_WORDS for t in toks) and not is_all_caps(alias):
                warnings.append(f"{ident}: alias {alias!r} is made of common words only")
        for spelling in [name, *aliases]:
            key = name_key(spelling)
            if key:
                owners[key].add(ident)
                spellings.setdefault((key, ident), spelling)
    for key, who in sorted(owners.items()):
        if len(who) > 1:
            detail = ", ".join(f"{i} ({spellings[(key, i)]!r})" for i in sorted(who))
            problems.append(f"(d) collision on key {key!r}: {detail}")
    return problems, warnings


def fakes_labels(entities: list[dict]) -> tuple[int, int, list[str]] | None:
    """(rows matched, rows labelled, unmatched labels) for FA-KES `location`."""
    if not FAKES.exists():
        return None
    import csv
    import io
    from wartui.ingest.decode import decode_bytes
    decoded = decode_bytes(FAKES.read_bytes())
    text = decoded if isinstance(decoded, str) else decoded.text
    place_keys = set()
    for e in entities:
        if e.get("type") == "place":
            for s in [e["name"], *e.get("aliases", [])]:
                place_keys.add(name_key(s))
    labels = collections.Counter(row.get("location", "").strip()
                                 for row in csv.DictReader(io.StringIO(text)))
    labels.pop("", None)
    matched = sum(n for lab, n in labels.items() if name_key(lab) in place_keys)
    missing = sorted(lab for lab in labels if name_key(lab) not in place_keys)
    return matched, sum(labels.values()), missing


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    args = [a for a in argv[1:] if a != "-v"]
    path = Path(args[0]) if args else DEFAULT_PATH
    data = json.loads(path.read_text(encoding="utf-8"))
    problems: list[str] = []
    if data.get("version") != 1:
        problems.append(f"version is {data.get('version')!r}, expected 1")
    entities = data.get("entities")
    if not isinstance(entities, list):
        print("no entities list", file=sys.stderr)
        return 2
    found, warnings = check(entities)
    problems += found
    counts = collections.Counter(e.get("type") for e in entities)
    n_alias = sum(len(e.get("aliases", [])) for e in entities)
    print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: "
          f"{len(entities)} entities, {n_alias} aliases")
    for etype in sorted(counts, key=lambda t: (-counts[t], str(t))):
        print(f"  {etype:<13} {counts[etype]}")
    kinds = collections.Counter(e.get("kind") for e in entities if e.get("type") == "place")
    print("  place kinds: " + ", ".join(f"{k} {n}" for k, n in kinds.most_common()))
    fk = fakes_labels(entities)
    if fk is not None:
        matched, total, missing = fk
        print(f"FA-KES location labels naming a place entity: {matched}/{total} rows"
              + (f"; unmatched: {missing}" if missing else ""))
        if missing:
            problems.append(f"FA-KES labels with no place entity: {missing}")
    if warnings:
        print(f"{len(warnings)} warning(s)" + (":" if verbose else " (-v lists them)"))
        for w in warnings if verbose else []:
            print("  warning:", w)
    if problems:
        print(f"{len(problems)} problem(s):")
        for p in problems:
            print("  ", p)
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
