"""Pairing an English file with its human translation: blocks, then sentences.

Stage 2: structure, tokens that survive translation and length, strongest evidence first."""

_EXPORTS = {
    "Aligner": "amts.align.aligner",
    "Alignment": "amts.align.aligner",
    "align": "amts.align.aligner",
    "Glossary": "amts.align.glossary",
    "load_glossary": "amts.align.glossary",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str):
    """Public names, imported on first use: a stage's package costs nothing until used."""
    if name in _EXPORTS:
        from importlib import import_module

        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
