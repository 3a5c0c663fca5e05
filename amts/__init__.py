"""AMTS: keep translated copies of a book repository in sync with its English source.

The core library: the book's markdown model, sentences, alignment, parallel data,
translation memory, engines and reports. It knows nothing of GitHub; the app in
``bot/`` builds on it.
"""

from amts.lazy import lazy_exports

__version__ = "0.1.0"

# The public API, imported on first use so that ``import amts`` stays cheap.
_EXPORTS = {
    "Document": "amts.book.document",
    "parse": "amts.book.document",
    "load": "amts.book.document",
    "Aligner": "amts.align.aligner",
    "Alignment": "amts.align.aligner",
    "align": "amts.align.aligner",
    "split_sentences": "amts.book.sentences",
    "protected_spans": "amts.book.protect",
    "CorpusBuilder": "amts.corpus.parallel",
    "find_file_pairs": "amts.corpus.parallel",
    "TranslationMemory": "amts.memory",
    "Updater": "amts.update.updater",
    "UpdateReport": "amts.update.changes",
    "create_engine": "amts.engines",
    "load_glossary": "amts.align.glossary",
    "measure_lag": "amts.lag.measure",
}

__all__ = ["__version__", *_EXPORTS]


__getattr__ = lazy_exports(__name__, _EXPORTS)
