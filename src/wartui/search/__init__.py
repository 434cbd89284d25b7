"""Searching and indexing, with Whoosh.

`whoosh.query.terms` imports `whoosh.lang.morph_en` (~4 ms of building
English word-ending tables) for the Variations query, which wartui's parser
never makes; a fresh process (each `wartui search` over SSH) paid for it at
every start. So the first import of Whoosh through this package sees a
stand-in for it: a `variations` function that imports the real one when
called. It is in sys.modules only while Whoosh is imported, and only when
the main thread imports it (the command line): another thread of the
process could import the real module meanwhile. (The app imports Whoosh in a
worker thread, as before.) With another Whoosh than the pinned one
(search/engine/), it does nothing it need not: a module it does not know is
left alone.
"""

import sys
import threading


def _import_whoosh_lean() -> None:
    if "whoosh.reading" in sys.modules:  # (imported already: nothing to save)
        return
    if threading.current_thread() is not threading.main_thread():
        return
    import types

    def variations(word):
        from whoosh.lang.morph_en import variations

        return variations(word)

    stand_in = None
    if "whoosh.lang.morph_en" not in sys.modules:
        stand_in = types.ModuleType("whoosh.lang.morph_en")
        stand_in.variations = variations
        sys.modules["whoosh.lang.morph_en"] = stand_in
    try:
        import whoosh.query  # noqa: F401
        import whoosh.reading  # noqa: F401
    finally:
        if stand_in is not None and sys.modules.get("whoosh.lang.morph_en") is stand_in:
            del sys.modules["whoosh.lang.morph_en"]


_import_whoosh_lean()
