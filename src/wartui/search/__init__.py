"""Searching and indexing, with Whoosh.

Whoosh imports modules for things wartui never uses, which a fresh process
(each `wartui search` over SSH) paid for at every start:

- `whoosh.compat` imports `urllib.request` (http.client, email, ssl,
  socket) to re-export `urlretrieve`, which Whoosh itself never calls;
- `whoosh.reading` takes `cached_property` from the package of that name,
  which imports asyncio (and concurrent.futures, subprocess) to support
  coroutines; Whoosh has one cached property, a set of deleted documents;
- `whoosh.query.terms` imports `whoosh.lang.morph_en` (~4 ms of building
  English word-ending tables) for the Variations query, which wartui's
  parser never makes.

So the first import of Whoosh through this package sees stand-ins for the
three: `urlretrieve` and `variations` functions that import the real ones
when called, and the package's `cached_property` without its coroutine
support (the same descriptor otherwise). They are in sys.modules only while
Whoosh is imported, and only when the main thread imports it (the command
line): another thread of the process could import one of the real modules
meanwhile. (The app imports Whoosh in a worker thread, as before.)
"""

import sys
import threading


def _import_whoosh_lean() -> None:
    if "whoosh.reading" in sys.modules:  # (imported already: nothing to save)
        return
    if threading.current_thread() is not threading.main_thread():
        return
    import types

    def urlretrieve(*args, **kwargs):
        from urllib.request import urlretrieve

        return urlretrieve(*args, **kwargs)

    def variations(word):
        from whoosh.lang.morph_en import variations

        return variations(word)

    class cached_property:  # noqa: N801  (as the package names it)
        """Computed once per instance, then an ordinary attribute."""

        def __init__(self, func):
            self.__doc__ = getattr(func, "__doc__")
            self.func = func

        def __get__(self, obj, cls):
            if obj is None:
                return self
            value = obj.__dict__[self.func.__name__] = self.func(obj)
            return value

    stand_ins = {}
    for name, value in (("urllib.request", urlretrieve),
                        ("cached_property", cached_property),
                        ("whoosh.lang.morph_en", variations)):
        if name not in sys.modules:
            module = types.ModuleType(name)
            setattr(module, value.__name__, value)
            stand_ins[name] = module
    sys.modules.update(stand_ins)
    try:
        import whoosh.compat  # noqa: F401
        import whoosh.query  # noqa: F401
        import whoosh.reading  # noqa: F401
    finally:
        for name, module in stand_ins.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]


_import_whoosh_lean()
