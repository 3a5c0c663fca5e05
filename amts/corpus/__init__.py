"""Parallel data: the aligned pairs of a translated repository, as TSV, CSV or TMX.

Stage 3: what steers a custom-translation engine, and what the translation memory holds."""

from amts.lazy import lazy_exports

_EXPORTS = {
    "CorpusBuilder": "amts.corpus.parallel",
    "FilePair": "amts.corpus.parallel",
    "find_file_pairs": "amts.corpus.parallel",
    "ORIGIN_SUFFIX": "amts.corpus.parallel",
}

__all__ = list(_EXPORTS)


__getattr__ = lazy_exports(__name__, _EXPORTS)
