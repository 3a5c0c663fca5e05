"""Offset edits of a text: applied at once, in order, overlaps refused, offsets mapped."""

from __future__ import annotations

import pytest

from amts.update.textedit import OffsetMap, TextEdit, apply_edits


class Late:
    """A part whose text is known only when the edits are applied."""

    def __init__(self, text: str) -> None:
        self.text = text


def render(part: object) -> str:
    return part.text if isinstance(part, Late) else str(part)


@pytest.mark.parametrize(
    ("edits", "expected"),
    [
        pytest.param([], "abcdef", id="no edits: text unchanged"),
        pytest.param([TextEdit(2, 4, ["XY"])], "abXYef", id="replacement"),
        pytest.param([TextEdit(2, 4, [])], "abef", id="deletion"),
        pytest.param([TextEdit(3, 3, ["-"])], "abc-def", id="insertion"),
        pytest.param([TextEdit(0, 0, ["<"]), TextEdit(6, 6, [">"])], "<abcdef>", id="both ends"),
        pytest.param(
            [TextEdit(4, 5, ["E"], order=1), TextEdit(0, 1, ["A"], order=2)],
            "AbcdEf",
            id="applied by position, not by the order they were made in",
        ),
        pytest.param(
            [TextEdit(2, 4, ["R"], order=1), TextEdit(2, 2, ["I"], order=2)],
            "abIRef",
            id="insertion before a replacement starting at the same offset",
        ),
        pytest.param(
            [TextEdit(3, 3, ["2"], order=2), TextEdit(3, 3, ["1"], order=1)],
            "abc12def",
            id="insertions at one offset keep the order they were made in",
        ),
        pytest.param(
            [TextEdit(1, 2, ["x", Late("y"), "z"])],
            "axyzcdef",
            id="parts rendered late and joined",
        ),
        pytest.param(
            [TextEdit(1, 3, ["X"]), TextEdit(3, 5, ["Y"])],
            "aXYf",
            id="adjacent replacements both applied",
        ),
    ],
)
def test_apply_edits(edits, expected):
    """Edits are applied by position and every byte outside them is kept."""
    text, refused = apply_edits("abcdef", edits, render=render)
    assert text == expected
    assert refused == []


@pytest.mark.parametrize(
    ("edits", "expected", "refused_index"),
    [
        pytest.param(
            [TextEdit(1, 4, ["X"], order=1), TextEdit(2, 5, ["Y"], order=2)],
            "aXef",
            1,
            id="overlap: the later-starting edit is refused",
        ),
        pytest.param(
            [TextEdit(1, 5, ["X"], order=1), TextEdit(2, 3, ["Y"], order=2)],
            "aXf",
            1,
            id="nested edit refused",
        ),
        pytest.param(
            [TextEdit(1, 5, [], order=1), TextEdit(3, 3, ["I"], order=2)],
            "af",
            1,
            id="insertion inside a deleted span refused",
        ),
        pytest.param(
            [TextEdit(2, 4, ["Y"], order=2), TextEdit(2, 5, ["X"], order=1)],
            "abXf",
            0,
            id="same start: the edit made first wins",
        ),
    ],
)
def test_overlapping_edits_are_refused(edits, expected, refused_index):
    """An edit overlapping one already applied is returned as refused, not guessed at."""
    text, refused = apply_edits("abcdef", edits)
    assert text == expected
    assert refused == [edits[refused_index]]


def test_new_positions_are_recorded():
    """Each applied edit records where its replacement landed in the new text."""
    first, second = TextEdit(1, 2, ["XYZ"]), TextEdit(4, 6, [])
    text, _ = apply_edits("abcdef", [first, second])
    assert text == "aXYZcd"
    assert (first.new_start, first.new_end) == (1, 4)
    assert (second.new_start, second.new_end) == (6, 6)


