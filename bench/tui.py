"""How fast does the Textual app feel? Start-up and keystroke latency, headless.

    .venv/bin/python bench/tui.py                          # a 2,000-article index
    .venv/bin/python bench/tui.py --size 10000             # built once, then reused
    .venv/bin/python bench/tui.py --index-dir DIR [--query evacuation]

Without --index-dir the index is bench/out/tui-index-SIZE, built from
`bench.generate.write_corpus` (SIZE articles plus 1% planted near-duplicates)
when missing. The app runs headless at 120x40 (`App.run_test`).

- import_textual_ms: `import textual.app` in a fresh interpreter.
- cold_start_ms: a fresh interpreter, from its launch until the search box
  is mounted and focused (interpreter, imports and app start-up together).
- import_app_ms: `import wartui.tui.app` in this process (Textual included).
- startup_ms: from starting the app until the search box is mounted and
  focused (what the user can type into); first_results_ms: until the results
  of the empty query show (the index opened in a worker meanwhile).
- keystroke_ms: the query typed key by key; each keystroke is timed from the
  key event until the result list shows the results (or the message) for the
  text now in the box, painted (the next screen refresh). p50, p95, max, and
  every key in `per_key`. The key events are sent as the terminal driver
  sends them, not with `pilot.press`, which waits for the process to be idle
  (at least 40 ms a key) and would time the test harness.
- open_document_ms: `enter` in the box until the first result's text shows.

Prints JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


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


async def measure(index_dir: Path, query: str) -> dict:
    started = time.perf_counter()
    from wartui.tui.app import WartuiApp
    from wartui.tui.screens.document import DocumentScreen
    from wartui.tui.screens.search import SearchScreen
    from wartui.tui.widgets.passage_view import PassageView
    from textual import events
    from textual.widgets import Input

    import_app = (time.perf_counter() - started) * 1000
    app = WartuiApp(index_dir)
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
            painted = asyncio.Event()
            app.call_after_refresh(painted.set)
            await painted.wait()
            per_key.append(round((time.perf_counter() - began) * 1000, 2))
            await asyncio.sleep(0.05)  # a fast typist: 20 keys a second
        hits = len(screen.query_one("#results").hits)

        await pilot.pause(0.3)
        began = time.perf_counter()
        app.post_message(events.Key("enter", None))
        await until(lambda: isinstance(app.screen, DocumentScreen)
                    and app.screen.article is not None
                    and app.screen.query_one(PassageView).line_count > 0)
        painted = asyncio.Event()
        app.call_after_refresh(painted.set)
        await painted.wait()
        open_document = (time.perf_counter() - began) * 1000

    return {
        "startup_ms": round(startup, 1),
        "first_results_ms": round(first_results, 1),
        "keystroke_ms": {"p50": round(statistics.median(per_key), 2),
                         "p95": round(percentile(per_key, 0.95), 2),
                         "max": round(max(per_key), 2)},
        "per_key": dict(zip((query[:i + 1] for i in range(len(query))), per_key)),
        "hits_for_query": hits,
        "open_document_ms": round(open_document, 1),
        "import_app_ms": round(import_app, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index-dir", type=Path, help="an existing wartui index")
    parser.add_argument("--size", type=int, default=2000,
                        help="articles in the generated index (default 2000)")
    parser.add_argument("--query", default="evacuation", help="typed key by key (default "
                        "'evacuation', 10 letters)")
    args = parser.parse_args(argv)
    index_dir = args.index_dir or build_index(args.size)
    textual_ms = import_textual_ms()
    cold = min(cold_start_ms(index_dir) for _ in range(3))
    figures = asyncio.run(measure(index_dir, args.query))
    from wartui.library import Library

    with Library(index_dir) as library:
        articles = library.count()
    print(json.dumps({"index": str(index_dir), "articles": articles,
                      "import_textual_ms": round(textual_ms, 1), "cold_start_ms": round(cold, 1),
                      **figures}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
