"""The Textual app: a client of `wartui.library.Library`, presentation only.

    app.py        WartuiApp (screens, global keys, worker errors) and run_app()
    app.tcss      every colour and the layout
    gate.py       the one door into the Library: a library thread, calls in order
                  (and a second one for slow reads that must not block searches)
    passages.py   text as passages with styled spans, and word wrapping
    reading.py    article / raw page / query -> passages and hit marks
    commands.py   the command palette provider
    screens/      search, document, versions, diff, help, indexing
    widgets/      results list, facet line, entity panel, legend, line-virtualised
                  text and diff views

Nothing here is imported by the core, and importing this package does not
open the index or import Whoosh: that happens in a worker once the first
screen shows.
"""