def test_joiner_is_called_only_where_an_edit_meets_its_surroundings():
    """The joiner sees the characters on both sides of each edit boundary, and no others."""
    calls = []

    def joiner(left: str, right: str) -> str:
        calls.append(left + right)
        return "|" if left == "." else ""

    edits = [TextEdit(4, 4, ["New."]), TextEdit(8, 12, ["X."])]
    text, _ = apply_edits("One.Two.Four", edits, joiner=joiner)
    assert text == "One.|New.|Two.|X."
    assert calls == [".N", ".T", ".X"]


def test_joiner_sees_both_sides_of_a_deletion():
    """A deleted span joins the text before it to the text after it."""
    calls = []

    def joiner(left: str, right: str) -> str:
        calls.append(left + right)
        return " "

    text, _ = apply_edits("Keep.Drop.Also.", [TextEdit(5, 10, [])], joiner=joiner)
    assert text == "Keep. Also."
    assert calls == [".A"]


def test_joiner_not_called_at_the_start_of_the_text():
    """Nothing precedes an insertion at offset 0, so there is nothing to join."""
    calls = []
    text, _ = apply_edits(
        "abc", [TextEdit(0, 0, ["X"])], joiner=lambda a, b: calls.append(a + b) or ""
    )
    assert text == "Xabc"
    assert calls == ["Xa"]


@pytest.mark.parametrize(
    ("offset", "expected"),
    [
        pytest.param(0, 0, id="before every edit"),
        pytest.param(1, 1, id="start of a replacement"),
        pytest.param(2, 4, id="end of a grown replacement"),
        pytest.param(3, 5, id="between edits: shifted by the growth"),
        pytest.param(4, 8, id="at an insertion point: after the inserted text"),
        pytest.param(5, 9, id="start of a deletion"),
        pytest.param(6, 9, id="inside a deletion: where it was"),
        pytest.param(7, 9, id="end of a deletion"),
        pytest.param(8, 10, id="after every edit, end of text"),
    ],
)
def test_offset_map(offset, expected):
    """Offsets of the old text map to the same place in the new text."""
    # "abcdefgh": b→XYZ (+2), insert "--" at 4 (+2), delete fg (-2)
    edits = [TextEdit(1, 2, ["XYZ"]), TextEdit(4, 4, ["--"]), TextEdit(5, 7, [])]
    text, _ = apply_edits("abcdefgh", edits)
    assert text == "aXYZcd--eh"
    assert OffsetMap(edits)(offset) == expected


@pytest.mark.parametrize("offset", [2, 3, 4])
def test_offset_inside_a_replaced_span_maps_to_the_end_of_its_replacement(offset):
    """Old text that was replaced has no place of its own: it maps to the replacement's end,
    never past it."""
    edit = TextEdit(1, 4, ["X"])
    text, _ = apply_edits("abcdef", [edit])
    assert text == "aXef"
    assert OffsetMap([edit])(offset) == 2


def test_offset_map_before_insertions():
    """Asked for the place before insertions, an insertion point maps to where it started."""
    edits = [TextEdit(1, 2, ["XYZ"]), TextEdit(4, 4, ["--"])]
    text, _ = apply_edits("abcdef", edits)
    assert text == "aXYZcd--ef"
    offsets = OffsetMap(edits)
    assert offsets(4) == 8
    assert offsets(4, before_insertions=True) == 6
    assert offsets(2, before_insertions=True) == 4  # a replacement's end is no insertion


def test_offset_map_with_insertion_and_replacement_at_one_offset_listed_in_any_order():
    """An insertion and a replacement starting at the same offset map the same way whatever
    order they are listed in."""
    replacement, insertion = TextEdit(2, 4, ["R"], order=1), TextEdit(2, 2, ["II"], order=2)
    text, _ = apply_edits("abcdef", [replacement, insertion])
    assert text == "abIIRef"
    offsets = OffsetMap([replacement, insertion])
    assert [offsets(k) for k in (2, 4, 5, 6)] == [4, 5, 6, 7]


def test_offset_map_ignores_refused_edits():
    """An edit that was never applied (no new position) does not move any offset."""
    applied, never = TextEdit(0, 1, ["AA"]), TextEdit(3, 4, ["Q"])
    apply_edits("abcdef", [applied])
    assert OffsetMap([applied, never])(5) == 6
