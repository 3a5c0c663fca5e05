"""The offline default engine: the translators' own sentences, from the translation memory.

It never sends text anywhere, so it costs nothing and can run on every push; a
segment the memory cannot translate safely is left for a human (or a paid engine)
instead of being guessed.
"""

from __future__ import annotations

from collections.abc import Sequence

from amts.engines.base import Engine, Translation
from amts.errors import InputError
from amts.memory import TranslationMemory, same_language

NO_MATCH_NOTE = "no translation memory match; left for translators"


class MemoryEngine(Engine):
    """Translates a segment only when :meth:`TranslationMemory.lookup` finds it."""

    name = "memory"

    def __init__(self, memory: TranslationMemory | None = None) -> None:
        super().__init__()
        self.memory = memory

    def translate(
        self, segments: Sequence[str], *, src_lang: str, tgt_lang: str
    ) -> list[Translation]:
        memory = self.memory
        if memory is not None and not (
            same_language(src_lang, memory.src_lang) and same_language(tgt_lang, memory.tgt_lang)
        ):
            raise InputError(
                f"the translation memory holds {memory.src_lang}→{memory.tgt_lang} pairs but "
                f"{src_lang}→{tgt_lang} was asked for; build it from the {tgt_lang} repository"
            )
        results = []
        for segment in segments:
            match = memory.lookup(segment) if memory is not None else None
            if match is None:
                results.append(Translation(None, self.name, note=NO_MATCH_NOTE))
            else:
                origin = f"{self.name}:{match.kind}"
                note = "" if match.kind == "exact" else f"repaired from: {match.source}"
                results.append(Translation(match.target, origin, match.score, note))
        return results
