"""Mining parallel data: pairing files across repos, and turning alignments into clean records."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from amts.corpus.parallel import (
    CorpusBuilder,
    FilePair,
    ParallelPair,
    Summary,
    find_file_pairs,
    unit_text,
)
from amts.errors import InputError

# As in conftest.py; not imported from it: tests/engines has a conftest module too.
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "book"
ZH_BASICS = EXAMPLES / "zh" / "chapter_basics"


def write(path: Path, content: str | bytes) -> Path:
    """Write a test file, creating its folders; bytes are written as they are."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def origin_pair(repo: Path, name: str, english: str, translation: str | bytes | None) -> None:
    """A d2l-zh section: ``name_origin.md`` (English) beside ``name.md`` (its translation)."""
    write(repo / f"{name}_origin.md", english)
    if translation is not None:
        write(repo / f"{name}.md", translation)


def records(pairs: list[ParallelPair]) -> list[tuple[str, str]]:
    return [(p.source, p.target) for p in pairs]


def build(
    file_pairs: list[FilePair], *, level: str = "sentence", min_confidence: float = 0.0
) -> tuple[list[ParallelPair], Summary]:
    builder = CorpusBuilder("en", "zh", level=level, min_confidence=min_confidence)
    return list(builder.build(file_pairs)), builder.summary


# --- unit_text ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("one\ntwo", "one two", id="newline"),
        pytest.param("one  \n  two\n", "one two", id="newline-with-indent"),
        pytest.param("one\r\ntwo", "one two", id="crlf"),
        pytest.param("one\rtwo", "one two", id="lone-cr"),
        pytest.param("one\ttwo\t\tthree", "one two three", id="tabs"),
        pytest.param("one\n\n\ntwo", "one two", id="several-newlines"),
        pytest.param("一组价格，\n矩阵有两个轴。", "一组价格， 矩阵有两个轴。", id="cjk-newline"),
        pytest.param("form\x0cfeed", "form feed", id="form-feed"),
        pytest.param("line\u2028separator", "line separator", id="line-separator"),
        pytest.param("\ufeffBOM heading", "BOM heading", id="byte-order-mark"),
        pytest.param("escape\x1b[0m code", "escape[0m code", id="control-character"),
        pytest.param(
            "keep\u00a0nbsp and\u3000ideographic",
            "keep\u00a0nbsp and\u3000ideographic",
            id="other-spaces-kept",
        ),
    ],
)
def test_unit_text_is_one_clean_line(text: str, expected: str) -> None:
    """A unit becomes one line: no tab, no line break, nothing XML 1.0 forbids; a line
    stays as it is (the corpus builder checks sizes on lines without cleaning them again)."""
    assert unit_text(text) == expected
    assert unit_text(expected) == expected
    messy = f" \x85\ufeff {text}\t\x00\u2029\u3000 "
    assert unit_text(unit_text(messy)) == unit_text(messy)


def test_unit_text_cleans_every_character_as_the_substitutions_do() -> None:
    """The quick path for clean text gives what the three substitutions give, for every
    character, alone and beside spaces."""
    for code in range(sys.maxunicode + 1):
        for text in (f"a{chr(code)}b", f" a {chr(code)} b{chr(code) * 2}"):
            joined = re.sub(r"\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]", " ", text)
            visible = re.sub(r"[\x00-\x08\x0e-\x1f\ufeff\ufffe\uffff]", "", joined)
            assert unit_text(text) == re.sub(r"[ \t]+", " ", visible).strip(), hex(code)


# --- find_file_pairs --------------------------------------------------------------------------


