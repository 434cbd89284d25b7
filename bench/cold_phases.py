"""Where a cold `wartui search` spends its time (run by bench/cold.py --breakdown).

    python bench/cold_phases.py LAUNCHED WARTUI-ARGUMENTS...

Runs the program as its console script does (`wartui.cli.run`, or
`cli.main` in code from before it), its output to this process's stdout,
and charges the time to phases:

- `interpreter`: from LAUNCHED (the parent's time.time() when it started
  this process) to this script's first line;
- `imports`: every import statement, wherever it runs (wrapped
  `builtins.__import__`; an import inside another counts once);
- `open`, `gazetteer`, `parse`, `rank`, `collapse` (the hits' stored
  fields are read as versions are collapsed), `articles`, `snippets`,
  `print`: the functions that do each (wrapped as soon as their module is
  imported);
- `other`: the rest of the program until it ends (parsing the command,
  making the Library, ...).

Each phase's time is exclusive: a phase entered inside another is charged
to itself only. The figures, in ms, are the last line of stderr, as JSON,
written when the program ends (just before its os._exit, or when main
returns); the parent adds `exit`, the rest of the wall time (the teardown,
when there is one). Only the standard library's smallest modules are
imported before the first line's clock.
"""

import time

STARTED = time.time()

import builtins  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402

# (module, object in it or "", attribute, phase)
PHASES = [
    ("wartui.library", "Library", "_open", "open"),
    ("wartui.library", "", "load_gazetteer", "gazetteer"),
    ("wartui.search.searcher", "Searcher", "__init__", "open"),
    ("wartui.search.searcher", "", "expand_query", "parse"),
    ("wartui.search.searcher", "Searcher", "parse", "parse"),
    ("wartui.search.searcher", "", "_collapse", "collapse"),
    ("wartui.search.searcher", "Searcher", "_body_words", "snippets"),
    ("wartui.search.engine.fast", "FastSearcher", "__init__", "open"),
    ("wartui.search.engine.fast", "FastSearcher", "rank", "rank"),
    ("wartui.search.snippets", "Snippets", "snippet", "snippets"),
    ("wartui.store", "ArticleStore", "get_many", "articles"),
    ("wartui.cli", "", "print_results", "print"),
    ("wartui.cli", "", "print_json", "print"),
]
GENERATORS = [("wartui.search.searcher", "Searcher", "_stored", "collapse")]


class Phases:
    """Exclusive time per phase."""

    def __init__(self):
        self.spent: dict[str, float] = {}
        self.stack: list[str] = ["other"]
        self.since = time.perf_counter()

    def charge(self) -> None:
        now = time.perf_counter()
        self.spent[self.stack[-1]] = self.spent.get(self.stack[-1], 0.0) + now - self.since
        self.since = now

    def enter(self, phase: str) -> None:
        self.charge()
        self.stack.append(phase)

    def leave(self) -> None:
        self.charge()
        self.stack.pop()

    def wrap(self, function, phase: str):
        def timed(*args, **kwargs):
            self.enter(phase)
            try:
                return function(*args, **kwargs)
            finally:
                self.leave()

        return timed

    def wrap_generator(self, function, phase: str):
        """Each step of a generator function is charged to `phase`."""
        def timed(*args, **kwargs):
            inner = function(*args, **kwargs)
            while True:
                self.enter(phase)
                try:
                    item = next(inner)
                except StopIteration:
                    return
                finally:
                    self.leave()
                yield item

        return timed


phases = Phases()
_waiting = PHASES + GENERATORS  # wrapped once their module is imported
_real_import = builtins.__import__


def _patch() -> None:
    global _waiting
    left = []
    for entry in _waiting:
        module_name, owner_name, attribute, phase = entry
        module = sys.modules.get(module_name)
        if module is None or (owner_name and not hasattr(module, owner_name)):
            left.append(entry)
            continue
        owner = getattr(module, owner_name) if owner_name else module
        wrap = phases.wrap_generator if entry in GENERATORS else phases.wrap
        setattr(owner, attribute, wrap(getattr(owner, attribute), phase))
    _waiting = left


def _import(*args, **kwargs):
    if phases.stack[-1] == "imports":  # (inside another import: counted there)
        return _real_import(*args, **kwargs)
    phases.enter("imports")
    try:
        return _real_import(*args, **kwargs)
    finally:
        phases.leave()
        if _waiting:
            _patch()


def figures() -> dict:
    phases.charge()
    found = {"interpreter": (STARTED - LAUNCHED) * 1000}
    found.update({phase: seconds * 1000 for phase, seconds in phases.spent.items()})
    return found


def report() -> None:
    print(json.dumps(figures()), file=sys.stderr, flush=True)


if __name__ == "__main__":
    LAUNCHED = float(sys.argv[1])
    sys.argv = ["wartui", *sys.argv[2:]]
    phases.since = time.perf_counter()
    builtins.__import__ = _import
    from wartui import cli

    if hasattr(cli, "run"):
        real_exit = os._exit

        def _exit(status):
            report()
            real_exit(status)

        os._exit = _exit
        cli.run()  # (a search ends with os._exit)
    else:
        status = cli.main()
        report()
        sys.exit(status)
