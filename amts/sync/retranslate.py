"""Translate again the sentences AMTS wrote on a sync branch, and only those.

``/amts retranslate`` (the GitHub App) and anything else that wants a fresh machine
translation use this: the record in ``.amts/written.json`` says which sentences a sync
wrote; one of them still counts as AMTS's while its ``target`` text occurs verbatim in
the file. A sentence a translator edited no longer occurs, so it is never touched, and a
text that occurs more often than AMTS wrote it (a translator wrote the same words
elsewhere) is ambiguous and left alone too. The edits are exact spans of the file: every
other byte stays as it is.

The planning functions are pure (text in, spans out); :func:`retranslate` adds the engine
and :func:`commit_retranslation` the git commit on top of the branch head.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

from amts.book import document
from amts.book.sections import find_section
from amts.engines.base import Engine, Translation
from amts.errors import InputError
from amts.sync.git import GitRepo
from amts.sync.written import WRITTEN_PATH, WrittenRecord, WrittenSentence
from amts.update.textedit import TextEdit, apply_edits

log = logging.getLogger(__name__)

#: Reads a file at the branch head: its bytes, or ``None`` when it is absent.
Reader = Callable[[str], bytes | None]

#: Why a recorded sentence was not translated again.
EDITED = "edited since AMTS wrote it"
AMBIGUOUS = "the same text occurs elsewhere in the file"
OVERLAP = "overlaps another sentence AMTS wrote"
OUTSIDE = "outside the section"


@dataclass(frozen=True)
class Candidate:
    """A recorded sentence found, unedited, at ``text[start:end]``."""

    sentence: WrittenSentence
    start: int
    end: int


@dataclass
class Plan:
    """What a retranslation of one file may touch (``candidates``) and what it may not."""

    path: str
    candidates: list[Candidate] = field(default_factory=list)
    skipped: list[tuple[WrittenSentence, str]] = field(default_factory=list)


def plan_retranslation(
    text: str, written: Iterable[WrittenSentence], path: str, section: str | None = None
) -> Plan:
    """The recorded sentences of ``path`` that still occur unedited in ``text`` (the file at
    the branch head), within ``section`` if given, as spans of ``text``.

    A target that occurs exactly as often as it was recorded is AMTS's everywhere it
    occurs; fewer occurrences mean an edit, more mean a human wrote it too.
    """
    plan = Plan(path)
    mine = [s for s in written if s.path == path and s.target]
    if not mine:
        return plan
    span = (0, len(text))
    if section is not None:
        heading = find_section(document.parse(text, path), section)
        span = (heading.start, heading.end)
    by_target: dict[str, list[WrittenSentence]] = defaultdict(list)
    for sentence in mine:
        by_target[sentence.target].append(sentence)
    found: list[Candidate] = []
    for target, sentences in by_target.items():
        places = _occurrences(text, target)
        if len(places) < len(sentences):
            plan.skipped.extend((s, EDITED) for s in sentences[len(places) :])
            sentences = sentences[: len(places)]
        elif len(places) > len(sentences):
            plan.skipped.extend((s, AMBIGUOUS) for s in sentences)
            continue
        found.extend(
            Candidate(s, start, start + len(target))
            for s, start in zip(sentences, places, strict=True)
        )
    found.sort(key=lambda c: (c.start, c.end))
    overlapping = _overlapping(found)
    for candidate in found:
        if candidate in overlapping:
            plan.skipped.append((candidate.sentence, OVERLAP))
        elif candidate.start < span[0] or candidate.end > span[1]:
            plan.skipped.append((candidate.sentence, OUTSIDE))
        else:
            plan.candidates.append(candidate)
    return plan


def _occurrences(text: str, target: str) -> list[int]:
    """Where ``target`` starts in ``text``, without overlaps."""
    places, start = [], text.find(target)
    while start >= 0:
        places.append(start)
        start = text.find(target, start + len(target))
    return places


def _overlapping(candidates: Sequence[Candidate]) -> set[Candidate]:
    """Candidates (sorted by start) whose spans overlap another's: neither is safe."""
    bad: set[Candidate] = set()
    reach: Candidate | None = None
    for candidate in candidates:
        if reach is not None and candidate.start < reach.end:
            bad.update((candidate, reach))
        if reach is None or candidate.end > reach.end:
            reach = candidate
    return bad


def apply_retranslation(text: str, replacements: Sequence[tuple[Candidate, str]]) -> str:
    """``text`` with each candidate's span replaced by its new translation."""
    edits = [TextEdit(c.start, c.end, [new]) for c, new in replacements]
    new_text, refused = apply_edits(text, edits)
    if refused:  # plan_retranslation never gives overlapping spans
        raise InputError(f"overlapping retranslations at {[e.start for e in refused]}")
    return new_text


