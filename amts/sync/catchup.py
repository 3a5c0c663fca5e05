"""What a catch-up carries: every English change a file (or one section of it) lags on.

A push carries only its own edits; the rest is lag, and a maintainer asks for it file by
file or section by section (``/amts catch-up PATH[#LABEL]``, ``amts sync --catch-up``). With
origin files the translation goes from ``X_origin.md`` to the English (or, for a section,
to the origin with that section's English); without them, from the English minus the
blocks the translation has no counterpart of, so those are added.
"""

from __future__ import annotations

from collections.abc import Sequence

from amts.book import document
from amts.book.document import Document
from amts.book.sections import find_section
from amts.errors import InputError
from amts.sync.filejob import origin_path
from amts.sync.renames import RenameFinder, fingerprint
from amts.sync.work import Work
from amts.update.behind import followed_english


def requests(paths: Sequence[str]) -> list[tuple[str, str | None]]:
    """``PATH`` or ``PATH#SECTION`` → (path, section or None)."""
    result = []
    for given in paths:
        path, _, section = given.partition("#")
        path = path.strip().strip("/")
        if not path:
            raise InputError(f"{given!r}: give a file or directory of the English book")
        result.append((path, section.strip() or None))
    if not result:
        raise InputError("nothing to catch up: give at least one PATH or PATH#LABEL")
    return result


def catch_up_works(sync, paths: Sequence[str]) -> list[Work]:
    """One work per English file the request names, with the English it is to follow."""
    english = sorted(
        p for p in sync.source.files(sync.to) if p.endswith(".md") and not sync.excluded(p)
    )
    works = []
    for path, section in requests(paths):
        under = [p for p in english if p.startswith(path + "/")]
        files = [path] if path in english else under
        if not files:
            raise InputError(
                f"{path}: no English markdown file or directory there at {sync.to[:8]}; "
                "give a path of the English book (amts lag lists them)"
            )
        if section and len(files) > 1:
            raise InputError(f"{path}#{section}: a section belongs to one file, not a directory")
        works += [_work(sync, file, section, english) for file in files]
    return works


def _work(sync, path: str, section: str | None, english: list[str]) -> Work:
    head = sync.source.document(sync.to, path)
    current = path if path in sync.target_files else _renamed_from(sync, path, head, english)
    if current is None:
        if section:
            raise InputError(
                f"{path} has no translation yet: catch up the whole file, not #{section}"
            )
        return Work("added", path, None, sync.to, catch_up=True)
    work = Work("modified" if current == path else "renamed", path, current, sync.to)
    work.catch_up = True
    if sync.origins and origin_path(current) in sync.target_files:
        if section:
            origin = sync.target.document(sync.head, origin_path(current))
            work.new_english = document.parse(_with_section(origin, head, section), path)
        return work
    translation = sync.target.document(sync.head, current)
    alignment = sync.updater.aligner.align(head, translation, sentences=False)
    start, end = (0, None)
    if section:
        heading = find_section(head, section)
        start, end = heading.start, heading.end
    work.old_english = document.parse(followed_english(alignment, start, end), path)
    return work


def _with_section(origin: Document, head: Document, section: str) -> str:
    """The origin with one section as the English has it now."""
    new = find_section(head, section)
    try:
        old = find_section(origin, section)
    except InputError:
        raise InputError(
            f"{origin.path}: no section {section!r} in the English this translation follows; "
            "catch up the whole file"
        ) from None
    return origin.text[: old.start] + head.text[new.start : new.end] + origin.text[old.end :]


def _renamed_from(sync, path: str, head: Document, english: list[str]) -> str | None:
    """The translation whose English path is gone and whose content is now at ``path``."""
    finder = RenameFinder({path: head})
    existing = set(english)
    for candidate in sorted(sync.target_files):
        if not candidate.endswith(".md") or candidate.endswith("_origin.md"):
            continue
        if candidate in existing or sync.excluded(candidate):
            continue
        origin = origin_path(candidate)
        if origin in sync.target_files:
            keys = fingerprint(sync.target.document(sync.head, origin), prose=True)
        else:
            keys = fingerprint(sync.target.document(sync.head, candidate), prose=False)
        if finder.find(keys) == path:
            return candidate
    return None
