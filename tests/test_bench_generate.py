"""The benchmark corpus generator (bench/generate.py): deterministic, realistic,
with planted near-duplicates, and readable by wartui."""

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.generate import (generate, planted_pairs, short_pairs, split_sentences,  # noqa: E402
                            write_corpus)

N, DUPES = 50, 5


def test_same_seed_same_corpus_other_seed_other_corpus():
    first = list(generate(N, seed=1, dupes=DUPES))
    assert first == list(generate(N, seed=1, dupes=DUPES))
    assert first != list(generate(N, seed=2, dupes=DUPES))
    assert planted_pairs(N, 1, DUPES) == planted_pairs(N, 1, DUPES)


def test_articles_look_like_articles():
    articles = list(generate(N, seed=1, dupes=DUPES))
    assert len(articles) == N + DUPES
    assert [a["id"] for a in articles] == [f"gen-{i:06d}" for i in range(1, N + DUPES + 1)]
    mean = sum(len(a["text"].encode()) for a in articles) / len(articles)
    assert 1200 <= mean <= 3000
    for article in articles[:N]:
        assert set(article) == {"id", "title", "text", "source", "date"}
        assert article["title"] and article["source"]
        assert re.fullmatch(r"201[1-8]-\d\d-\d\d", article["date"])
        assert 4 <= len(article["text"].split("\n\n")) <= 8


def test_planted_copies_differ_but_share_most_sentences():
    articles = {a["id"]: a for a in generate(N, seed=1, dupes=DUPES)}
    pairs = planted_pairs(N, 1, DUPES)
    assert len(pairs) == DUPES
    for orig_id, copy_id in pairs:
        orig, copy = articles[orig_id], articles[copy_id]
        assert copy["text"] != orig["text"]
        assert copy["source"] != orig["source"]
        sentences = set(split_sentences(orig["text"]))
        shared = sentences & set(split_sentences(copy["text"]))
        assert len(shared) >= 0.7 * len(sentences)


def test_planted_short_stories_sit_inside_articles_three_times_as_long():
    """A 3-5 sentence story, then an article about three times its length
    that carries it with 1-2 sentences edited: most of the story is in the
    article, and it resembles the article little (what MinHash bands of
    4 rows miss). The base articles and the near-copies do not change."""
    from wartui.versions.detect import compare_texts

    articles = {a["id"]: a for a in generate(N, seed=1, dupes=DUPES, shorts=4)}
    assert len(articles) == N + DUPES + 8
    assert [a for a in generate(N, seed=1, dupes=DUPES)] == list(articles.values())[:N + DUPES]
    pairs = short_pairs(N, 1, DUPES, 4)
    assert pairs[0] == [f"gen-{N + DUPES + 1:06d}", f"gen-{N + DUPES + 2:06d}"]
    for short_id, long_id in pairs:
        short, long = articles[short_id]["text"], articles[long_id]["text"]
        assert 3 <= len(split_sentences(short)) <= 5
        assert 2.5 <= len(long) / len(short) <= 4
        figures = compare_texts(short, long)
        assert figures.containment >= 0.5 and figures.resemblance < 0.6
        assert short not in long  # edited


def test_wartui_reads_the_jsonl(tmp_path):
    from wartui import Library

    jsonl = tmp_path / "gen.jsonl"
    manifest = tmp_path / "pairs.json"
    assert write_corpus(jsonl, N, seed=1, dupes=DUPES, manifest=manifest) == N + DUPES
    assert json.loads(manifest.read_text()) == planted_pairs(N, 1, DUPES)
    target = json.loads(jsonl.read_text().splitlines()[6])
    middle = target["text"].split("\n\n")[2]
    word = max(re.findall(r"[A-Za-z]{5,}", middle), key=len)

    with Library(tmp_path / "ix") as lib:
        report = lib.add_paths([jsonl])
        assert report.new == N + DUPES
        assert not report.skipped
        hits = lib.search(word, limit=N + DUPES).hits
        assert f"gen:{target['id']}" in {hit.id for hit in hits}


def test_versions_heavy_corpus_is_full_of_versions_and_templates():
    """`--versions-heavy`: N articles, 30% of them in planted clusters of 2 or
    more (each member sharing most of its sentences with another member),
    templated reports that share a header and a footer and nothing else,
    deterministic."""
    from bench.generate import (CLUSTER_SIZES, TEMPLATES, generate_versions_heavy,
                                planted_clusters)

    n = 2000
    articles = list(generate_versions_heavy(n, seed=1))
    assert articles == list(generate_versions_heavy(n, seed=1))
    assert articles != list(generate_versions_heavy(n, seed=2))
    assert [a["id"] for a in articles] == [f"gen-{i:06d}" for i in range(1, n + 1)]
    clusters = planted_clusters(n, seed=1)
    members = [i for c in clusters for i in c]
    assert len(members) == len(set(members)) == round(n * 0.3)
    assert all(CLUSTER_SIZES[0] <= len(c) <= CLUSTER_SIZES[1] for c in clusters)
    assert max(len(c) for c in clusters) >= 20  # a few large ones
    by_id = {a["id"]: a for a in articles}
    for cluster in clusters:
        sentences = [set(split_sentences(by_id[i]["text"])) for i in cluster]
        for i, own in enumerate(sentences[1:], 1):  # each close to another member
            assert max(len(own & other) / len(own) for other in sentences[:i]) >= 0.7
    names = {name for name, _, _ in TEMPLATES}
    templated = [a for a in articles if a["title"].split(",")[0] in names]
    assert len(templated) >= n * 0.08
    for name in names:
        group = [a for a in templated if a["title"].startswith(name + ",")]
        assert len(group) >= 2
        first, second = (a["text"].split("\n\n") for a in group[:2])
        for shared in (0, -1):  # the header and the footer: the same but for the fill-ins
            words = set(first[shared].split())
            assert len(words & set(second[shared].split())) >= 0.6 * len(words)
        stories = [set(split_sentences(" ".join(p[1:-1]))) for p in (first, second)]
        assert len(stories[0] & stories[1]) <= 1 < len(stories[0])


def test_versions_heavy_manifest(tmp_path):
    from bench.generate import planted_clusters

    jsonl, manifest = tmp_path / "v.jsonl", tmp_path / "clusters.json"
    assert write_corpus(jsonl, 300, manifest=manifest, versions_heavy=True) == 300
    assert json.loads(manifest.read_text()) == planted_clusters(300, 1)
