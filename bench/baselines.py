"""Baselines: the corpus and queries of bench/run.py through rg, SQLite FTS5, tantivy
and raw Whoosh.

    .venv/bin/python bench/baselines.py [--size 10000] [--engines fts5,tantivy,rg,whoosh]

What users would use instead of wartui, on the same generated corpus
(bench/corpus/SIZE.jsonl, SIZE articles plus 1% planted near-copies, as run.py
makes it) and the same QUERIES, translated to each tool's syntax by the
functions fts5_query, tantivy_query, whoosh_query and rg_plan (their docstrings
say what is approximate). "whoosh" is Whoosh used plainly (whoosh_schema: no
cleaning, no entities, its own parser and highlighter), what wartui adds to. Each build and each query run is a child process, so its peak
RSS is its own. Needs `rg` (Debian's ripgrep), GNU time for rg's memory, and
tantivy in the venv (`pip install tantivy`; a benchmark tool, not a wartui
dependency). Prints the figures as JSON and writes them, with every query's
translation, time and hit count, to bench/out/baselines-SIZE.json; the FTS5
database, the tantivy index and the raw Whoosh index go to bench/out/baselines-SIZE/. See
bench/README.md ("Baselines").
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
from bench.run import CORPUS_DIR, OUT_DIR, QUERIES, dir_mb, ensure_corpus, rss_mb  # noqa: E402

LIMIT = 20

# -- reading a Whoosh query -------------------------------------------------------

TOKEN = re.compile(r'(?P<date>date:(?:\[[^\]]*\]|\S+))|(?P<field>\w+:(?:"[^"]*"|\S+))'
                   r'|(?P<phrase>"[^"]*")|(?P<op>\b(?:AND|OR|NOT)\b)|(?P<word>\S+)')


def tokens(q: str) -> list[tuple[str, str]]:
    """[(kind, text)]: kind is date, field, phrase, op or word."""
    return [(m.lastgroup, m.group()) for m in TOKEN.finditer(q)]


def date_range(spec: str) -> tuple[str, str]:
    """'date:2017', 'date:2017-08' or 'date:[2016-01-01 to 2016-12-31]' ->
    ('YYYY-MM-DD', 'YYYY-MM-DD'), both inclusive (a month ends on day 31)."""
    parts = re.split(r"\s+to\s+", spec[len("date:"):].strip("[]"), flags=re.I)

    def day(text: str, end: bool) -> str:
        y, m, d = (text.strip().split("-") + ["", ""])[:3]
        return f"{y}-{m or ('12' if end else '01')}-{d or ('31' if end else '01')}"
    return day(parts[0], False), day(parts[-1], True)


def without_dates(toks: list[tuple[str, str]]):
    """(the tokens without date:... and the AND joining it, the date range or None)."""
    dates = [text for kind, text in toks if kind == "date"]
    rest = [t for t in toks if t[0] != "date"]
    while rest and rest[0] == ("op", "AND"):
        rest.pop(0)
    while rest and rest[-1] == ("op", "AND"):
        rest.pop()
    rest = [t for i, t in enumerate(rest) if not (t == ("op", "AND") and rest[i - 1] == t)]
    return rest, (date_range(dates[0]) if dates else None)


# -- translations -------------------------------------------------------------------

def fts5_query(q: str) -> tuple[str, tuple[str, str] | None]:
    """Whoosh query -> (FTS5 MATCH expression or '', date range for a WHERE).

    Faithful: AND / OR / NOT and implicit AND, "phrases", prefix words (bomb*),
    field:value as an FTS5 column filter (source : reuters), and unqualified
    words restricted to {title body} as wartui's MultifieldParser does.
    Approximate: words with a hyphen or apostrophe (ez-Zor, Dara'a) become
    FTS5 phrases ("ez zor"); porter stemming is not Whoosh's; there is no alias
    expansion (wartui also searches every spelling of Deir ez-Zor, FTS5 gets
    the literal words); dates are a WHERE on the date column, not part of MATCH.
    """
    toks, dates = without_dates(tokens(q))
    out = []
    for kind, text in toks:
        if kind == "op":
            out.append(text)
        elif kind == "field":
            field, value = text.split(":", 1)
            out.append(f"{field} : {_fts5_atom(value)}")
        else:
            out.append("{title body} : " + _fts5_atom(text))
    return " ".join(out), dates


def _fts5_atom(text: str) -> str:
    if text.startswith('"'):
        return text
    if re.fullmatch(r"\w+\*?", text):
        return text
    return '"' + text.replace('"', "") + '"'  # ez-Zor, Dara'a: a phrase of their tokens


def tantivy_query(q: str) -> str:
    """Whoosh query -> tantivy query (parsed with default fields title, body,
    conjunction_by_default, i.e. implicit AND as in Whoosh, and allow_regexes).

    The grammars agree on AND / OR / NOT, "phrases" and field:value.
    Approximate: tantivy's parser reads a lone bomb* as the term bomb, so a
    prefix becomes the regex (title:/bomb.*/ OR body:/bomb.*/) over the stemmed
    terms (SnippetGenerator then highlights nothing); date:... becomes a range
    on the i64 field date (YYYYMMDD); words with an apostrophe (Dara'a) are
    quoted, as the parser rejects them; en_stem is not Whoosh's stemmer; no
    alias expansion.
    """
    out = []
    for kind, text in tokens(q):
        if kind == "date":
            low, high = (d.replace("-", "") for d in date_range(text))
            out.append(f"date:[{low} TO {high}]")
        elif kind == "word" and re.fullmatch(r"\w+\*", text):
            stem = re.escape(text[:-1].lower())
            out.append(f"(title:/{stem}.*/ OR body:/{stem}.*/)")
        elif kind == "word" and "'" in text:
            out.append(f'"{text}"')
        else:
            out.append(text)
    return " ".join(out)


def whoosh_query(q: str) -> str:
    """Whoosh query -> the same query for raw Whoosh's own MultifieldParser over
    title and body with the DateParserPlugin (the query syntax is Whoosh's, so
    everything passes unchanged) except one thing: that plugin reads a range
    of dashed dates, date:[2013-08-01 to 2013-08-31], as whole years (2013),
    so the dates of a range are written 20130801 (which it reads as days).
    Approximate: StemmingAnalyzer's stemmer and stop words are Whoosh's default
    (as wartui's), but there is no accent folding and no alias expansion.
    """
    def undash(match: re.Match) -> str:
        return match.group().replace("-", "")
    return re.sub(r"date:\[[^\]]*\]", lambda m: re.sub(r"\d{4}-\d\d(?:-\d\d)?", undash,
                                                          m.group()), q)


def rg_plan(q: str) -> list[tuple[str, list[str]]] | None:
    """Whoosh query -> [(operator, rg arguments)] evaluated left to right on the
    sets of matching files (AND or juxtaposition: intersection, OR: union,
    NOT: difference), or None when the query needs fields or dates (skipped).

    A word is `rg -ilwF word`, a "phrase" is `rg -ilwF 'the phrase'` (so it does
    not match across line breaks or differing punctuation), bomb* is
    `rg -il '\\bbomb\\w*'`. Approximate: no stemming (airstrike does not find
    airstrikes), no alias expansion, no ranking, titles and bodies alike.
    """
    plan, op = [], "AND"
    for kind, text in tokens(q):
        if kind in ("date", "field"):
            return None
        if kind == "op":
            op = text
            continue
        if kind == "word" and text.endswith("*"):
            args = ["-il", r"\b" + re.escape(text.rstrip("*")) + r"\w*"]
        else:
            args = ["-ilwF", text.strip('"')]
        plan.append((op, args))
        op = "AND"
    return plan


# -- the corpus ---------------------------------------------------------------------

def corpus_for(size: int) -> tuple[Path, dict, Path]:
    """bench/corpus/SIZE.jsonl (via run.py's ensure_corpus, which reuses it) and the
    folder SIZE-txt/ of ID.txt files (title, blank line, body), made if missing."""
    tmp = CORPUS_DIR / f"{size}.jsonl.tmp"
    while tmp.exists():  # run.py is writing it right now
        time.sleep(5)
    corpus, info = ensure_corpus(size, 1, int(size * 0.01))
    txt, done = CORPUS_DIR / f"{size}-txt", CORPUS_DIR / f"{size}-txt" / ".complete"
    if not done.is_file() or done.stat().st_mtime < corpus.stat().st_mtime:
        shutil.rmtree(txt, ignore_errors=True)
        txt.mkdir(parents=True)
        for record in articles(corpus):
            (txt / f"{record['id']}.txt").write_text(
                f"{record['title']}\n\n{record['text']}\n", encoding="utf-8")
        done.touch()
    info["txt_mb"] = dir_mb(txt)
    return corpus, info, txt


def articles(corpus: Path):
    with corpus.open(encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)


# -- FTS5 -----------------------------------------------------------------------------

def fts5_build(corpus: str, db_path: str) -> dict:
    import sqlite3

    Path(db_path).unlink(missing_ok=True)
    start = time.perf_counter()
    db = sqlite3.connect(db_path)
    db.execute("CREATE VIRTUAL TABLE articles USING fts5(id UNINDEXED, title, body, source, "
               "date UNINDEXED, tokenize='porter unicode61 remove_diacritics 2')")
    with db:
        db.executemany("INSERT INTO articles VALUES (?, ?, ?, ?, ?)",
                       ((a["id"], a["title"], a["text"], a["source"], a["date"])
                        for a in articles(Path(corpus))))
    db.close()
    return {"seconds": time.perf_counter() - start, "peak_rss_mb": own_peak_mb()}


def fts5_search(db, q: str) -> tuple[int, float, float]:
    """(total, ms for the top 20 with snippets, ms for the count)."""
    match, dates = fts5_query(q)
    where, params = [], []
    if match:
        where.append("articles MATCH ?")
        params.append(match)
    if dates:
        where.append("date BETWEEN ? AND ?")
        params.extend(dates)
    cond = " AND ".join(where)
    if match:
        top = (f"SELECT id, title, snippet(articles, 2, '[', ']', ' … ', 16) FROM articles "
               f"WHERE {cond} ORDER BY rank LIMIT {LIMIT}")
    else:  # only a date: no MATCH, so no rank or snippet; newest first
        top = (f"SELECT id, title, substr(body, 1, 200) FROM articles WHERE {cond} "
               f"ORDER BY date DESC LIMIT {LIMIT}")
    t0 = time.perf_counter()
    db.execute(top, params).fetchall()
    t1 = time.perf_counter()
    total = db.execute(f"SELECT count(*) FROM articles WHERE {cond}", params).fetchone()[0]
    t2 = time.perf_counter()
    return total, (t1 - t0) * 1000, (t2 - t1) * 1000


def fts5_queries(db_path: str) -> dict:
    start = time.perf_counter()
    import sqlite3

    imported = time.perf_counter()
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    fts5_search(db, QUERIES[0])
    cold = time.perf_counter() - imported
    per_query = {}
    for q in QUERIES:
        t0 = time.perf_counter()
        total, top_ms, count_ms = fts5_search(db, q)
        match, dates = fts5_query(q)
        per_query[q] = {"ms": round((time.perf_counter() - t0) * 1000, 2), "hits": total,
                        "top_ms": round(top_ms, 2), "count_ms": round(count_ms, 2),
                        "as": match + (" WHERE date BETWEEN %s AND %s" % dates if dates else "")}
    return summary(per_query, (imported - start) * 1000, cold * 1000)


# -- tantivy --------------------------------------------------------------------------

def tantivy_schema():
    import tantivy

    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", stored=True, tokenizer_name="raw")
    sb.add_text_field("title", stored=True, tokenizer_name="en_stem")
    sb.add_text_field("body", stored=True, tokenizer_name="en_stem")
    sb.add_text_field("source", stored=True, tokenizer_name="raw")  # the corpus's are lower case
    sb.add_integer_field("date", stored=True, indexed=True, fast=True)  # YYYYMMDD
    return sb.build()


def tantivy_build(corpus: str, index_dir: str) -> dict:
    import tantivy

    shutil.rmtree(index_dir, ignore_errors=True)
    Path(index_dir).mkdir(parents=True)
    start = time.perf_counter()
    index = tantivy.Index(tantivy_schema(), path=index_dir)
    writer = index.writer(heap_size=128_000_000, num_threads=1)
    for a in articles(Path(corpus)):
        writer.add_document(tantivy.Document(id=a["id"], title=a["title"], body=a["text"],
                                             source=a["source"],
                                             date=int(a["date"].replace("-", ""))))
    writer.commit()
    writer.wait_merging_threads()
    return {"seconds": time.perf_counter() - start, "peak_rss_mb": own_peak_mb()}


def tantivy_search(index, searcher, schema, q: str) -> int:
    import tantivy

    query = index.parse_query(tantivy_query(q), ["title", "body"], conjunction_by_default=True,
                              allow_regexes=True)
    result = searcher.search(query, LIMIT, count=True)  # the top 20 and the total in one pass
    snippets = tantivy.SnippetGenerator.create(searcher, query, schema, "body")
    shown = []  # what a result list shows: id, title, snippet
    for _, address in result.hits:
        doc = searcher.doc(address)
        shown.append((doc["id"], doc["title"], snippets.snippet_from_doc(doc).to_html()))
    return result.count


def tantivy_queries(index_dir: str) -> dict:
    start = time.perf_counter()
    import tantivy

    imported = time.perf_counter()
    index = tantivy.Index.open(index_dir)
    searcher, schema = index.searcher(), index.schema
    tantivy_search(index, searcher, schema, QUERIES[0])
    cold = time.perf_counter() - imported
    per_query = {}
    for q in QUERIES:
        t0 = time.perf_counter()
        total = tantivy_search(index, searcher, schema, q)
        per_query[q] = {"ms": round((time.perf_counter() - t0) * 1000, 2), "hits": total,
                        "as": tantivy_query(q)}
    return summary(per_query, (imported - start) * 1000, cold * 1000)


# -- raw Whoosh -----------------------------------------------------------------------

def whoosh_schema():
    """What a plain Whoosh user writes: stemmed title and body, both stored (the
    highlighter needs the body's text), the id, the source and the date; no
    cleaning, no entities, no field boosts."""
    from whoosh.analysis import StemmingAnalyzer
    from whoosh.fields import DATETIME, ID, KEYWORD, TEXT, Schema

    return Schema(id=ID(stored=True, unique=True),
                  title=TEXT(analyzer=StemmingAnalyzer(), stored=True),
                  body=TEXT(analyzer=StemmingAnalyzer(), stored=True),
                  source=KEYWORD(stored=True, lowercase=True),
                  date=DATETIME(stored=True))


def whoosh_fields(a: dict) -> dict:
    from datetime import datetime

    return {"id": a["id"], "title": a["title"], "body": a["text"], "source": a["source"],
            "date": datetime.strptime(a["date"], "%Y-%m-%d")}


def whoosh_build(corpus: str, index_dir: str) -> dict:
    """One writer with Whoosh's defaults (procs=1, limitmb=128), every article,
    one commit (which merges the writer's runs into one segment)."""
    from whoosh import index

    shutil.rmtree(index_dir, ignore_errors=True)
    Path(index_dir).mkdir(parents=True)
    start = time.perf_counter()
    ix = index.create_in(index_dir, whoosh_schema())
    writer = ix.writer()
    for a in articles(Path(corpus)):
        writer.add_document(**whoosh_fields(a))
    writer.commit()
    ix.close()
    return {"seconds": time.perf_counter() - start, "peak_rss_mb": own_peak_mb()}


def whoosh_parser(schema):
    from whoosh.qparser import MultifieldParser
    from whoosh.qparser.dateparse import DateParserPlugin

    parser = MultifieldParser(["title", "body"], schema)  # AND by default, as wartui's
    parser.add_plugin(DateParserPlugin())
    return parser


def whoosh_search(searcher, parser, q: str) -> tuple[int, float, float, float]:
    """(total, ms for parse + top 20, ms for their highlighted body snippets, ms for
    the exact total)."""
    t0 = time.perf_counter()
    results = searcher.search(parser.parse(whoosh_query(q)), limit=LIMIT)
    t1 = time.perf_counter()
    shown = [(hit["id"], hit["title"], hit.highlights("body")) for hit in results]
    t2 = time.perf_counter()
    total = len(results)  # exact: Whoosh counts the rest when the top 20 skipped blocks
    t3 = time.perf_counter()
    del shown
    return total, (t1 - t0) * 1000, (t2 - t1) * 1000, (t3 - t2) * 1000


def whoosh_queries(index_dir: str) -> dict:
    start = time.perf_counter()
    from whoosh import index
    from whoosh.qparser import MultifieldParser  # noqa: F401  (the parser's import too)

    imported = time.perf_counter()
    ix = index.open_dir(index_dir)
    searcher = ix.searcher()
    parser = whoosh_parser(ix.schema)
    whoosh_search(searcher, parser, QUERIES[0])
    cold = time.perf_counter() - imported
    per_query = {}
    for q in QUERIES:
        t0 = time.perf_counter()
        total, top_ms, highlight_ms, count_ms = whoosh_search(searcher, parser, q)
        per_query[q] = {"ms": round((time.perf_counter() - t0) * 1000, 2), "hits": total,
                        "top_ms": round(top_ms, 2), "highlight_ms": round(highlight_ms, 2),
                        "count_ms": round(count_ms, 2), "as": str(parser.parse(whoosh_query(q)))}
    return summary(per_query, (imported - start) * 1000, cold * 1000)


# -- rg -------------------------------------------------------------------------------

# A child forked from this Python starts with its resident memory, and Linux keeps that
# high-water mark across exec: ru_maxrss of a small child (rg) would be ours. GNU time is
# a small parent, so its %M (KB) is rg's own peak.
TIME = ["/usr/bin/time", "-f", "%M"] if Path("/usr/bin/time").is_file() else []


SET_OPS = {"AND": set.__and__, "OR": set.__or__, "NOT": set.__sub__}


def rg_queries(txt_dir: Path) -> dict:
    """Every rg run is a child (of GNU time when installed): the time of the runs a
    query needs, one after another, and the largest peak RSS of any run."""
    per_query, skipped, peak = {}, [], 0.0
    for q in QUERIES:
        plan = rg_plan(q)
        if plan is None:
            skipped.append(q)
            continue
        files: set[str] | None = None
        start = time.perf_counter()
        for op, args in plan:
            proc = subprocess.run([*TIME, "rg", *args, str(txt_dir)], capture_output=True)
            found = set(proc.stdout.decode().splitlines())
            peak = max(peak, int(proc.stderr.split()[-1]) / 1024 if TIME else 0)
            files = found if files is None else SET_OPS[op](files, found)
        per_query[q] = {"ms": round((time.perf_counter() - start) * 1000, 2),
                        "hits": len(files or ()), "as": " | ".join(
                            f"{op} rg {' '.join(args)}" for op, args in plan)}
    first = per_query[next(iter(per_query))]["ms"]  # the first rg runs of this process
    return {"cold_first_ms": first, **summary(per_query), "skipped": skipped,
            "peak_rss_mb": round(peak, 1)}


# -- measuring ------------------------------------------------------------------------

def summary(per_query: dict, import_ms: float | None = None, cold_ms: float | None = None) -> dict:
    times = sorted(v["ms"] for v in per_query.values())
    figures = {} if import_ms is None else {"import_ms": round(import_ms, 1),
                                            "cold_first_ms": round(cold_ms, 1)}
    figures.update({
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[min(len(times) - 1, int(0.95 * len(times)))], 2),
        "max_ms": times[-1], "slowest": max(per_query, key=lambda q: per_query[q]["ms"]),
        "n": len(times), "zero_hits": [q for q, v in per_query.items() if v["hits"] == 0],
        "per_query": per_query})
    if import_ms is not None:  # in a Python child
        figures["rss_mb_after"] = rss_mb()
        figures["peak_rss_mb"] = own_peak_mb()
    return figures


def own_peak_mb() -> float:
    """VmHWM: this process's peak RSS since exec (ru_maxrss also counts the parent's
    memory the child was forked with)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def child(worker: str, *args: str) -> tuple[dict, float, float]:
    """Run `baselines.py _WORKER ARGS` in a fresh process: (its JSON, wall s, its
    ru_maxrss in MB, which is at least this process's RSS: see own_peak_mb)."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, __file__, "_" + worker, *args],
                            stdout=subprocess.PIPE, text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)  # this child's own rusage
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"bench/baselines.py: the {worker} child failed")
    return json.loads(out), seconds, round(usage.ru_maxrss / 1024, 1)


def measure(engine: str, corpus: Path, work: Path, txt: Path, docs: int,
            skip_build: bool = False) -> dict:
    if engine == "rg":
        return {"query": rg_queries(txt)}
    store = work / ("fts5.sqlite" if engine == "fts5" else engine)
    built_ok = store.exists() and store.stat().st_mtime >= corpus.stat().st_mtime
    if skip_build and built_ok and (engine == "fts5" or any(store.iterdir())):
        build = {"skipped": True}
    else:
        built, _, build_rss = child(f"{engine}_build", str(corpus), str(store))
        build = {"seconds": round(built["seconds"], 2),
                 "docs_per_s": round(docs / built["seconds"], 1),
                 "peak_rss_mb": built["peak_rss_mb"], "ru_maxrss_mb": build_rss}
    build["index_mb"] = round(store.stat().st_size / 1e6 if engine == "fts5" else dir_mb(store), 1)
    queried, wall, query_rss = child(f"{engine}_queries", str(store))
    return {"build": build,
            "query": {**queried, "process_wall_ms": round(wall * 1000, 1),
                      "ru_maxrss_mb": query_rss}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=10000, help="corpus size (default 10000)")
    parser.add_argument("--engines", default="fts5,tantivy,rg,whoosh")
    parser.add_argument("--skip-build", action="store_true",
                        help="reuse an engine's index in bench/out/baselines-SIZE/ when it is "
                             "newer than the corpus (its build is then not timed)")
    args = parser.parse_args(argv)
    corpus, info, txt = corpus_for(args.size)
    work = OUT_DIR / f"baselines-{args.size}"
    work.mkdir(parents=True, exist_ok=True)
    results = {"size": args.size, "corpus": info}
    for engine in args.engines.split(","):
        results[engine] = measure(engine, corpus, work, txt, info["articles"], args.skip_build)
    out_file = OUT_DIR / f"baselines-{args.size}.json"
    out_file.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    for engine in args.engines.split(","):  # the per-query lists stay in the file
        results[engine]["query"].pop("per_query", None)
    print(json.dumps(results, indent=2, ensure_ascii=False))
    return 0


WORKERS = {"_fts5_build": fts5_build, "_fts5_queries": fts5_queries,
           "_tantivy_build": tantivy_build, "_tantivy_queries": tantivy_queries,
           "_whoosh_build": whoosh_build, "_whoosh_queries": whoosh_queries}

if __name__ == "__main__":
    if sys.argv[1:2] and sys.argv[1] in WORKERS:
        print(json.dumps(WORKERS[sys.argv[1]](*sys.argv[2:])))
        sys.exit(0)
    sys.exit(main())
