"""The main job on the built-in sample book: no cloud account, no GitHub.

``examples/book`` holds a small English book (``en``), its Chinese translation in
d2l-zh's layout (``zh``, with ``X_origin.md`` files) and a newer English revision
(``en-next``). The demo mines parallel data from the translation, then carries
the English change into the translation with the offline ``memory`` engine, and
writes the new translation and the reviewer report.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from amts import report
from amts.align.glossary import load_glossary
from amts.book import document
from amts.corpus import formats
from amts.corpus.parallel import ORIGIN_SUFFIX, CorpusBuilder, find_file_pairs
from amts.engines import create_engine
from amts.errors import InputError
from amts.files import atomic_output
from amts.memory import TranslationMemory
from amts.update.changes import UpdateReport
from amts.update.updater import Updater

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "book"


@dataclass
class DemoResult:
    parallel_data: Path
    pairs: int
    outputs: list[Path]
    reports: list[UpdateReport]
    report_json: Path
    report_markdown: Path


def run_demo(
    out: Path, examples: Path = EXAMPLES, say: Callable[[str], None] = print
) -> DemoResult:
    """Run the sample sync into ``out``; nothing outside ``out`` is written."""
    english, translation, newer = examples / "en", examples / "zh", examples / "en-next"
    for folder in (english, translation, newer):
        if not folder.is_dir():
            raise InputError(f"{folder}: sample book not found; run the demo from a clone of AMTS")
    glossary = load_glossary(translation / "TERMINOLOGY.md")

    parallel_data = out / "parallel-data.tsv"
    builder = CorpusBuilder("en", "zh", level="sentence", glossary=glossary)
    with atomic_output(parallel_data) as handle:
        records = builder.build(find_file_pairs(english, translation))
        formats.write_tsv(handle, ((r.source, r.target) for r in records), "en", "zh")
    pairs = builder.summary.pairs_written
    say(f"1. parallel data: {pairs} sentence pairs mined from {translation} → {parallel_data}")

    memory = TranslationMemory.from_file(parallel_data)
    updater = Updater("en", "zh", create_engine("memory"), memory, glossary)
    outputs, reports = [], []
    for origin in sorted(translation.rglob("*" + ORIGIN_SUFFIX)):
        relative = origin.relative_to(translation).as_posix()
        name = relative[: -len(ORIGIN_SUFFIX)] + ".md"
        new_source = newer / name
        if not new_source.exists() or new_source.read_bytes() == origin.read_bytes():
            continue
        text, file_report = updater.update(
            document.load(origin),
            document.load(new_source),
            document.load(translation / name),
            path=name,
        )
        target = out / "zh" / name
        with atomic_output(target) as handle:
            handle.write(text)
        outputs.append(target)
        reports.append(file_report)
        counts = file_report.counts()
        say(
            f"2. {name}: {len(file_report.changes)} blocks changed; "
            f"{counts['kept']} sentences kept, {counts['memory']} from memory, "
            f"{counts['untranslated']} left for translators → {target}"
        )

    report_json, report_markdown = out / "report.json", out / "report.md"
    report.write_json(reports, report_json)
    with atomic_output(report_markdown) as handle:
        handle.write(report.render_markdown(reports, json_report=report_json.name))
    say(f"3. reviewer report → {report_markdown} (and {report_json.name})")
    return DemoResult(parallel_data, pairs, outputs, reports, report_json, report_markdown)
