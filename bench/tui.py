"""How fast does the Textual app feel? Start-up and keystroke latency, headless.

    .venv/bin/python bench/tui.py                          # a 2,000-article index
    .venv/bin/python bench/tui.py --size 10000             # built once, then reused
    .venv/bin/python bench/tui.py --index-dir DIR [--query evacuation] [--no-10kb]

Without --index-dir the index is bench/out/tui-index-SIZE, built from
`bench.generate.write_corpus` (SIZE articles plus 1% planted near-duplicates)
when missing. The app runs headless at 120x40 (`App.run_test`).

- import_textual_ms: `import textual.app` in a fresh interpreter.
- python_import_textual_ms / python_import_textual_app_ms: the wall time of the
  whole process `python -c "import textual"` (and `"import textual.app"`), the
  best of 3: the floor under cold_start_ms for any Textual app.
- cold_start_ms: a fresh interpreter, from its launch until the search box
  is mounted and focused (interpreter, imports and app start-up together).
- import_app_ms: `import wartui.tui.app` in this process (Textual included).
- startup_ms: from starting the app until the search box is mounted and
  focused (what the user can type into); first_results_ms: until the results
  of the empty query show (the index opened in a worker meanwhile).
- keystroke_ms: the query typed key by key; each keystroke is timed from the
  key event until the first frame written with the results (or the message)
  for the text now in the box (since issue 19 the box reads its last word as
  a prefix: every key of "evacuation" shows results, a first letter "keep
  typing"; before, 8 of its 10 keys showed "No results") (before 2026-11-21: until the next screen
  refresh after they were seen, up to a frame later). p50, p95, max, and
  every key in `per_key`. The key events are sent as the terminal driver
  sends them, not with `pilot.press`, which waits for the process to be idle
  (at least 40 ms a key) and would time the test harness.
- open_document_ms: `enter` in the box until the first result's text shows
  (the typed query's first hit: a generated article, about 2 KB;
  open_document_chars is its cleaned text's length). It is the first open of
  the session: the app mounted the document screen, off the screen stack,
  once its first results were up, and laid it out there
  (app.prepare_document_screen, DocumentScreen._lay_out_ahead).
- app_query_ms, rss_mb_after_queries: then every query of bench/run.py's
  QUERIES is put in the box (as the palette or an entity does: `set_query`),
  timed until its results are painted (p50, p95, max), and the app is left
  until the facet line of that query is counted (as while the user reads).
  rss_mb_after_queries is this process's VmRSS after all of them: the app
  (the harness is this process too, a few MB); peak_rss_mb is its VmHWM.
  rss_anon_mb and rss_file_mb split it (RssAnon, RssFile): the process's own
  memory, and the pages of the mapped index files it touched (clean pages of
  the page cache, which the kernel drops under memory pressure; the app maps
  the index twice, one Library per thread).
- open_document_10kb_ms: the generated articles are about 2 KB, so a ~10 KB
  article (long_article(): paragraphs of generated articles, no sentence
  twice, so entities and figures are as realistic as the corpus's) is
  indexed into a copy of the index (as `cp -r`, to a temporary directory under
  bench/out/, removed afterwards; the index itself is never written). A new
  app on the copy searches its title as a phrase (it is the only hit) and
  the time is from `enter` until its text, entities marked, is painted.
  open_document_10kb_chars is the cleaned text's length, _entities its entity
  spans; add_10kb_s is the `wartui index` run that added it (not a figure of
  the app). --no-10kb skips this.

Prints JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
from bench.run import QUERIES  # noqa: E402


def build_index(size: int) -> Path:
    """bench/out/tui-index-SIZE, built from a generated corpus if missing."""
    index_dir = OUT / f"tui-index-{size}"
    from wartui.library import Library

    if Library(index_dir).exists():
        return index_dir
    from bench.generate import write_corpus

    corpus = OUT / f"tui-corpus-{size}.jsonl"
    print(f"building {index_dir} ({size} articles)…", file=sys.stderr)
    write_corpus(corpus, size, seed=1, dupes=max(1, size // 100))
    with Library(index_dir) as library:
        report = library.add_paths([corpus])
    print(report.summary(), file=sys.stderr)
    return index_dir


def import_textual_ms() -> float:
    code = ("import time; t = time.perf_counter(); import textual.app; "
            "print((time.perf_counter() - t) * 1000)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    return float(result.stdout)


COLD_START = """
import asyncio, sys, time
from pathlib import Path
from wartui.tui.app import WartuiApp

async def main():
    app = WartuiApp(Path(sys.argv[1]))
    async with app.run_test(size=(120, 40)):
        while getattr(app.focused, "id", None) != "query":
            await asyncio.sleep(0.0005)
        print(time.time(), flush=True)

asyncio.run(main())
"""


def python_import_ms(module: str) -> float:
    """Wall time of a whole `python -c "import MODULE"` process, the best of 3."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", f"import {module}"], check=True)
        best = min(best, (time.perf_counter() - start) * 1000)
    return round(best, 1)


