"""The gazetteer: entities of the war, with every spelling, as data.

`data/gazetteer.json` lists entities (id, type, name, aliases, relations).
Loading it builds the lookup tables the recogniser walks:

- `keys`: name_key(alias) -> entity ids (one key can name several entities);
- `prefixes`: every prefix of every key, so a match attempt stops at the
  first token that cannot continue any name;
- `caps_only`: keys that exist only as all-caps abbreviations ("HTS", "IS"),
  which must be written in capitals to match.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

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
    with open(path, encoding="utf-8") as handle:
        return Gazetteer.from_data(json.load(handle))


def load_gazetteer(path: Path | None = None) -> Gazetteer:
    return _load(path or gazetteer_path())
