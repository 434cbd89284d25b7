"""search/prepared.py: postings computed where the article is cleaned, and
document lengths read once at a commit, write the very segment Whoosh
writes on its own."""

import collections
import itertools
import pickle
import zlib

import pytest
from whoosh import index as whoosh_index
from whoosh.codec.base import FieldWriter
from whoosh.codec.whoosh3 import W3PostingsWriter
from whoosh.fields import FieldType

from wartui import Library
from wartui.search.engine import blocks, flat, prepared
from wartui.search.engine.prepared import Indexed, indexed
from wartui.search.schema import build_schema
from wartui.search.writer import document_fields


def _segment(ix) -> dict:
    """Everything a search reads from the index: every term's postings
    (documents, weights, encoded positions, and each block's shortest and
    longest document), each document's stored fields, field lengths and
    column values."""
    with ix.reader() as reader:
        postings = {}
        for fieldname, btext in reader.all_terms():
            matcher = reader.postings(fieldname, btext)
            found = []
            while matcher.is_active():
                found.append((matcher.id(), matcher.weight(), matcher.value(),
                              matcher.block_min_length(), matcher.block_max_length()))
                matcher.next()
            postings[(fieldname, btext)] = found
        docs = list(range(reader.doc_count_all()))
        schema = ix.schema
        lengths = {name: [reader.doc_field_length(d, name) for d in docs]
                   for name in schema.scorable_names()}
        columns = {name: list(reader.column_reader(name, translate=False)) for name in schema.names()
                   if reader.has_column(name)}
        stored = [reader.stored_fields(d) for d in docs]
    return {"postings": postings, "lengths": lengths, "columns": columns, "stored": stored}


@pytest.fixture(scope="module")
def built(tmp_path_factory, seeds_dir, fakes_csv) -> tuple[dict, list]:
    """The seeds and FA-KES indexed by wartui (postings prepared), and the
    documents it wrote, in their order."""
    root = tmp_path_factory.mktemp("prepared")
    with Library(root / "index") as library:
        library.add_paths([seeds_dir, fakes_csv])
        ix = library._ix
        with ix.searcher() as searcher:
            ids = [fields["id"] for fields in searcher.all_stored_fields()]
        articles = library._store.get_many(ids)
        documents = [document_fields(articles[doc_id]) for doc_id in ids]
        return _segment(ix), documents


def test_prepared_postings_write_the_segment_whoosh_writes(built, tmp_path, monkeypatch):
    wartui_segment, documents = built
    _whoosh_alone(monkeypatch)
    ix = whoosh_index.create_in(str(tmp_path), build_schema())
    writer = ix.writer()
    for fields in documents:
        writer.add_document(**fields)
    writer.commit()
    whoosh_segment = _segment(ix)
    assert len(whoosh_segment["postings"]) > 10_000
    assert len(whoosh_segment["stored"]) == 809
    assert wartui_segment == whoosh_segment


def test_a_small_segment_merged_into_prepared_postings_is_written_as_whoosh_would(
        tmp_path, seeds_dir, fakes_csv, monkeypatch):
    """At the second commit the seeds' small segment is merged into the new
    one: its postings come from Whoosh's pool, FA-KES's prepared, in the same
    fields (the path of an incremental update)."""
    from wartui.search.writer import merge_policy

    seed_files = sorted(seeds_dir.iterdir())
    commits = []
    with Library(tmp_path / "index") as library:
        for paths in ([seed_files[0]], seed_files[1:], [fakes_csv]):
            before = set(_ids(library._ix)) if library._ix is not None else set()
            library.add_paths(paths)
            commits.append([doc_id for doc_id in _ids(library._ix) if doc_id not in before])
        ix = library._ix
        assert len(ix._segments()) == 1  # the two small ones merged into FA-KES's
        merged, wartui_segment = _ids(ix), _segment(ix)
        articles = library._store.get_many(merged)
    assert merged[:len(commits[2])] == commits[2]  # the new documents, then the merged ones

    _whoosh_alone(monkeypatch)
    (tmp_path / "whoosh").mkdir()
    plain = whoosh_index.create_in(str(tmp_path / "whoosh"), build_schema())
    for doc_ids in commits:
        writer = plain.writer()
        for doc_id in doc_ids:
            writer.add_document(**document_fields(articles[doc_id]))
        writer.commit(mergetype=merge_policy)
    assert _ids(plain) == merged
    assert wartui_segment == _segment(plain)