def cold_start_ms(index_dir: Path) -> float:
    launched = time.time()
    result = subprocess.run([sys.executable, "-c", COLD_START, str(index_dir)],
                            capture_output=True, text=True, check=True)
    return (float(result.stdout.split()[0]) - launched) * 1000


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def until(condition, timeout: float = 30.0) -> None:
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("the app did not get there in time")
        await asyncio.sleep(0.0005)


def vm_mb(key: str) -> float:
    """VmRSS, VmHWM, RssAnon or RssFile of this process, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


async def painted(app) -> None:
    """Wait for the next screen refresh."""
    event = asyncio.Event()
    app.call_after_refresh(event.set)
    await event.wait()


async def open_first_hit(app) -> tuple[float, int]:
    """`enter` in the search box until the first hit's text is painted: (ms, the
    cleaned text's length)."""
    from textual import events
    from wartui.tui.screens.document import DocumentScreen
    from wartui.tui.widgets.passage_view import PassageView

    began = time.perf_counter()
    app.post_message(events.Key("enter", None))
    await until(lambda: isinstance(app.screen, DocumentScreen)
                and app.screen.article is not None
                and app.screen.query_one(PassageView).line_count > 0)
    await painted(app)
    return (time.perf_counter() - began) * 1000, len(app.screen.article.body)


async def measure(index_dir: Path, query: str) -> dict:
    started = time.perf_counter()
    from wartui.tui.app import WartuiApp
    from wartui.tui.screens.document import DocumentScreen  # noqa: F401 (in import_app_ms)
    from wartui.tui.screens.search import SearchScreen
    from wartui.tui.widgets.passage_view import PassageView  # noqa: F401
    from textual import events
    from textual.widgets import Input

    import_app = (time.perf_counter() - started) * 1000
    app = WartuiApp(index_dir)
    # When each frame was written, and the query whose results it showed: a
    # keystroke's latency ends at the first frame with its results (waiting
    # for the next refresh after they are seen, as `painted` does, would add
    # up to a frame when they were painted at once).
    frames: list[tuple[float, str | None]] = []
    display = app._display  # (private: Textual has no public hook for a written frame)

    def recording(screen, update):
        frames.append((time.perf_counter(), getattr(screen, "shown_query", None)))
        return display(screen, update)

    app._display = recording
    started = time.perf_counter()
    async with app.run_test(size=(120, 40)) as pilot:
        def box_ready() -> bool:
            focused = app.focused
            return isinstance(focused, Input) and focused.is_mounted and focused.id == "query"

        await until(box_ready)
        startup = (time.perf_counter() - started) * 1000
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        await until(lambda: screen.shown_query == "")
        first_results = (time.perf_counter() - started) * 1000
        await pilot.pause(0.3)  # let the facet line of the empty query finish

        per_key = []
        for char in query:
            began = time.perf_counter()
            app.post_message(events.Key(char, char))
            await until(lambda: screen.query_text.endswith(char)
                        and screen.shown_query == screen.query_text)
            await painted(app)  # (a frame with the results has been written)
            shown = next(at for at, query in frames
                         if at >= began and query == screen.query_text)
            per_key.append(round((shown - began) * 1000, 2))
            await asyncio.sleep(0.05)  # a fast typist: 20 keys a second
        hits = len(screen.query_one("#results").hits)

        await pilot.pause(0.3)
        open_document, open_chars = await open_first_hit(app)

        app.pop_screen()
        await until(lambda: app.screen is screen)
        await pilot.pause(0.3)
        per_query, facets_late = {}, 0
        for q in QUERIES:
            began = time.perf_counter()
            screen.set_query(q)
            await until(lambda: screen.shown_query == q)
            await painted(app)
            per_query[q] = round((time.perf_counter() - began) * 1000, 2)
            if screen.query_one("#results").hits:  # the facet line, as while reading
                try:
                    await until(lambda: any(key[0] == q for key in screen._facets),
                                timeout=10)
                except TimeoutError:
                    facets_late += 1
        rss_after = vm_mb("VmRSS")
        rss_anon, rss_file = vm_mb("RssAnon"), vm_mb("RssFile")

    return {
        "startup_ms": round(startup, 1),
        "first_results_ms": round(first_results, 1),
        "keystroke_ms": {"p50": round(statistics.median(per_key), 2),
                         "p95": round(percentile(per_key, 0.95), 2),
                         "max": round(max(per_key), 2)},
        "per_key": dict(zip((query[:i + 1] for i in range(len(query))), per_key)),
        "hits_for_query": hits,
        "open_document_ms": round(open_document, 1),
        "open_document_chars": open_chars,
        "app_query_ms": {"p50": round(statistics.median(per_query.values()), 2),
                         "p95": round(percentile(list(per_query.values()), 0.95), 2),
                         "max": max(per_query.values()),
                         "slowest": max(per_query, key=per_query.get), "n": len(per_query),
                         "facets_not_counted_in_10s": facets_late},
        "rss_mb_after_queries": rss_after,
        "rss_anon_mb": rss_anon,
        "rss_file_mb": rss_file,
        "peak_rss_mb": max(vm_mb("VmHWM"), rss_after),  # VmHWM can lag VmRSS a little
        "import_app_ms": round(import_app, 1),
    }


