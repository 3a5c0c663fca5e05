"""The property of issue 10 §1 on the real books in ``../shared/d2l`` (skipped without them):
a one-block English push changes the translation only in the blocks aligned to it, in
d2l-zh (origin files, which lag the English a lot) and d2l-pt (none)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from amts.book import document
from amts.book.document import Kind
from amts.engines import create_engine
from amts.memory import TranslationMemory
from amts.sync.git import GitRepo
from amts.sync.synchronizer import Synchronizer
from amts.update.diff import normalize
from amts.update.updater import Updater
from tests.conftest import SHARED
from tests.gitrepos import GitDir, copy_book
from tests.sync.lagproperty import assert_only_edited, block_index, changed_blocks

FILES = ("chapter_introduction/index.md", "chapter_preliminaries/probability.md")
KINDS = ("modify", "insert", "delete", "move", "lagging")
#: probability.md's origin lags nearly everywhere: no run of its blocks is the English's,
#: so there is nothing the origin has in place to move.
CASES = [(path, kind) for path in FILES for kind in KINDS if (path, kind) != (FILES[1], "move")]
NEW_SENTENCE = " The push adds this sentence."


@dataclass
class Edit:
    old: str
    new: str
    touched: str | None  # the English block it edits (None: an insertion)
    carried: bool = True


def _blocks(text: str) -> list[document.Block]:
    return [b for b in document.parse(text).blocks if b.kind is not Kind.BLANK]


def pick_edit(kind: str, english: str, origin: str) -> Edit:
    """A one-block edit of ``kind`` on a prose block the origin has byte for byte (or, for
    ``lagging``, on a paragraph it has not), each occurring once."""
    in_origin = {b.text for b in document.parse(origin).blocks}
    once = [b for b in _blocks(english) if b.is_prose and english.count(b.text) == 1]
    if kind == "lagging":
        keys = {normalize(t) for t in in_origin}
        block = next(b for b in once if normalize(b.text) not in keys)
        return Edit(block.text, block.text.rstrip("\n") + NEW_SENTENCE + "\n", block.text, False)
    same = [b for b in once if b.text in in_origin and origin.count(b.text) == 1]
    same.sort(key=lambda b: b.kind is not Kind.PARAGRAPH)
    if kind == "modify":
        return Edit(same[0].text, same[0].text.rstrip("\n") + NEW_SENTENCE + "\n", same[0].text)
    if kind == "insert":
        return Edit(same[0].text, same[0].text + "\nA paragraph the push adds.\n", None)
    if kind == "delete":  # with the blank line after it, or between two other blocks
        for block in same:
            if english[block.end : block.end + 2] == "\n\n":
                return Edit(block.text + "\n", "", block.text)
        return Edit(same[0].text, "", same[0].text)
    blocks = _blocks(english)
    for distance in (3, 2):  # past two or three blocks: the diff tells the moved one apart
        for number, block in enumerate(blocks[:-distance]):
            if block not in same:
                continue
            span = english[block.start : blocks[number + distance].end]
            gap = english[block.end : blocks[number + 1].start]  # the blank lines after it
            rest = english[block.end + len(gap) : blocks[number + distance].end]
            if gap and english[block.start - 2 : block.start] == "\n\n" and origin.count(span) == 1:
                return Edit(span, rest + gap + block.text, block.text)
    raise AssertionError("no block to move")


@dataclass
class Books:
    en: GitDir
    zh: GitDir
    pt: GitDir
    base: str


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> Books:
    shared = SHARED / "d2l"
    if not shared.is_dir():
        pytest.skip("../shared/d2l is absent (it is only beside the project on the dev machines)")
    root = tmp_path_factory.mktemp("d2l")
    en = copy_book(root / "en", shared / "en", "English Author")
    zh = copy_book(root / "zh", shared / "zh", "Chinese Translator")
    pt = copy_book(root / "pt", shared / "pt", "Portuguese Translator")
    return Books(en, zh, pt, en.rev("HEAD"))


def one_block_push(books: Books, lang: str, path: str, kind: str):
    """Sync a one-block English push of ``kind`` into ``lang``: the edit and the result."""
    target = books.zh if lang == "zh" else books.pt
    english = books.en.show(books.base, path).decode("utf-8")
    origin = books.zh.show("HEAD", path.replace(".md", "_origin.md")).decode("utf-8")
    edit = pick_edit(kind, english, origin)
    books.en.git("checkout", "-q", "-B", f"{lang}-{kind}-{path.replace('/', '-')}", books.base)
    books.en.edit(path, edit.old, edit.new)
    to = books.en.commit(f"{kind} one block")
    updater = Updater("en", lang, create_engine("memory"), TranslationMemory("en", lang))
    with GitRepo(books.en.path, "source") as source, GitRepo(target.path, "target") as repo:
        result = Synchronizer(source, repo, updater).run(books.base, to, f"sync-{to[:12]}")
    return edit, english, origin, result, target


@pytest.mark.parametrize(("path", "kind"), CASES)
def test_d2l_zh_one_block_push(books: Books, path: str, kind: str) -> None:
    """d2l-zh: the origin differs exactly in the edited block, the translation only in the
    blocks aligned to it; an edit of a block the origin lacks changes nothing."""
    edit, _, origin, result, target = one_block_push(books, "zh", path, kind)
    file = next(f for f in result.files if f.path == path)
    before = target.show("HEAD", path).decode("utf-8")
    if not edit.carried:
        assert file.status == "unchanged" and file.not_carried == 1 and file.lag > 0
        assert result.branch is None
        return
    origin_after = target.show(result.branch, path.replace(".md", "_origin.md")).decode("utf-8")
    expected = origin.replace(edit.old, edit.new, 1)  # blank lines between blocks aside
    assert [b.text for b in _blocks(origin_after)] == [b.text for b in _blocks(expected)]
    after = target.show(result.branch, path).decode("utf-8")
    touched = {block_index(origin, edit.touched)} if edit.touched else set()
    assert_only_edited(origin, before, after, touched, int(edit.touched is None), "zh")
    _, added = changed_blocks(before, after)
    assert len(added) <= 2  # one block (and a label or blank beside it), not the whole file


@pytest.mark.parametrize(("path", "kind"), CASES)
def test_d2l_pt_one_block_push(books: Books, path: str, kind: str) -> None:
    """d2l-pt: the translation changes only in the blocks aligned to the edited English."""
    edit, english, _, result, target = one_block_push(books, "pt", path, kind)
    before = target.show("HEAD", path).decode("utf-8")
    after = target.show(result.branch, path).decode("utf-8") if result.branch else before
    touched = {block_index(english, edit.touched)} if edit.touched else set()
    assert_only_edited(english, before, after, touched, int(edit.touched is None), "pt")


def test_d2l_zh_catch_up_of_a_renamed_chapter(books: Books) -> None:
    """d2l 1.0 moved linear-networks/linear-regression.md to linear-regression/: catching
    up the new path moves d2l-zh's translation and origin there and carries all its lag."""
    new, old = (
        "chapter_linear-regression/linear-regression.md",
        "chapter_linear-networks/linear-regression.md",
    )
    updater = Updater("en", "zh", create_engine("memory"), TranslationMemory("en", "zh"))
    with GitRepo(books.en.path, "source") as source, GitRepo(books.zh.path, "target") as repo:
        result = Synchronizer(source, repo, updater).catch_up([new], books.base, "catch-up-lr")
    file = result.files[0]
    assert (file.status, file.old_path, file.lag) == ("renamed", old, 0)
    english = books.en.show(books.base, new)
    assert books.zh.show(result.branch, new.replace(".md", "_origin.md")) == english
    assert books.zh.show(result.branch, old) is None
    assert books.zh.show(result.branch, old.replace(".md", "_origin.md")) is None
    translation = books.zh.show(result.branch, new).decode("utf-8")
    assert "线性回归" in translation  # the human translation moved, not a new one
