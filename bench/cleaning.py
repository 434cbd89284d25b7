"""How well the cleaner tells article from junk on labelled pages.

    .venv/bin/python bench/cleaning.py                 # the fixture set in tests/data/cleaning
    .venv/bin/python bench/cleaning.py --per-page      # and each page's misses
    .venv/bin/python bench/cleaning.py --justext       # jusText on the same pages, for comparison
    .venv/bin/python bench/cleaning.py --cost tests/data/fakes.csv bench/corpus/100000.jsonl
                                                       # CPU ms per article: learning, cleaning

Each fixture page (`*.page`, format in tests/data/cleaning/README.md) gives
every raw line a label: `T` the headline, `K` article text, `D` junk. The
pages are cleaned the way `wartui index` cleans a folder of them: the site
furniture is learned from all of them first. A line counts as kept when the
cleaner dropped nothing of it, as dropped when it dropped all of it.

Figures (JSON): `kept` (article lines kept / all article lines), `dropped`
(junk lines dropped / all junk lines), the same counted by fragment (a run of
consecutive lines of one label in one block, as a hand-labeller counts
"fragments"), `title_date` (pages whose title and date are both right),
`ms_per_page` (cleaning alone, the learning pass included).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "data" / "cleaning"
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

from wartui.ingest.clean import _key, clean, load_rules  # noqa: E402
from wartui.model import RawRecord  # noqa: E402

LABELS = ("T", "K", "D")


@dataclass
class Fixture:
    name: str
    site: str
    title: str
    date: str
    note: str
    labels: list[str | None] = field(default_factory=list)  # per raw line; None: blank
    raw: str = ""

    @property
    def record(self) -> RawRecord:
        return RawRecord(id=self.name, path=f"{self.name}.txt", text=self.raw)


def load_fixture(path: Path) -> Fixture:
    header: dict[str, str] = {}
    labels, lines = [], []
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
        if line.startswith("# ") and not lines:
            key, _, value = line[2:].partition(":")
            header[key.strip()] = value.strip()
            continue
        if not line.strip():
            labels.append(None)
            lines.append("")
            continue
        label, text = line[:1], line[2:]
        if label not in LABELS or line[1:2] != " ":
            raise ValueError(f"{path.name}:{number}: a line must start with T, K or D and a space")
        labels.append(label)
        lines.append(text)
    while lines and not lines[-1]:  # (the file's final newline)
        lines.pop()
        labels.pop()
    return Fixture(path.stem, header.get("site", ""), header.get("title", ""),
                   header.get("date", ""), header.get("note", ""), labels, "\n".join(lines))


def load_fixtures(directory: Path = FIXTURES) -> list[Fixture]:
    return [load_fixture(path) for path in sorted(directory.glob("*.page"))]


def clean_fixtures(fixtures: list[Fixture], furniture: bool = True):
    """Each fixture's Article, the site furniture learned from them all."""
    rules = load_rules()
    records = [fixture.record for fixture in fixtures]
    if not furniture:
        return [clean(record, rules) for record in records]
    from wartui.ingest.furniture import learn

    knowledge = learn(records)
    return [clean(record, rules, furniture=knowledge) for record in records]


def _dropped_lines(article) -> tuple[set[int], set[int]]:
    """(lines dropped whole, lines dropped in part)."""
    whole, part = set(), set()
    for item in article.dropped:
        if not item.line:
            continue
        (part if getattr(item, "start", None) is not None else whole).add(item.line)
    return whole, part - whole


def _fragments(labels: list[str | None]) -> list[tuple[str, list[int]]]:
    """Runs of consecutive lines of one label, blank lines ending a run."""
    runs: list[tuple[str, list[int]]] = []
    previous = None
    for number, label in enumerate(labels, 1):
        if label is None:
            previous = None
            continue
        label = "K" if label == "T" else label
        if label == previous:
            runs[-1][1].append(number)
        else:
            runs.append((label, [number]))
        previous = label
    return runs