def test_origin_mode_pairs_origin_files_with_translations() -> None:
    """d2l-zh keeps the English beside the translation: ``X_origin.md`` ↔ ``X.md``."""
    summary = Summary()
    pairs = find_file_pairs(EXAMPLES / "en", EXAMPLES / "zh", summary=summary)
    assert pairs == [
        FilePair(ZH_BASICS / "index_origin.md", ZH_BASICS / "index.md", "chapter_basics/index.md"),
        FilePair(
            ZH_BASICS / "tensors_origin.md", ZH_BASICS / "tensors.md", "chapter_basics/tensors.md"
        ),
    ]
    assert summary.skipped == {}
    assert summary.errors == []


def test_origin_mode_counts_a_missing_translation(tmp_path: Path) -> None:
    origin_pair(tmp_path / "zh", "done", "# Done\n", "# 完成\n")
    origin_pair(tmp_path / "zh", "chapter/todo", "# To do\n", None)
    (tmp_path / "en").mkdir()
    summary = Summary()
    pairs = find_file_pairs(tmp_path / "en", tmp_path / "zh", summary=summary)
    assert [p.name for p in pairs] == ["done.md"]
    assert summary.skipped == {"missing translation": 1}
    missing = tmp_path / "zh" / "chapter" / "todo.md"
    assert summary.errors == [f"{missing}: missing translation of todo_origin.md"]


def pt_layout(root: Path) -> tuple[Path, Path]:
    """d2l-pt: no origin files; a translation sits at the English file's path."""
    en, pt = root / "en", root / "pt"
    write(en / "index.md", "# Dive into Deep Learning\n")
    write(en / "chapter_intro" / "index.md", "# Introduction\n")
    write(en / "chapter_intro" / "untranslated.md", "# Not yet\n")
    write(en / "chapter_intro" / "old-name.md", "# Renamed\n")
    write(pt / "index.md", "# Mergulho Profundo\n")
    write(pt / "chapter_intro" / "index.md", "# Introdução\n")
    write(pt / "chapter_intro" / "novo-nome.md", "# Renomeado\n")
    return en, pt


def test_same_path_mode(tmp_path: Path) -> None:
    en, pt = pt_layout(tmp_path)
    summary = Summary()
    pairs = find_file_pairs(en, pt, summary=summary)
    assert pairs == [
        FilePair(
            en / "chapter_intro" / "index.md",
            pt / "chapter_intro" / "index.md",
            "chapter_intro/index.md",
        ),
        FilePair(en / "index.md", pt / "index.md", "index.md"),
    ]
    # old-name.md (renamed in pt) and untranslated.md have no file at their path.
    assert summary.skipped == {"missing translation": 2}


def test_same_path_mode_with_a_mapping_for_a_renamed_file(tmp_path: Path) -> None:
    en, pt = pt_layout(tmp_path)
    summary = Summary()
    mapping = {"chapter_intro/old-name.md": "chapter_intro/novo-nome.md"}
    pairs = find_file_pairs(en, pt, mapping, summary)
    assert (
        FilePair(
            en / "chapter_intro" / "old-name.md",
            pt / "chapter_intro" / "novo-nome.md",
            "chapter_intro/novo-nome.md",
        )
        in pairs
    )
    assert len(pairs) == 3
    assert summary.skipped == {"missing translation": 1}
    assert mapping == {"chapter_intro/old-name.md": "chapter_intro/novo-nome.md"}, "not mutated"


@pytest.mark.parametrize(
    ("source", "target", "message"),
    [
        pytest.param(
            "missing-en", "pt", "missing-en: source repository is not a directory", id="source"
        ),
        pytest.param(
            "en", "missing-pt", "missing-pt: target repository is not a directory", id="target"
        ),
    ],
)
def test_repositories_must_be_directories(
    tmp_path: Path, source: str, target: str, message: str
) -> None:
    pt_layout(tmp_path)
    with pytest.raises(InputError, match=message):
        find_file_pairs(tmp_path / source, tmp_path / target)


# --- CorpusBuilder on the examples --------------------------------------------------------------


@pytest.fixture(scope="module")
def example_sentences() -> tuple[list[ParallelPair], Summary]:
    return build(find_file_pairs(EXAMPLES / "en", EXAMPLES / "zh"))


