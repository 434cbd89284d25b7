"""Errors the user sees as one clear sentence (never a traceback)."""


class WartuiError(Exception):
    """Base: the message is written for the user."""


class QueryError(WartuiError, ValueError):
    """The query could not be understood; the message says why."""


class IndexBusy(WartuiError):
    """Another process holds the index's write lock."""


class IndexReadOnly(WartuiError):
    """The index directory cannot be written (permissions, a read-only disk)."""


class IndexMissing(WartuiError, LookupError):
    """There is no index where one was expected."""


class IndexVersionError(WartuiError):
    """The index was built by another wartui version or is damaged."""


class SearchIndexDamaged(IndexVersionError):
    """Only the search index (Whoosh) is damaged: `wartui check --repair`
    makes it again from the article store."""


class ArticleMissing(WartuiError, LookupError):
    """No article has the id the user gave."""


class KeepTyping(QueryError):
    """A word being typed is too short to search yet (its prefix stands for
    too many words): the app keeps the results it shows."""


class DiskFull(WartuiError):
    """A write failed for want of space (or of quota): nothing half-written
    stays, and the same command run again once there is room goes on."""
