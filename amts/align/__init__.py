"""Pairing an English file with its human translation: blocks, then sentences.

Stage 2: structure, tokens that survive translation and length, strongest evidence first."""

from amts.lazy import lazy_exports

_EXPORTS = {
    "Aligner": "amts.align.aligner",
    "Alignment": "amts.align.aligner",
    "align": "amts.align.aligner",
    "Glossary": "amts.align.glossary",
    "load_glossary": "amts.align.glossary",
}

__all__ = list(_EXPORTS)


__getattr__ = lazy_exports(__name__, _EXPORTS)