@pytest.mark.parametrize(
    ("source", "target"),
    [
        pytest.param("Basics", "基础知识", id="chapter-heading"),
        pytest.param(
            "This chapter introduces the tools we use throughout the book.",
            "本章介绍全书使用的工具。",
            id="index-first-sentence",
        ),
        pytest.param(
            "We start with tensors, the data structure every model is built on, "
            "and then look at how a model learns from data.",
            "我们从张量（tensor）开始，它是构建每个模型的数据结构， 然后了解模型如何从数据中学习。",
            id="sentence-over-two-lines",
        ),
        pytest.param("Creating Tensors", "创建张量", id="section-heading"),
        pytest.param(
            "To create a tensor, we call `arange`.",
            "要创建张量，我们调用`arange`。",
            id="inline-code",
        ),
        pytest.param(
            r"We write $\mathbf{x} \in \mathbb{R}^n$ for a vector of length $n$.",
            r"我们用$\mathbf{x} \in \mathbb{R}^n$表示长度为$n$的向量。",
            id="inline-math",
        ),
        pytest.param(
            "Broadcasting copies a tensor along the axes it lacks.",
            "广播沿张量缺少的轴复制它。",
            id="figure-caption",
        ),
        pytest.param(
            "A tensor is an array with any number of axes.",
            "张量是具有任意数量轴的数组。",
            id="list-item",
        ),
        pytest.param(
            "What happens when you add a vector to a matrix?",
            "把向量加到矩阵上会发生什么？",
            id="numbered-item",
        ),
    ],
)
def test_example_sentence_pairs(
    example_sentences: tuple[list[ParallelPair], Summary], source: str, target: str
) -> None:
    assert (source, target) in records(example_sentences[0])


def test_example_records_are_clean(example_sentences: tuple[list[ParallelPair], Summary]) -> None:
    """No tab or line break in a unit, no code, every segment within the limit, no repeats."""
    pairs, summary = example_sentences
    assert summary.files_paired == 2
    assert summary.errors == []
    assert summary.pairs_written == len(pairs) == 25
    for pair in pairs:
        for text in (pair.source, pair.target):
            assert "\t" not in text and "\n" not in text and "\r" not in text
            assert text == text.strip() and text
            assert "import torch" not in text and "x.numel()" not in text
            assert "toc" not in text and ":label:" not in text
            assert len(text.encode()) <= 1000
    assert len(set(records(pairs))) == len(pairs)
    assert {p.file for p in pairs} == {"chapter_basics/index.md", "chapter_basics/tensors.md"}


def test_example_paragraph_pairs() -> None:
    pairs, summary = build(find_file_pairs(EXAMPLES / "en", EXAMPLES / "zh"), level="paragraph")
    assert (
        "To create a tensor, we call `arange`. "
        "It returns evenly spaced values in the interval $[0, n)$.",
        "要创建张量，我们调用`arange`。 它返回区间$[0, n)$中均匀间隔的值。",
    ) in records(pairs)
    assert ("Summary", "小结") in records(pairs)
    assert summary.pairs_written == len(pairs) == 18


def test_min_confidence_filters_and_counts() -> None:
    file_pairs = find_file_pairs(EXAMPLES / "en", EXAMPLES / "zh")
    everything, _ = build(file_pairs)
    confident, summary = build(file_pairs, min_confidence=0.8)
    assert ("Tensors", "张量") in records(confident)
    # Reworded in the translation ("…并把它变形为矩阵"): the aligner is less sure of it.
    low = (
        "Create a tensor with 24 elements and reshape it into a matrix.",
        "创建一个有24个元素的张量，并把它变形为矩阵。",
    )
    assert low in records(everything)
    assert low not in records(confident)
    assert all(p.confidence >= 0.8 for p in confident)
    assert set(records(confident)) < set(records(everything))
    assert summary.skipped["low confidence"] == len(everything) - len(confident)


