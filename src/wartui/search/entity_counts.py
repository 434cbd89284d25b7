"""The entities most named by a query's results: for the app's entity
browser (the top places, armed groups and people of what is on screen).

Each entity id is a word of the `entity` field, and its postings list the
articles naming it: counted against the query's matches (a mask), most
named in the whole index first. An entity's count among the results is at
most its count in the index, so once a type has its `most` entities and the
next one of that type is named in fewer articles of the whole index than
the last kept, the rest of that type are not read.
"""

from __future__ import annotations

from ..entities.gazetteer import Entity, Gazetteer


def top_entities(searcher, mask, gazetteer: Gazetteer, corpus: dict[str, int],
                 types: tuple[str, ...], most: int) -> dict[str, list[tuple[Entity, int]]]:
    """{type: [(entity, articles of `mask` naming it)], most named first}.
    `corpus`: {entity id: articles of the index naming it}
    (Searcher.term_doc_counts("entity"))."""
    field = searcher.schema["entity"]
    kept: dict[str, list[tuple[Entity, int]]] = {kind: [] for kind in types}
    done: set[str] = set()
    for entity_id, in_corpus in sorted(corpus.items(), key=lambda item: -item[1]):
        entity = gazetteer.get(entity_id)
        if entity is None or entity.type not in kept or entity.type in done:
            continue
        found = kept[entity.type]
        if len(found) >= most and found[-1][1] >= in_corpus:
            done.add(entity.type)  # none of the rest can beat the last kept
            if len(done) == len(types):
                break
            continue
        ids = searcher.fast.postings("entity", field.to_bytes(entity_id)).ids
        count = int(mask[ids].sum()) if len(ids) else 0
        if count:
            found.append((entity, count))
            found.sort(key=lambda pair: (-pair[1], pair[0].name))
            del found[most:]
    return kept
