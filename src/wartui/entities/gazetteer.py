"""The gazetteer: entities of the war, with every spelling, as data.

`data/gazetteer.json` lists entities (id, type, name, aliases, relations).
Loading it builds the lookup tables the recogniser walks:

- `keys`: name_key(alias) -> entity ids (one key can name several entities);
- `prefixes`: every prefix of every key, so a match attempt stops at the
  first token that cannot continue any name;
- `caps_only`: keys that exist only as all-caps abbreviations ("HTS", "IS"),
  which must be written in capitals to match.

Building them takes ~100 ms (a name_key per spelling), and every process
that searches or recognises needs them first thing: the CLI at each command,
the app at its first search, each ingest worker. So they are kept in the
user's cache (config.cache_dir), named by a digest of the gazetteer file and
of the code that builds them: a changed file or a changed spelling rule is
never read from stale tables. Reading them back takes ~12 ms.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from . import normalize
from .normalize import name_key

DATA_PATH = Path(__file__).with_name("data") / "gazetteer.json"
GAZETTEER_ENV = "WARTUI_GAZETTEER"
TYPES = ("place", "armed-group", "person", "organisation", "country")


@dataclass(frozen=True)
class Entity:
    id: str
    type: str
    name: str
    aliases: tuple[str, ...] = ()
    kind: str = ""
    predecessors: tuple[str, ...] = ()
    parent: str = ""  # for places: the governorate (or region) they lie in

    @property
    def spellings(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass
class Gazetteer:
    version: int
    entities: dict[str, Entity]
    keys: dict[str, tuple[str, ...]] = field(default_factory=dict)
    prefixes: frozenset[str] = frozenset()
    caps_only: frozenset[str] = frozenset()

    @classmethod
    def from_data(cls, data: dict) -> Gazetteer:
        entities: dict[str, Entity] = {}
        keys: dict[str, list[str]] = {}
        spelled: dict[str, list[bool]] = {}  # key -> [is the alias all caps?]
        for item in data["entities"]:
            entity = Entity(
                id=item["id"], type=item["type"], name=item["name"],
                aliases=tuple(item.get("aliases", ())), kind=item.get("kind", ""),
                predecessors=tuple(item.get("predecessors", ())),
                parent=item.get("parent", ""))
            entities[entity.id] = entity
            for spelling in entity.spellings:
                key = name_key(spelling)
                if not key:
                    continue
                ids = keys.setdefault(key, [])
                if entity.id not in ids:
                    ids.append(entity.id)
                spelled.setdefault(key, []).append(_is_abbreviation(spelling))
        prefixes = {key[:n] for key in keys for n in range(1, len(key) + 1)}
        return cls(
            version=data.get("version", 1),
            entities=entities,
            keys={k: tuple(v) for k, v in keys.items()},
            prefixes=frozenset(prefixes),
            caps_only=frozenset(k for k, flags in spelled.items() if all(flags)),
        )

    def lookup(self, text: str) -> list[Entity]:
        """Entities with a spelling equal to `text` (spelling-insensitive)."""
        return [self.entities[i] for i in self.keys.get(name_key(text), ())]

    def get(self, entity_id: str) -> Entity | None:
        return self.entities.get(entity_id)


def _is_abbreviation(spelling: str) -> bool:
    letters = [c for c in spelling if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters) and len(letters) <= 6


def gazetteer_path() -> Path:
    """The bundled gazetteer, or the file named by $WARTUI_GAZETTEER."""
    return Path(os.environ.get(GAZETTEER_ENV) or DATA_PATH)


@lru_cache(maxsize=2)
def _load(path: Path) -> Gazetteer:
    raw = path.read_bytes()
    tables = _tables_path(raw)
    gazetteer = _read_tables(tables) if tables else None
    if gazetteer is None:
        gazetteer = Gazetteer.from_data(json.loads(raw))
        if tables:
            _write_tables(tables, gazetteer)
    return gazetteer


# Table files kept in the cache, the most recently written: this gazetteer
# and others ($WARTUI_GAZETTEER), or tables of older code.
TABLES_KEPT = 4


def _tables_path(raw: bytes) -> Path | None:
    """The cache file for the tables of this gazetteer file's bytes, as this
    code builds them; None when there is no cache (no home directory)."""
    from ..config import cache_dir

    digest = hashlib.blake2b(raw, digest_size=16)
    for module in (normalize.__file__, __file__):  # the spelling rules and the builder
        try:
            digest.update(Path(module).read_bytes())
        except OSError:  # no source to hash (a zipped install): no cache
            return None
    digest.update(f"{sys.version_info[:2]} {marshal.version}".encode())
    try:
        return cache_dir() / f"gazetteer-{digest.hexdigest()}.marshal"
    except RuntimeError:  # no home directory to put a cache in
        return None


def _read_tables(path: Path) -> Gazetteer | None:
    """The gazetteer from its cached tables; None if there are none or they
    do not read back (then they are made again)."""
    try:
        version, rows, keys, prefixes, caps_only = marshal.loads(path.read_bytes())
        return Gazetteer(version, {row[0]: Entity(*row) for row in rows}, keys, prefixes,
                         caps_only)
    except (OSError, EOFError, ValueError, TypeError, IndexError):
        return None


def _write_tables(path: Path, gazetteer: Gazetteer) -> None:
    """Cache the tables; a cache that cannot be written is only slower."""
    rows = [(e.id, e.type, e.name, e.aliases, e.kind, e.predecessors, e.parent)
            for e in gazetteer.entities.values()]
    data = marshal.dumps((gazetteer.version, rows, gazetteer.keys, gazetteer.prefixes,
                          gazetteer.caps_only))
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(data)
        os.replace(partial, path)  # whole or not at all, also with workers racing
    except OSError:
        try:
            partial.unlink(missing_ok=True)
        except OSError:
            pass
        return
    try:
        kept = sorted(path.parent.glob("gazetteer-*.marshal"),
                      key=lambda p: p.stat().st_mtime, reverse=True)
        for stale in kept[TABLES_KEPT:]:
            stale.unlink(missing_ok=True)
    except OSError:  # (another process tidying at the same time)
        pass


def load_gazetteer(path: Path | None = None) -> Gazetteer:
    return _load(path or gazetteer_path())