# --- CorpusBuilder on made-up repos --------------------------------------------------------------


def test_code_and_math_only_units_are_left_out(tmp_path: Path) -> None:
    repo = tmp_path / "zh"
    origin_pair(
        repo,
        "code",
        "We call a function.\n\n`torch.arange(12)`\n\n$x + y = z$\n",
        "我们调用一个函数。\n\n`torch.arange(12)`\n\n$x + y = z$\n",
    )
    pairs, summary = build(find_file_pairs(tmp_path, repo))
    assert records(pairs) == [("We call a function.", "我们调用一个函数。")]
    assert summary.skipped == {"code or math only": 2}


def test_duplicates_are_removed_across_files(tmp_path: Path) -> None:
    repo = tmp_path / "zh"
    shared = ("The model learns from data.", "模型从数据中学习。")
    origin_pair(repo, "a", f"{shared[0]}\n", f"{shared[1]}\n")
    origin_pair(
        repo, "b", f"Training takes time.\n\n{shared[0]}\n", f"训练需要时间。\n\n{shared[1]}\n"
    )
    pairs, summary = build(find_file_pairs(tmp_path, repo))
    assert records(pairs) == [shared, ("Training takes time.", "训练需要时间。")]
    assert [p.file for p in pairs] == ["a.md", "b.md"]
    assert summary.skipped == {"duplicate": 1}
    assert summary.pairs_written == 2


def test_sentence_with_a_segment_over_1000_bytes_is_skipped_and_counted(tmp_path: Path) -> None:
    """The limit is on each segment, in UTF-8 bytes: 1,000 passes, 1,001 does not, on
    either side; two sides of 900 bytes (1,800 together) pass."""
    repo = tmp_path / "zh"
    short_zh = "中" * 100 + "。"  # 303 bytes
    exact = "A" + "b" * 998 + "."  # 1,000 bytes
    over = "C" + "d" * 999 + "."  # 1,001 bytes
    zh_exact = "中" * 333 + "x"  # 1,000 bytes
    zh_over = "中" * 333 + "xy"  # 1,001 bytes
    en_900, zh_900 = "E" + "f" * 898 + ".", "中" * 300  # 900 bytes each
    origin_pair(repo, "a_exact", exact + "\n", short_zh + "\n")
    origin_pair(repo, "b_over", over + "\n", short_zh + "\n")
    origin_pair(repo, "c_zh_exact", "Short one.\n", zh_exact + "\n")
    origin_pair(repo, "d_zh_over", "Short two.\n", zh_over + "\n")
    origin_pair(repo, "e_900_each", en_900 + "\n", zh_900 + "\n")
    pairs, summary = build(find_file_pairs(tmp_path, repo))
    assert records(pairs) == [(exact, short_zh), ("Short one.", zh_exact), (en_900, zh_900)]
    assert summary.skipped == {"a segment over 1000 bytes": 2}


def long_paragraph(count: int) -> tuple[str, str]:
    """English and Chinese paragraphs of ``count`` sentence pairs; an English sentence is
    47 bytes (48 from number 10 on), a Chinese one 43 (44)."""
    english = " ".join(f"Sentence number {i} says something about tensors." for i in range(count))
    chinese = "".join(f"第{i}句话讲的是张量的一些事情。" for i in range(count))
    return english, chinese


def test_paragraph_with_each_side_within_1000_bytes_is_kept_whole(tmp_path: Path) -> None:
    """920 + 826 bytes: over 1,000 together, but each segment is within the quota."""
    repo = tmp_path / "zh"
    english, chinese = long_paragraph(19)
    assert (len(english.encode()), len(chinese.encode())) == (920, 826)
    origin_pair(repo, "long", f"# Long\n\n{english}\n", f"# 长\n\n{chinese}\n")
    pairs, summary = build(find_file_pairs(tmp_path, repo), level="paragraph")
    assert records(pairs) == [("Long", "长"), (english, chinese)]
    assert summary.split == 0
    assert summary.skipped == {}