def score(fixtures: list[Fixture], articles) -> dict:
    kept = article_lines = dropped = junk_lines = 0
    kept_fragments = article_fragments = dropped_fragments = junk_fragments = 0
    title_date = 0
    pages = []
    for fixture, article in zip(fixtures, articles):
        whole, part = _dropped_lines(article)
        lost, stayed = [], []
        for number, label in enumerate(fixture.labels, 1):
            if label == "K":
                article_lines += 1
                if number in whole or number in part:
                    lost.append(number)
                else:
                    kept += 1
            elif label == "D":
                junk_lines += 1
                if number in whole:
                    dropped += 1
                else:
                    stayed.append(number)
        for label, numbers in _fragments(fixture.labels):
            if label == "K":
                article_fragments += 1
                kept_fragments += not any(n in whole or n in part for n in numbers)
            else:
                junk_fragments += 1
                dropped_fragments += all(n in whole for n in numbers)
        title_right = _key(article.title) == _key(fixture.title)
        date_right = (article.date or "") == fixture.date
        title_date += title_right and date_right
        raw_lines = fixture.raw.split("\n")
        pages.append({
            "page": fixture.name,
            "article_lines_lost": [f"L{n}: {raw_lines[n - 1][:90]}" for n in lost],
            "junk_lines_kept": [f"L{n}: {raw_lines[n - 1][:90]}" for n in stayed],
            "title": None if title_right else [article.title[:90], fixture.title[:90]],
            "date": None if date_right else [article.date, fixture.date],
        })
    return {
        "pages": len(fixtures),
        "sites": len({f.site for f in fixtures}),
        "kept": _share(kept, article_lines),
        "dropped": _share(dropped, junk_lines),
        "kept_fragments": _share(kept_fragments, article_fragments),
        "dropped_fragments": _share(dropped_fragments, junk_fragments),
        "title_date": _share(title_date, len(fixtures)),
        "per_page": pages,
    }


def _share(part: int, whole: int) -> dict:
    return {"n": part, "of": whole, "share": round(part / whole, 3) if whole else None}


def justext_score(fixtures: list[Fixture]) -> dict:
    """jusText on the same pages: each raw line a paragraph, as the issue's
    comparison wrapped plain text."""
    import html

    import justext

    kept = article_lines = dropped = junk_lines = 0
    stoplist = justext.get_stoplist("English")
    for fixture in fixtures:
        lines = fixture.raw.split("\n")
        numbers = [n for n, line in enumerate(lines, 1) if line.strip()]
        page = "<html><body>" + "".join(f"<p>{html.escape(lines[n - 1])}</p>"
                                        for n in numbers) + "</body></html>"
        paragraphs = justext.justext(page, stoplist)
        good = {n for n, p in zip(numbers, paragraphs) if not p.is_boilerplate}
        for number, label in enumerate(fixture.labels, 1):
            if label == "K":
                article_lines += 1
                kept += number in good
            elif label == "D":
                junk_lines += 1
                dropped += number not in good
    return {"kept": _share(kept, article_lines), "dropped": _share(dropped, junk_lines)}


def cost(path: Path, limit: int = 5000, runs: int = 3) -> dict:
    """CPU time per article of learning the furniture of the first `limit`
    articles of a collection and of cleaning them with it (best of `runs`)."""
    from wartui.ingest.furniture import learn
    from wartui.ingest.sources import read_path

    records = []
    for item in read_path(path):
        if isinstance(item, RawRecord):
            records.append(item)
            if len(records) >= limit:
                break
    rules = load_rules()
    learning = cleaning = float("inf")
    for _ in range(runs):
        started = time.process_time()
        furniture = learn(records)
        learning = min(learning, time.process_time() - started)
        started = time.process_time()
        for record in records:
            clean(record, rules, furniture=furniture)
        cleaning = min(cleaning, time.process_time() - started)
    return {"articles": len(records), "learn_ms": round(1000 * learning / len(records), 3),
            "clean_ms": round(1000 * cleaning / len(records), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dir", type=Path, default=FIXTURES)
    parser.add_argument("--per-page", action="store_true", help="list each page's misses")
    parser.add_argument("--justext", action="store_true", help="score jusText too")
    parser.add_argument("--no-furniture", action="store_true",
                        help="clean each page alone (no site furniture learned)")
    parser.add_argument("--cost", nargs="+", type=Path, metavar="COLLECTION",
                        help="instead: CPU ms per article of learning and cleaning these")
    args = parser.parse_args()
    if args.cost:
        print(json.dumps({str(path): cost(path) for path in args.cost}, indent=2))
        return
    fixtures = load_fixtures(args.dir)
    started = time.perf_counter()
    articles = clean_fixtures(fixtures, furniture=not args.no_furniture)
    elapsed = time.perf_counter() - started
    result = score(fixtures, articles)
    result["ms_per_page"] = round(1000 * elapsed / max(1, len(fixtures)), 3)
    if not args.per_page:
        result.pop("per_page")
    else:
        result["per_page"] = [p for p in result["per_page"]
                              if p["article_lines_lost"] or p["junk_lines_kept"] or p["title"]
                              or p["date"]]
    if args.justext:
        result["justext"] = justext_score(fixtures)
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
