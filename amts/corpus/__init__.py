"""Parallel data: the aligned pairs of a translated repository, as TSV, CSV or TMX.

Stage 3: what steers a custom-translation engine, and what the translation memory holds."""

_EXPORTS = {
    "CorpusBuilder": "amts.corpus.parallel",
    "FilePair": "amts.corpus.parallel",
    "find_file_pairs": "amts.corpus.parallel",
    "ORIGIN_SUFFIX": "amts.corpus.parallel",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str):
    """Public names, imported on first use: a stage's package costs nothing until used."""
    if name in _EXPORTS:
        from importlib import import_module

        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