def test_paragraph_with_a_side_over_1000_bytes_is_split_at_its_sentences(tmp_path: Path) -> None:
    """A paragraph pair whose English is too long for one segment becomes records of whole
    sentence pairs, each side within the limit."""
    repo = tmp_path / "zh"
    english, chinese = long_paragraph(30)
    origin_pair(repo, "long", f"# Long\n\n{english}\n", f"# 长\n\n{chinese}\n")
    pairs, summary = build(find_file_pairs(tmp_path, repo), level="paragraph")
    written = records(pairs)
    assert written[0] == ("Long", "长")
    chunks = written[1:]
    # English: sentences 0-19 are 969 bytes with their spaces; adding the 21st makes 1,018.
    assert [len(s.encode()) for s, _ in chunks] == [969, 489]
    assert chunks[0][0].endswith("Sentence number 19 says something about tensors.")
    assert chunks[0][1].endswith("第19句话讲的是张量的一些事情。")
    assert chunks[1][0].startswith("Sentence number 20 says") and chunks[1][1].startswith("第20句")
    assert " ".join(s for s, _ in chunks) == english
    assert "".join(t for _, t in chunks) == chinese  # Chinese sentences meet without a space
    assert summary.split == 1
    assert summary.skipped == {}


def test_paragraph_with_only_the_translation_over_1000_bytes_is_split(tmp_path: Path) -> None:
    """The longer side decides: 489 bytes of English, 2,365 of Chinese (94 or 95 bytes a
    sentence) give records of ten sentence pairs."""
    repo = tmp_path / "zh"
    english = " ".join(f"Tensor {i} is small." for i in range(25))
    chinese = "".join(
        f"第{i}个张量很小，但是它的形状和数据类型都需要我们仔细地检查一下。" for i in range(25)
    )
    origin_pair(repo, "wordy", f"{english}\n", f"{chinese}\n")
    pairs, summary = build(find_file_pairs(tmp_path, repo), level="paragraph")
    assert [(len(s.encode()), len(t.encode())) for s, t in records(pairs)] == [
        (189, 940),
        (199, 950),
        (99, 475),
    ]
    assert " ".join(s for s, _ in records(pairs)) == english
    assert summary.split == 1


@pytest.mark.parametrize(
    ("limit", "sizes"),
    [
        pytest.param(1000, [(920, 826)], id="default-whole"),
        # Sentences 0-9: 10 × 47 + 9 spaces = 479 bytes; the 11th would make 528.
        pytest.param(500, [(479, 430), (440, 396)], id="500-split"),
        pytest.param(5000, [(920, 826)], id="5000-whole"),
    ],
)
def test_max_segment_bytes_changes_the_limit(
    tmp_path: Path, limit: int, sizes: list[tuple[int, int]]
) -> None:
    repo = tmp_path / "zh"
    english, chinese = long_paragraph(19)
    origin_pair(repo, "long", f"{english}\n", f"{chinese}\n")
    builder = CorpusBuilder("en", "zh", level="paragraph", max_segment_bytes=limit)
    pairs = list(builder.build(find_file_pairs(tmp_path, repo)))
    assert [(len(p.source.encode()), len(p.target.encode())) for p in pairs] == sizes
    assert builder.summary.split == (len(sizes) > 1)


@pytest.mark.parametrize("limit", [0, -1])
def test_a_limit_below_one_byte_is_refused(limit: int) -> None:
    with pytest.raises(
        InputError, match=f"segment size limit must be at least 1 byte, not {limit}"
    ):
        CorpusBuilder("en", "zh", max_segment_bytes=limit)