# -- a 10 KB article -------------------------------------------------------------------

LONG_ID = "bench-long-10kb"
LONG_FILE = "long-article.jsonl"
LONG_DOC = f"long-article:{LONG_ID}"  # wartui's id: the file's stem, then the record's id
LONG_TITLE = "Ten days under siege in eastern Ghouta, as told by its doctors"


def long_article(target: int = 10_000, seed: int = 10) -> dict:
    """A ~10 KB article (title + body) of generated paragraphs (bench/generate.py,
    another seed than the corpus's), no sentence twice, no boilerplate."""
    from bench.generate import generate, split_sentences

    used, paragraphs, size = set(), [], 0
    for record in generate(200, seed=seed):
        for paragraph in record["text"].split("\n\n"):
            sentences = [s for s in split_sentences(paragraph) if s not in used]
            if not sentences:
                continue
            used.update(sentences)
            paragraphs.append(" ".join(sentences))
            size += len(paragraphs[-1]) + 2
            if size >= target:
                return {"id": LONG_ID, "title": LONG_TITLE, "text": "\n\n".join(paragraphs),
                        "source": "reuters", "date": "2018-03-12"}
    raise RuntimeError("not enough generated text")


def index_copy_with_long_article(index_dir: Path, tmp: Path) -> tuple[Path, float]:
    """Copy the index to tmp/index (as cp -r) and add long_article() with `wartui index`:
    (the copy, the seconds the indexing took)."""
    from bench.incremental import copy_tree

    copy, corpus = tmp / "index", tmp / LONG_FILE
    copy_tree(index_dir, copy)
    corpus.write_text(json.dumps(long_article(), ensure_ascii=False) + "\n", encoding="utf-8")
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "wartui", "--index-dir", str(copy), "index",
                             str(corpus), "--json"], capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode or json.loads(result.stdout)["new"] != 1:
        raise SystemExit(f"indexing the 10 KB article failed:\n{result.stdout}{result.stderr}")
    return copy, round(seconds, 2)


async def measure_long(index_dir: Path) -> dict:
    from textual.widgets import Input
    from wartui.tui.app import WartuiApp

    app = WartuiApp(index_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(lambda: isinstance(app.focused, Input) and app.focused.id == "query")
        screen = app.screen
        await until(lambda: screen.shown_query == "")
        query = f'"{LONG_TITLE.split(",")[0]}"'  # "Ten days under siege in eastern Ghouta"
        screen.set_query(query)
        await until(lambda: screen.shown_query == query)
        hits = screen.query_one("#results").hits
        if not hits or hits[0].id != LONG_DOC:
            raise SystemExit(f"{query} did not find {LONG_DOC} first")
        await pilot.pause(0.5)  # the facet line
        ms, chars = await open_first_hit(app)
    return {"open_document_10kb_ms": round(ms, 1), "open_document_10kb_chars": chars}


def long_entities(index_dir: Path) -> int:
    from wartui.library import Library

    with Library(index_dir) as library:
        return len(library.entities(LONG_DOC) or ())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index-dir", type=Path, help="an existing wartui index")
    parser.add_argument("--size", type=int, default=2000,
                        help="articles in the generated index (default 2000)")
    parser.add_argument("--query", default="evacuation", help="typed key by key (default "
                        "'evacuation', 10 letters)")
    parser.add_argument("--no-10kb", action="store_true",
                        help="skip open_document_10kb_ms (it copies the index)")
    args = parser.parse_args(argv)
    index_dir = args.index_dir or build_index(args.size)
    # The app keeps the queries opened (history) in the XDG state folder:
    # the run's own, empty at the start and removed at the end, never the user's.
    state = tempfile.mkdtemp(prefix="tui-state-")
    os.environ["XDG_STATE_HOME"] = state
    try:
        return run(args, index_dir)
    finally:
        shutil.rmtree(state, ignore_errors=True)


def run(args, index_dir: Path) -> int:
    textual_ms = import_textual_ms()
    baseline = {"python_import_textual_ms": python_import_ms("textual"),
                "python_import_textual_app_ms": python_import_ms("textual.app")}
    cold = min(cold_start_ms(index_dir) for _ in range(3))
    figures = asyncio.run(measure(index_dir, args.query))
    if not args.no_10kb:
        tmp = Path(tempfile.mkdtemp(prefix="tui-10kb-", dir=OUT))
        try:
            copy, add_s = index_copy_with_long_article(index_dir, tmp)
            figures.update(asyncio.run(measure_long(copy)))
            figures["open_document_10kb_entities"] = long_entities(copy)
            figures["add_10kb_s"] = add_s
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    from wartui.library import Library

    with Library(index_dir) as library:
        articles = library.count()
    print(json.dumps({"index": str(index_dir), "articles": articles,
                      "import_textual_ms": round(textual_ms, 1), **baseline,
                      "cold_start_ms": round(cold, 1), **figures}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