def _whoosh_alone(monkeypatch) -> None:
    """Whoosh on its own: its own FieldType.index, per-posting length reads
    and block writer (every block compressed, no flat postings)."""
    monkeypatch.setattr(FieldType, "index", prepared._whoosh_index)
    monkeypatch.setattr(FieldWriter, "add_postings", prepared._whoosh_add_postings)
    monkeypatch.setattr(W3PostingsWriter, "_write_block", flat._whoosh_write_block)


def test_only_blocks_worth_it_are_compressed(corpus_library):
    """blocks.py: a block pickled under COMPRESS_FROM bytes is stored as is;
    the others compressed, and all read back (the test above)."""
    ix = corpus_library._ix
    kinds = collections.Counter()
    with ix.reader() as reader:
        for fieldname, btext in itertools.islice(reader.all_terms(), 0, None, 7):
            matcher = reader.postings(fieldname, btext)
            while matcher.is_active():
                start = matcher._dataoffset
                data = matcher._postfile.get(start, matcher._nextoffset - start)
                if matcher._compression:
                    kinds["compressed"] += 1
                    assert len(zlib.decompress(data)) >= blocks.COMPRESS_FROM
                else:
                    kinds["as is"] += 1
                    assert len(data) < blocks.COMPRESS_FROM
                    pickle.loads(data)
                matcher._next_block()
    assert kinds["compressed"] > 100 and kinds["as is"] > 1000


def _ids(ix) -> list[str]:
    with ix.searcher() as searcher:
        return [fields["id"] for fields in searcher.all_stored_fields()]


def test_analysed_fields_are_prepared_unique_and_numeric_ones_left_to_whoosh(fakes_csv):
    from wartui.ingest.pipeline import prepare
    from wartui.ingest.sources import read_path

    record = next(r for r in read_path(fakes_csv) if hasattr(r, "text"))
    made = prepare(record, "digest")
    fields, plain = made.fields, document_fields(made.article)
    assert {name for name, value in fields.items() if isinstance(value, Indexed)} == {
        name for name in ("title", "body", "source", "source_facet", "author", "path",
                          "content_hash", "entity") if plain.get(name) is not None}
    assert fields["id"] == plain["id"]  # unique: Whoosh deletes older versions by its value
    assert fields["date"] == plain["date"] and fields["sortdate"] == plain["sortdate"]
    # what is stored and put in columns is the value itself
    assert fields["_stored_source"] == plain["source"] == made.article.source
    schema = build_schema()
    for name in ("title", "body", "source", "entity"):
        assert fields[name].postings == list(prepared._whoosh_index(schema[name], plain[name]))
    body = fields["body"].postings
    assert len(body) > 20
    assert any(freq > 1 for _, freq, _, _ in body)  # positions of several occurrences
    # what a worker sends back survives the trip
    assert pickle.loads(pickle.dumps(fields))["body"].postings == body


def test_indexed_leaves_fields_without_a_value(fakes_csv):
    schema = build_schema()
    out = indexed(schema, {"id": "a", "title": ["report"], "author": None, "_stored_title": "T"})
    assert out["author"] is None and out["_stored_title"] == "T"
    assert [term for term, *_ in out["title"].postings] == [b"report"]


def test_positions_sorted_by_term_are_the_encoded_ones_decoded(fakes_csv):
    """The writer hands the flat postings each block's positions decoded
    (Indexed.positions, reordered with the postings) instead of decoding
    Whoosh's encoded values again: they must be the same positions."""
    from whoosh.formats import Positions

    from wartui.ingest.pipeline import prepare
    from wartui.ingest.sources import read_path
    from wartui.search.engine.prepared_writer import _FieldPostings

    records = [r for r in itertools.islice(read_path(fakes_csv), 60) if hasattr(r, "text")]
    postings, interned = _FieldPostings(), {}
    for docnum, record in enumerate(records):
        postings.add(docnum, prepare(record, "digest").fields["body"], interned)
    done = postings.sorted_by_term()
    assert done.positions is not None
    decode = Positions().decode_positions
    assert len(done.values) == len(done.counts) > 5_000
    for i, value in enumerate(done.values):
        assert done.positions[done.starts[i]:done.starts[i + 1]].tolist() == decode(value)
    # one document whose field has no decoded positions: the field goes without
    plain = Indexed.of(prepared._whoosh_index(build_schema()["body"], ["shelling", "aleppo"]))
    postings.add(len(records), plain, interned)
    assert postings.sorted_by_term().positions is None