def test_without_a_limit_the_paragraph_alignment_is_whole(tmp_path: Path) -> None:
    """``max_segment_bytes=None`` (``amts align``): a paragraph of any size is one unit."""
    repo = tmp_path / "zh"
    english, chinese = long_paragraph(30)
    origin_pair(repo, "long", f"{english}\n", f"{chinese}\n")
    builder = CorpusBuilder("en", "zh", level="paragraph", max_segment_bytes=None)
    (file_pair,) = find_file_pairs(tmp_path, repo)
    units = list(builder.units(builder.align_files(file_pair)))
    assert [(source, target) for source, target, _ in units] == [(english, chinese)]
    assert builder.summary.split == 0


def test_bad_files_are_reported_and_the_run_goes_on(tmp_path: Path) -> None:
    """Each bad file gives one error naming it; the good file's records are still produced."""
    repo = tmp_path / "zh"
    origin_pair(repo, "good", "# Good\n\nThe cat sat on the mat.\n", "# 好\n\n猫坐在垫子上。\n")
    origin_pair(repo, "latin", "# Coffee\n\nA café.\n", b"# Caf\xe9\n\nUn caf\xe9.\n")
    origin_pair(repo, "binary", "# Image\n", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    origin_pair(repo, "empty", "# Empty\n", b"")
    origin_pair(repo, "fence", "# Code\n", "# 代码\n\n```python\nx = 1\n")
    origin_pair(repo, "orphan", "# Orphan\n", None)
    builder = CorpusBuilder("en", "zh")
    summary = builder.summary
    pairs = list(builder.build(find_file_pairs(tmp_path, repo, summary=summary)))
    assert records(pairs) == [("Good", "好"), ("The cat sat on the mat.", "猫坐在垫子上。")]
    assert summary.files_paired == 1
    assert summary.skipped == {"unreadable file": 4, "missing translation": 1}
    assert len(summary.errors) == 5
    expected = {
        "latin.md": "not UTF-8",
        "binary.md": "binary file",
        "empty.md": "file is empty",
        "fence.md": "never closed",
        "orphan.md": "missing translation",
    }
    for name, reason in expected.items():
        (error,) = [e for e in summary.errors if e.startswith(str(repo / name))]
        assert reason in error


def test_progress_is_reported_for_every_file_good_or_bad(tmp_path: Path) -> None:
    repo = tmp_path / "zh"
    origin_pair(repo, "good", "Fine.\n", "好。\n")
    origin_pair(repo, "empty", "Empty.\n", b"")
    seen: list[str] = []
    builder = CorpusBuilder("en", "zh")
    list(builder.build(find_file_pairs(tmp_path, repo), progress=lambda p: seen.append(p.name)))
    assert seen == ["empty.md", "good.md"]


def test_unknown_level_is_refused() -> None:
    with pytest.raises(
        InputError, match="unknown level 'word'; choose one of: sentence, paragraph"
    ):
        CorpusBuilder("en", "zh", level="word")


# --- the real book ------------------------------------------------------------------------------


def test_real_zh_book(shared_d2l: Path) -> None:
    """d2l-zh: all 139 origin/translation pairs pair and align into ≥ 9,000 sentence pairs."""
    builder = CorpusBuilder("en", "zh")
    summary = builder.summary
    file_pairs = find_file_pairs(shared_d2l / "en", shared_d2l / "zh", summary=summary)
    assert len(file_pairs) == 139
    assert summary.skipped == {}
    assert all(p.source.name == p.target.name[:-3] + "_origin.md" for p in file_pairs)
    pairs = list(builder.build(file_pairs))
    assert summary.errors == []
    assert summary.files_paired == 139
    assert len(pairs) >= 9000
    assert len(set(records(pairs))) == len(pairs)
    for pair in pairs:
        assert "\t" not in pair.source + pair.target
        assert "\n" not in pair.source + pair.target
        assert len(pair.source.encode()) <= 1000 and len(pair.target.encode()) <= 1000
