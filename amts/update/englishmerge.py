"""A push's English edits applied to the English a translation follows: a three-way merge.

d2l-zh's ``X.md`` translates ``X_origin.md``, which often lags the English by years. A
sync must carry what the push changed and nothing older, so its new English is not the
English head but ``X_origin.md`` with the push's edits (base → head) applied. Each edit's
base block is located in the origin, English against English (exact, then by
similarity). An edit whose base block the origin has in the same form is applied; one the
origin already shows (it was ahead) is done; any other is *lag*: not carried, reported,
and left for a catch-up the maintainer asks for.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from amts.book.document import Document, Kind
from amts.update.changes import ChangeKind
from amts.update.diff import Edit, block_key, diff_blocks


@dataclass
class EnglishMerge:
    """The merged English, and the push's edits it carried or left as lag."""

    text: str
    carried: list[Edit] = field(default_factory=list)
    lagging: list[Edit] = field(default_factory=list)


@dataclass
class _Located:
    """Where the base's blocks are in the origin: index, and whether in the same form."""

    at: dict[int, int]
    same: set[int]
    ahead: dict[str, int]  # origin blocks no base block explains, by key


def _locate(base: Document, origin: Document) -> _Located:
    at, same, used = {}, set(), set()
    for edit in diff_blocks(base, origin):
        if edit.old is None or edit.new is None:
            continue
        at[edit.old] = edit.new
        used.add(edit.new)
        if edit.kind in (ChangeKind.UNCHANGED, ChangeKind.MOVED):
            same.add(edit.old)
    ahead = {
        block_key(block.text): j
        for j, block in enumerate(origin.blocks)
        if block.kind is not Kind.BLANK and j not in used
    }
    return _Located(at, same, ahead)


def _separator(doc: Document, index: int, step: int) -> str:
    """The blank lines between block ``index`` and its non-blank neighbour (``step`` ±1)."""
    parts, j = [], index + step
    while 0 <= j < len(doc.blocks) and doc.blocks[j].kind is Kind.BLANK:
        parts.append(doc.blocks[j].text)
        j += step
    return "".join(parts)


def _line(text: str) -> str:
    return text if text.endswith("\n") else text + "\n"


def merge_english(origin: Document, base: Document, head: Document) -> EnglishMerge:
    """``origin`` with the edits ``base`` → ``head`` applied where it has their base block."""
    located = _locate(base, origin)
    result = EnglishMerge(origin.text)
    replace: dict[int, str] = {}
    delete: set[int] = set()
    after: dict[int, list[str]] = {}  # origin block -> inserted texts, with separators
    before: dict[int, list[str]] = {}
    leading: list[int] = []  # head blocks inserted before any block the origin has
    moved_from: dict[int, int] = {}  # head block -> the origin block it moves
    anchor: int | None = None

    def insert(k: int) -> None:
        if anchor is None:
            leading.append(k)
        else:
            text = _separator(head, k, -1) + _line(head.blocks[k].text)
            after.setdefault(anchor, []).append(text)

    for edit in diff_blocks(base, head):  # in head order; deletions where they were
        kind, old, new = edit.kind, edit.old, edit.new
        if kind is ChangeKind.UNCHANGED:
            if old in located.at:
                anchor = located.at[old]
                _flush(leading, before, head, anchor)
            continue
        head_key = block_key(head.blocks[new].text) if new is not None else None
        if kind is ChangeKind.DELETED:
            if old in located.same:
                delete.add(located.at[old])
                result.carried.append(edit)
            elif old in located.at:
                result.lagging.append(edit)
            continue
        if kind is ChangeKind.MODIFIED:
            if old in located.same:
                replace[located.at[old]] = head.blocks[new].text
                result.carried.append(edit)
            elif head_key not in located.ahead and not _shows(origin, located, old, head_key):
                result.lagging.append(edit)
            if old in located.at:
                anchor = located.at[old]
                _flush(leading, before, head, anchor)
            elif head_key in located.ahead:
                anchor = located.ahead[head_key]
            continue
        if kind is ChangeKind.MOVED:
            if old not in located.same:
                result.lagging.append(edit)
                continue
            moved_from[new] = located.at[old]
        elif head_key in located.ahead and head.blocks[new].is_prose:  # inserted already
            anchor = located.ahead.pop(head_key)
            continue
        insert(new)
        result.carried.append(edit)
    if leading:  # the origin has no block near them at all: nowhere to put them
        result.lagging += [e for e in result.carried if e.new in leading]
        result.carried = [e for e in result.carried if e.new not in leading]
    delete |= {moved_from[e.new] for e in result.carried if e.new in moved_from}
    if result.carried:
        result.text = _assemble(origin, replace, delete, after, before)
    return result


def _shows(origin: Document, located: _Located, old: int, key: str | None) -> bool:
    """Whether the origin has base block ``old`` in its new form already (it was ahead)."""
    return old in located.at and block_key(origin.blocks[located.at[old]].text) == key


def _flush(leading: list[int], before: dict[int, list[str]], head: Document, at: int) -> None:
    """Blocks inserted before the first block the origin has go right before it."""
    for k in leading:
        before.setdefault(at, []).append(_line(head.blocks[k].text) + _separator(head, k, 1))
    leading.clear()


def _assemble(
    origin: Document,
    replace: dict[int, str],
    delete: set[int],
    after: dict[int, list[str]],
    before: dict[int, list[str]],
) -> str:
    blocks = origin.blocks
    drop = set(delete)
    for j in delete:  # a run of deleted blocks between two blank runs takes one of them
        if j - 1 in delete:
            continue
        end = j
        while end + 1 in delete:
            end += 1
        blank_after = end + 1 >= len(blocks) or blocks[end + 1].kind is Kind.BLANK
        if j > 0 and blocks[j - 1].kind is Kind.BLANK and blank_after:
            drop.add(j - 1)
        elif j == 0 and end + 1 < len(blocks) and blank_after:
            drop.add(end + 1)
    parts: list[str] = []
    for j, block in enumerate(blocks):
        parts.extend(before.get(j, []))
        if j not in drop:
            text = replace.get(j, block.text)
            if j in replace and block.text.endswith("\n"):
                text = _line(text)
            parts.append(text)
        for inserted in after.get(j, []):
            if parts and not parts[-1].endswith("\n"):
                parts[-1] += "\n"
            parts.append(inserted)
    return "".join(parts)
