"""MemoryEngine: the offline default engine answers from the translation memory only."""

from __future__ import annotations

import pytest

from amts.engines import create_engine
from amts.engines.base import Translation
from amts.engines.memory import MemoryEngine
from amts.errors import InputError
from amts.memory import TranslationMemory

NO_MATCH = Translation(None, "memory", note="no translation memory match; left for translators")


@pytest.fixture
def memory() -> TranslationMemory:
    memory = TranslationMemory("en", "zh")
    memory.add("The first layer has 256 hidden units.", "第一层有256个隐藏单元。")
    memory.add("The second is our output layer.", "第二层是输出层。")
    return memory


def test_translate_reports_where_each_translation_came_from(memory):
    engine = MemoryEngine(memory)
    segments = [
        "The second is our\noutput layer.",
        "The first layer has 512 hidden units.",
        "The third is a softmax layer.",
    ]
    assert engine.translate(segments, src_lang="en", tgt_lang="zh") == [
        Translation("第二层是输出层。", "memory:exact", 1.0),
        Translation(
            "第一层有512个隐藏单元。",
            "memory:fuzzy",
            1 - 0.5 * 1 / 7,
            "repaired from: The first layer has 256 hidden units.",
        ),
        NO_MATCH,
    ]
    assert engine.chars_sent == 0


def test_without_a_memory_everything_is_left_for_translators():
    engine = MemoryEngine()
    assert engine.translate(["Hello.", "World."], src_lang="en", tgt_lang="zh") == [NO_MATCH] * 2
    assert engine.translate([], src_lang="en", tgt_lang="zh") == []
    assert engine.chars_sent == 0


@pytest.mark.parametrize(
    ("memory_lang", "asked"),
    [
        pytest.param("zh", "pt", id="other target language"),
        pytest.param("zh-CN", "zh-TW", id="other script"),
    ],
)
def test_refuses_a_memory_of_another_language_pair(memory_lang, asked):
    engine = MemoryEngine(TranslationMemory("en", memory_lang))
    with pytest.raises(InputError, match=f"holds en→{memory_lang} pairs"):
        engine.translate(["Hello."], src_lang="en", tgt_lang=asked)


def test_region_subtag_is_accepted(memory):
    [result] = MemoryEngine(memory).translate(
        ["The second is our output layer."], src_lang="en-US", tgt_lang="zh-CN"
    )
    assert result.text == "第二层是输出层。"


def test_created_by_name(memory):
    engine = create_engine("memory")
    assert isinstance(engine, MemoryEngine)
    assert (engine.name, engine.memory, engine.chars_sent) == ("memory", None, 0)
    with_memory = create_engine("memory", memory=memory)
    [result] = with_memory.translate(
        ["The second is our output layer."], src_lang="en", tgt_lang="zh"
    )
    assert result.origin == "memory:exact"
