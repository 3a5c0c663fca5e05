"""The book's markdown: blocks that join back byte for byte, protected spans, sentences.

Stage 1 of the pipeline: everything after it reads a file through :class:`Document`."""

_EXPORTS = {
    "Document": "amts.book.document",
    "Block": "amts.book.document",
    "Kind": "amts.book.document",
    "parse": "amts.book.document",
    "load": "amts.book.document",
    "protected_spans": "amts.book.protect",
    "split_sentences": "amts.book.sentences",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str):
    """Public names, imported on first use: a stage's package costs nothing until used."""
    if name in _EXPORTS:
        from importlib import import_module

        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
