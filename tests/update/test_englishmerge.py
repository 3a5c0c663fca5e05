"""The three-way merge on the English side: a push's edits applied to the English a
translation follows, where it has their base block in the same form."""

from __future__ import annotations

import pytest

from amts.book.document import parse
from amts.update.englishmerge import merge_english

BASE = "# T\n:label:`t`\n\nAlpha one.\n\nBeta two here.\n\nGamma three is here.\n\nDelta four.\n"
#: Follows an older English: its first paragraph is in an older form.
ORIGIN = BASE.replace("Alpha one.", "Alpha one old.")


@pytest.mark.parametrize(
    ("head", "expected", "carried", "lagging"),
    [
        pytest.param(
            BASE.replace("Beta two here.", "Beta two here, changed."),
            ORIGIN.replace("Beta two here.", "Beta two here, changed."),
            ["modified"],
            [],
            id="modify",
        ),
        pytest.param(
            BASE.replace("Beta two here.\n", "Beta two here.\n\nNew block.\n"),
            ORIGIN.replace("Beta two here.\n", "Beta two here.\n\nNew block.\n"),
            ["inserted"],
            [],
            id="insert",
        ),
        pytest.param(
            BASE.replace("Beta two here.\n\n", ""),
            ORIGIN.replace("Beta two here.\n\n", ""),
            ["deleted"],
            [],
            id="delete",
        ),
        pytest.param(
            BASE.replace("Delta four.\n", "Delta four.\n\n## New\n:label:`new`\n\nText.\n"),
            ORIGIN.replace("Delta four.\n", "Delta four.\n\n## New\n:label:`new`\n\nText.\n"),
            ["inserted", "inserted", "inserted"],
            [],
            id="insert heading with its label at the end",
        ),
        pytest.param(
            BASE.replace("Alpha one.", "Alpha one, edited."),
            ORIGIN,
            [],
            ["modified"],
            id="edit of a block the origin has in an older form is lag",
        ),
        pytest.param(
            BASE.replace("Alpha one.\n\n", ""),
            ORIGIN,
            [],
            ["deleted"],
            id="delete of a block the origin has in an older form is lag",
        ),
        pytest.param(
            BASE.replace("Alpha one.", "Alpha one old."),
            ORIGIN,
            [],
            [],
            id="an edit the origin already has is done",
        ),
    ],
)
def test_merge(head: str, expected: str, carried: list[str], lagging: list[str]) -> None:
    """Each edit is applied to the origin, or left as lag, or found done already."""
    merge = merge_english(parse(ORIGIN), parse(BASE), parse(head))
    assert merge.text == expected
    assert [e.kind.value for e in merge.carried] == carried
    assert [e.kind.value for e in merge.lagging] == lagging


def test_move_follows_the_english() -> None:
    """A block moved in the English moves in the origin, after the block it now follows."""
    head = BASE.replace(
        "Beta two here.\n\nGamma three is here.\n\nDelta four.\n",
        "Gamma three is here.\n\nDelta four.\n\nBeta two here.\n",
    )
    merge = merge_english(parse(ORIGIN), parse(BASE), parse(head))
    assert merge.text == ORIGIN.replace(
        "Beta two here.\n\nGamma three is here.\n\nDelta four.\n",
        "Gamma three is here.\n\nDelta four.\n\nBeta two here.\n",
    )
    assert [e.kind.value for e in merge.carried] == ["moved"]