# -- translating and committing ---------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What happened to one recorded sentence: ``status`` is changed, unchanged,
    untranslated (the engine had nothing) or skipped (``note`` says why)."""

    path: str
    source: str
    status: str
    note: str = ""


@dataclass
class Result:
    """A retranslation: the files to write (``files``), per-sentence outcomes."""

    files: dict[str, bytes] = field(default_factory=dict)
    outcomes: list[Outcome] = field(default_factory=list)
    commit: str | None = None

    def count(self, status: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status == status)

    @property
    def changed(self) -> int:
        return self.count("changed")


def _origin(translation: Translation) -> str:
    """The record's origin for a new translation: "memory" or "engine"."""
    return "memory" if translation.origin.startswith("memory") else "engine"


def retranslate(
    read: Reader,
    targets: Sequence[tuple[str, str | None]],
    engine: Engine,
    *,
    src_lang: str,
    tgt_lang: str,
) -> Result:
    """Translate again, with ``engine``, the unedited recorded sentences of each
    ``(path, section or None)`` of ``targets`` (all recorded files when empty).

    ``read(path)`` gives a file's bytes at the branch head (``None``: absent).
    """
    record = WrittenRecord.from_bytes(read(WRITTEN_PATH))
    result = Result()
    if not targets:
        targets = [(path, None) for path in dict.fromkeys(s.path for s in record.sentences)]
        if not targets:
            raise InputError(
                f"AMTS wrote no sentence on this branch (nothing recorded in {WRITTEN_PATH})"
            )
    plans: list[tuple[Plan, str]] = []
    for path, section in targets:
        data = read(path)
        if data is None:
            raise InputError(f"{path}: no such file on the sync branch")
        text = document.decode(data, path)
        plan = plan_retranslation(text, record.sentences, path, section)
        if not plan.candidates and not plan.skipped:
            where = f" (section {section})" if section else ""
            raise InputError(
                f"{path}{where}: AMTS wrote no sentence here in this pull request "
                f"(nothing recorded in {WRITTEN_PATH})"
            )
        result.outcomes += [Outcome(path, s.source, "skipped", why) for s, why in plan.skipped]
        plans.append((plan, text))
    sources = [c.sentence.source for plan, _ in plans for c in plan.candidates]
    translations = iter(
        engine.translate(sources, src_lang=src_lang, tgt_lang=tgt_lang) if sources else []
    )
    renewed: dict[WrittenSentence, WrittenSentence] = {}
    for plan, text in plans:
        replacements = []
        for candidate in plan.candidates:
            translation, sentence = next(translations), candidate.sentence
            if not translation.ok:
                result.outcomes.append(
                    Outcome(plan.path, sentence.source, "untranslated", translation.note)
                )
            elif translation.text == sentence.target:
                result.outcomes.append(Outcome(plan.path, sentence.source, "unchanged"))
            else:
                replacements.append((candidate, translation.text))
                renewed[sentence] = replace(
                    sentence, target=translation.text, origin=_origin(translation)
                )
                result.outcomes.append(Outcome(plan.path, sentence.source, "changed"))
        if replacements:
            new_text = apply_retranslation(text, replacements)
            result.files[plan.path] = new_text.encode("utf-8")
    if result.files:
        record.sentences = [renewed.get(s, s) for s in record.sentences]
        result.files[WRITTEN_PATH] = record.to_bytes()
    log.info(
        "retranslate.planned: %d changed, %d unchanged, %d untranslated, %d skipped",
        result.changed,
        result.count("unchanged"),
        result.count("untranslated"),
        result.count("skipped"),
    )
    return result


def retranslate_branch(
    repo: GitRepo,
    branch: str,
    targets: Sequence[tuple[str, str | None]],
    engine: Engine,
    *,
    src_lang: str,
    tgt_lang: str,
    head: str | None = None,
    message: str | None = None,
) -> Result:
    """:func:`retranslate` at ``head`` (default: the head of ``branch``), committed on top
    of it as ``branch``.

    ``branch`` is moved only from where it was when the commit was made (compare and
    swap), so a commit that lands on it meanwhile is never lost. A mirror that fetched the
    branch elsewhere (``refs/remotes/origin/<branch>``) passes that commit as ``head``.
    Nothing is committed when no sentence changed.
    """
    local = repo.branch_head(branch)
    head = head or local
    if head is None:
        raise InputError(f"{repo.path}: no branch {branch!r} to retranslate on")
    result = retranslate(
        lambda path: repo.read(head, path), targets, engine, src_lang=src_lang, tgt_lang=tgt_lang
    )
    if result.changed:
        paths = sorted(p for p in result.files if p != WRITTEN_PATH)
        message = message or _message(result, paths)
        result.commit = repo.commit(head, result.files, message, branch, move_from=local)
    return result


def _message(result: Result, paths: Sequence[str]) -> str:
    counts = Counter(o.path for o in result.outcomes if o.status == "changed")
    lines = [f"Retranslate {result.changed} AMTS sentence(s) in {', '.join(paths)}", ""]
    lines += [f"- {path}: {counts[path]} sentence(s)" for path in paths]
    lines += ["", "Sentences translators wrote or edited were not touched."]
    return "\n".join(lines)
