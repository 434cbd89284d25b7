"""wartui: a terminal browser for war reporting.

`wartui.Library` is the facade the CLI and the app use. It is imported lazily
so that `import wartui` stays cheap (no Whoosh until an index is opened).
"""

__version__ = "0.1.0"
__all__ = ["Library", "__version__"]


def __getattr__(name):
    if name == "Library":
        from .library import Library

        return Library
    raise AttributeError(name)
