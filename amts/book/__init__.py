"""The book's markdown: blocks that join back byte for byte, protected spans, sentences.

Stage 1 of the pipeline: everything after it reads a file through :class:`Document`."""

from amts.lazy import lazy_exports

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


__getattr__ = lazy_exports(__name__, _EXPORTS)
