"""How good is the engine on this book? BLEU and chrF on held-out human translations.

The method is the AMTS write-up's: take English sentences of the same file whose human
translation already exists, have the engine translate them, and score the output
against the human text with sacrebleu. The signatures travel with the numbers so that
anyone can reproduce them with sacrebleu's own CLI (``sacrebleu -tok zh -m bleu chrf``).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import NamedTuple

from amts.engines.base import Engine, Translation
from amts.errors import EngineError, InputError
from amts.update.changes import Quality

MIN_WORDS = 3  # shorter sources ("Summary", "Exercises") make BLEU meaningless

# sacrebleu's ja-mecab and ko-mecab need MeCab packages AMTS does not install. Character
# BLEU is the fallback, always (not only when MeCab is missing) so that scores stay
# comparable between machines; the BLEU signature says so with this extra field.
_MECAB_FALLBACK = {"ja": "ja-mecab", "ko": "ko-mecab"}


class Evaluation(NamedTuple):
    """An engine's scores and what computing them cost (kept out of the update's cost)."""

    quality: Quality | None  # None when the engine translated none of the held-out sentences
    chars_sent: int  # characters the evaluation sent to the engine


def _primary(lang: str) -> str:
    """``zh-CN`` / ``zh_TW`` / ``ZH`` → ``zh``."""
    return lang.replace("_", "-").split("-")[0].lower()


def tokenizer_for(tgt_lang: str) -> str:
    """sacrebleu's BLEU tokenizer for a target language: ``zh``, ``char`` (ja, ko) or ``13a``.

    Japanese and Korean get ``char`` because the MeCab tokenizers are not installed.
    """
    lang = _primary(tgt_lang)
    if lang == "zh":
        return "zh"
    if lang in _MECAB_FALLBACK:
        return "char"
    return "13a"


def score(hypotheses: Sequence[str], references: Sequence[str], tgt_lang: str) -> Quality:
    """Corpus BLEU and chrF of ``hypotheses`` against one reference each, with signatures."""
    if not hypotheses or not references:
        raise InputError("quality: nothing to score (no hypotheses or no references)")
    if len(hypotheses) != len(references):
        raise InputError(
            f"quality: {len(hypotheses)} hypotheses but {len(references)} references; "
            "each hypothesis needs exactly one reference"
        )
    # Imported here: sacrebleu (and the redis client its file locks bring) costs a fifth of
    # a second, which every sync paid though only a paid engine's updates are scored.
    from sacrebleu.metrics import BLEU, CHRF

    hyps, refs = list(hypotheses), [list(references)]
    bleu, chrf = BLEU(tokenize=tokenizer_for(tgt_lang)), CHRF()
    bleu_score, chrf_score = bleu.corpus_score(hyps, refs), chrf.corpus_score(hyps, refs)
    bleu_signature = str(bleu.get_signature())
    fallback = _MECAB_FALLBACK.get(_primary(tgt_lang))
    if fallback:
        bleu_signature += f"|fallback:{fallback}->char"
    return Quality(
        bleu=bleu_score.score,
        chrf=chrf_score.score,
        bleu_signature=bleu_signature,
        chrf_signature=str(chrf.get_signature()),
        sentences=len(hyps),
    )


def held_out(
    pairs: Sequence[tuple[str, str]], size: int = 20, seed: int = 0
) -> list[tuple[str, str]]:
    """A deterministic sample of ``size`` (English, human translation) pairs, in file order.

    Pairs with a source under :data:`MIN_WORDS` words, an empty translation or a
    "translation" equal to the English are skipped, and duplicates count once. Only
    ``Random.random()`` is used: Python guarantees its sequence for a given int seed
    across versions, unlike ``sample`` or ``shuffle``.
    """
    seen: set[tuple[str, str]] = set()
    eligible: list[tuple[str, str]] = []
    for source, target in pairs:
        if len(source.split()) < MIN_WORDS or not target.strip():
            continue
        if target.strip() == source.strip() or (source, target) in seen:
            continue
        seen.add((source, target))
        eligible.append((source, target))
    rng = random.Random(seed)
    keys = [rng.random() for _ in eligible]
    chosen = sorted(range(len(eligible)), key=lambda i: (keys[i], i))[: max(size, 0)]
    return [eligible[i] for i in sorted(chosen)]


def evaluate_engine(
    engine: Engine,
    pairs: Sequence[tuple[str, str]],
    *,
    src_lang: str,
    tgt_lang: str,
    size: int = 20,
    seed: int = 0,
) -> Evaluation:
    """Score ``engine`` on held-out pairs of the file being updated.

    ``engine.chars_sent`` is restored afterwards: the evaluation is not part of the
    update's cost and is returned separately as ``Evaluation.chars_sent``. Sentences the
    engine declined (``text is None``) are left out of the score.
    """
    sample = held_out(pairs, size=size, seed=seed)
    if not sample:
        return Evaluation(None, 0)
    sources = [source for source, _ in sample]
    before = engine.chars_sent
    try:
        translations = engine.translate(sources, src_lang=src_lang, tgt_lang=tgt_lang)
    finally:
        spent = engine.chars_sent - before
        engine.chars_sent = before
    if len(translations) != len(sample):
        raise EngineError(
            f"{engine.name or type(engine).__name__}: {len(translations)} translations "
            f"for {len(sample)} held-out sentences"
        )
    return Evaluation(score_sample(sample, translations, tgt_lang), spent)


def score_sample(
    sample: Sequence[tuple[str, str]], translations: Sequence[Translation], tgt_lang: str
) -> Quality | None:
    """Scores of an engine's translations of held-out pairs against the human references;
    sentences it declined are left out, and with none translated there is no score."""
    scored = [
        (t.text, reference)
        for t, (_, reference) in zip(translations, sample, strict=True)
        if t.text is not None
    ]
    if not scored:
        return None
    hypotheses, references = zip(*scored, strict=True)
    return score(hypotheses, references, tgt_lang)


def format_score(quality: Quality) -> str:
    """One line in sacrebleu's style: ``BLEU = 41.2 (…) chrF2 = 38.5 (…)`` plus the sample size."""
    unit = "sentence" if quality.sentences == 1 else "sentences"
    return (
        f"BLEU = {quality.bleu:.1f} ({quality.bleu_signature}) "
        f"chrF2 = {quality.chrf:.1f} ({quality.chrf_signature}) "
        f"on {quality.sentences} held-out {unit}"
    )
