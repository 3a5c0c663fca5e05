"""The reviewer's report: JSON for tools, markdown for the pull-request body.

The markdown puts what needs a human first (untranslated sentences, weak alignments,
notes), then one section per file with a table of changed blocks and a collapsible
``<details>`` per block. GitHub refuses a body over 65,536 characters, so the rendering
is capped at :data:`MAX_BODY_CHARS` by dropping block details from the end; the JSON
report always has everything.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from amts.book.protect import SpanKind, protected_spans
from amts.files import atomic_output
from amts.quality import format_score
from amts.update.changes import BlockChange, ChangeKind, Origin, Quality, UpdateReport
from amts.update.diff import SequenceMatcher

MAX_BODY_CHARS = 60_000  # below GitHub's 65,536 with room for what a bot appends
LOW_CONFIDENCE = 0.5  # an old English ↔ translation link below this needs a look
REVIEW = "needs a human"
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
_BACKTICKS = re.compile(r"`+")


# ------------------------------------------------------------------------------ JSON


def to_json(report: UpdateReport) -> str:
    """One report as JSON: enums as their values, Chinese and other text unescaped."""
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2)


def write_json(reports: Sequence[UpdateReport] | UpdateReport, path: str | Path) -> None:
    """Write one report (an object) or several (an array), atomically."""
    data = (
        reports.to_dict()
        if isinstance(reports, UpdateReport)
        else [report.to_dict() for report in reports]
    )
    with atomic_output(path) as out:
        out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


# ------------------------------------------------------------------- markdown pieces


def _cell(text: str | None) -> str:
    """A table cell: one line, pipes escaped, tag-like ``<`` escaped outside code spans."""
    text = " ".join((text or "").split()).replace("|", "\\|")
    if "<" not in text:  # most cells: nothing to escape, no spans to find
        return text
    out, start = [], 0
    for span in protected_spans(text):
        if span.kind in (SpanKind.CODE, SpanKind.ROLE):
            out += [_TAG_START.sub(r"\\<", text[start : span.start]), span.of(text)]
            start = span.end
    out.append(_TAG_START.sub(r"\\<", text[start:]))
    return "".join(out)


def _code(text: str) -> str:
    """Inline code that survives backticks inside ``text``."""
    runs = _backtick_runs(text)
    ticks = "`" * (max(runs, default=0) + 1)
    pad = " " if runs else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def _fenced(text: str, info: str = "") -> str:
    """A fenced block longer than any backtick run inside (d2l blocks hold code fences)."""
    runs = _backtick_runs(text)
    fence = "`" * max(3, max(runs, default=0) + 1)
    return f"{fence}{info}\n{text.rstrip(chr(10))}\n{fence}"


def _backtick_runs(text: str) -> list[int]:
    """The length of each run of backticks in ``text``."""
    return [len(run) for run in _BACKTICKS.findall(text)] if "`" in text else []


def _diff(old: str | None, new: str | None) -> str:
    """Every line of the block, marked ``-``/``+``/`` `` so GitHub colours the change."""
    old_lines, new_lines = (old or "").splitlines(), (new or "").splitlines()
    lines: list[str] = []
    matcher = SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            lines += [f"  {line}" for line in old_lines[i1:i2]]
            continue
        lines += [f"- {line}" for line in old_lines[i1:i2]]
        lines += [f"+ {line}" for line in new_lines[j1:j2]]
    return "\n".join(lines)


def _number(value: int) -> str:
    return f"{value:,}"


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{_number(count)} {word if count == 1 else plural or word + 's'}"


def _shown(change: BlockChange) -> bool:
    """Changed blocks, and unchanged ones that still need a human."""
    return change.kind != ChangeKind.UNCHANGED or bool(_flags(change))


def _flags(change: BlockChange) -> list[str]:
    """Why a block needs a human, short enough for a table cell."""
    flags = []
    untranslated = sum(s.origin == Origin.UNTRANSLATED for s in change.sentences)
    if untranslated:
        flags.append(f"{untranslated} untranslated")
    if change.confidence is not None and change.confidence < LOW_CONFIDENCE:
        flags.append(f"low alignment {change.confidence:.2f}")
    notes = bool(change.note) + sum(bool(s.note) for s in change.sentences)
    if notes:
        flags.append(_plural(notes, "note"))
    return flags


@dataclass
class _Tally:
    """What the summary paragraph counts, over one report or all of them."""

    files: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    origins: Counter[str] = field(default_factory=Counter)
    chars_sent: int = 0
    changed_chars: int = 0
    file_chars: int = 0
    untranslated: int = 0
    low_confidence: int = 0
    notes: int = 0
    paid: bool = False  # an engine that sends text somewhere, rather than the memory

    def add(self, report: UpdateReport) -> None:
        self.files += 1
        self.paid |= report.engine != "memory"
        self.origins.update(report.counts())
        self.chars_sent += report.chars_sent
        self.changed_chars += report.changed_chars
        self.file_chars += report.file_chars
        self.notes += len(report.notes)
        for change in report.changes:
            if change.kind != ChangeKind.UNCHANGED:
                self.kinds[change.kind.value] += 1
            self.untranslated += sum(s.origin == Origin.UNTRANSLATED for s in change.sentences)
            if change.confidence is not None and change.confidence < LOW_CONFIDENCE:
                self.low_confidence += 1
            self.notes += bool(change.note) + sum(bool(s.note) for s in change.sentences)

    def blocks(self) -> str:
        total = sum(self.kinds.values())
        kinds = ", ".join(f"{n} {k}" for k in ChangeKind if (n := self.kinds[k.value]))
        return _plural(total, "block") + " changed" + (f" ({kinds})" if kinds else "")

    def sentences(self) -> str:
        parts = [
            f"{_number(self.origins[Origin.KEPT])} kept",
            f"{_number(self.origins[Origin.MEMORY])} from memory",
            f"{_number(self.origins[Origin.ENGINE])} from the engine",
            f"{_number(self.origins[Origin.UNTRANSLATED])} untranslated",
        ]
        if self.origins[Origin.VERBATIM]:
            parts.append(f"{_number(self.origins[Origin.VERBATIM])} verbatim (code, math)")
        return "Sentences: " + ", ".join(parts) + "."

    def cost(self, whole: str) -> str:
        if not self.chars_sent:
            return "No characters were sent to the engine."
        what = (
            "Characters sent to the engine"
            if self.paid
            else "Characters a paid engine would be sent (nothing left this machine)"
        )
        ratios = []
        if self.changed_chars:
            ratio = self.chars_sent / self.changed_chars
            ratios.append(
                f"{ratio:.2f}× the {_number(self.changed_chars)} English characters that changed"
            )
        if self.file_chars:
            share = 100 * self.chars_sent / self.file_chars
            ratios.append(
                f"{share:.1f}% of the {_number(self.file_chars)} that re-translating "
                f"the {whole} would send"
            )
        tail = f", that is {' and '.join(ratios)}" if ratios else ""
        return f"{what}: {_number(self.chars_sent)}{tail}."

    def review(self) -> str:
        items = []
        if self.untranslated:
            items.append(_plural(self.untranslated, "untranslated sentence"))
        if self.low_confidence:
            items.append(
                _plural(self.low_confidence, "low-confidence alignment") + f" (< {LOW_CONFIDENCE})"
            )
        if self.notes:
            items.append(_plural(self.notes, "note"))
        if not items:
            return "Nothing is flagged for a human beyond the usual review."
        return f"**{REVIEW.capitalize()}:** {', '.join(items)}; marked *{REVIEW}* below."


def _tally(reports: Sequence[UpdateReport]) -> _Tally:
    tally = _Tally()
    for report in reports:
        tally.add(report)
    return tally


class ReportDigest:
    """The reports of many files folded one by one into what a body and the status views
    show: counts over all of them and the file sections a body can reach (see
    :class:`_Layout`). A sync of thousands of files keeps this, not every report.
    """

    def __init__(self, budget: int = MAX_BODY_CHARS) -> None:
        self.count = 0
        self.tally = _Tally()
        self.engines: dict[str, None] = {}  # in order of first use
        self.signatures: dict[str, None] = {}
        self.scored: list[tuple[str, Quality]] = []  # (path, quality) of each scored file
        self.layout = _Layout(budget)
        self._lone: UpdateReport | None = None  # a lone file's section has no counts of its own
        self._lone_section: FileSection | None = None

    @classmethod
    def of(cls, reports: Sequence[UpdateReport], budget: int = MAX_BODY_CHARS) -> ReportDigest:
        digest = cls(budget)
        for report in reports:
            digest.add(report)
        return digest

    def add(self, report: UpdateReport, section: FileSection | None = None) -> None:
        """Fold ``report`` in; ``section``: its :func:`file_section`, if made already (where
        the file was carried, in another process)."""
        self.count += 1
        self.tally.add(report)
        if report.engine:
            self.engines.setdefault(report.engine)
        if report.signature:
            self.signatures.setdefault(report.signature)
        if report.quality:
            self.scored.append((report.path, report.quality))
        if self.count == 1:
            self._lone, self._lone_section = report, section
            return
        if self._lone is not None:
            self.layout.add(self._lone_section or file_section(self._lone))
            self._lone = self._lone_section = None
        self.layout.add(section or file_section(report))

    def review_counts(self) -> dict[str, int]:
        """What the files ask of reviewers, as the status views show it."""
        return {
            "files": self.tally.files,
            "untranslated": self.tally.untranslated,
            "low_confidence": self.tally.low_confidence,
            "chars_sent": self.tally.chars_sent,
        }

    def render(
        self,
        *,
        title: str | None = None,
        retry_command: str | None = None,
        json_report: str | None = None,
        limit: int = MAX_BODY_CHARS,
    ) -> str:
        """The body of :func:`render_markdown`; ``limit`` at most the digest's budget."""
        if limit > self.layout.budget:
            raise ValueError(f"a body of {limit} characters from a digest of {self.layout.budget}")
        layout = self.layout
        if self._lone is not None:
            layout = _Layout(self.layout.budget)
            layout.add(_section(self._lone, alone=True))
        tail = f"To retry: {_code(retry_command)}" if retry_command else ""
        where = f"the JSON report {_code(json_report)}" if json_report else "the JSON report"
        return layout.render(self._summary(title), tail, where, limit)

    def _summary(self, title: str | None) -> str:
        tally = self.tally
        engines = ", ".join(self.engines) or "none"
        whole = "whole file" if self.count == 1 else "whole files"
        paragraph = " ".join(
            [
                f"{_plural(tally.files, 'file')}, {tally.blocks()}; engine: {engines}.",
                tally.sentences(),
                tally.cost(whole),
            ]
        )
        parts = [f"## {title or 'AMTS translation update'}", paragraph, tally.review()]
        if self.count == 1 and self.scored:
            parts.append(f"Quality on this file: {format_score(self.scored[0][1])}")
        elif self.scored:
            parts.append(
                "Quality, file by file:\n\n"
                + "\n".join(f"- {_code(path)}: {format_score(q)}" for path, q in self.scored)
            )
        if self.signatures:
            parts.append("AMTS report signature: " + ", ".join(map(_code, self.signatures)))
        return "\n\n".join(parts)


def _sentence_table(change: BlockChange) -> str:
    rows = ["| Source sentence | Origin | Detail / score | Note |", "|---|---|---|---|"]
    for sentence in change.sentences:
        detail = sentence.detail
        if sentence.score is not None:
            detail = f"{detail} {sentence.score:.2f}".strip()
        note = sentence.note
        if sentence.origin == Origin.UNTRANSLATED:
            note = f"**{REVIEW}: untranslated**" + (f"; {_cell(note)}" if note else "")
        else:
            note = _cell(note)
        rows.append(
            f"| {_cell(sentence.source)} | {sentence.origin.value} | {_cell(detail)} | {note} |"
        )
    return "\n".join(rows)


def _label(number: int, change: BlockChange) -> str:
    parts = [f"{number}. {change.kind.value} {change.block_kind}"]
    if change.line is not None:
        parts.append(f"line {change.line}")
    if change.confidence is not None:
        parts.append(f"alignment {change.confidence:.2f}")
    if flags := _flags(change):
        parts.append(f"{REVIEW}: {', '.join(flags)}")
    return " · ".join(parts)


def _details(number: int, change: BlockChange) -> str:
    """One block, collapsed: English diff, old and new translation, sentence table."""
    parts = [f"<details>\n<summary>{html.escape(_label(number, change))}</summary>"]
    if change.note:
        parts.append(f"**{REVIEW}:** {change.note}")
    if change.old_source is not None or change.new_source is not None:
        parts.append(
            "English, before → after:\n\n"
            + _fenced(_diff(change.old_source, change.new_source), "diff")
        )
    if change.old_target is not None:
        removed = change.kind == ChangeKind.DELETED or change.new_target is None
        label = "Translation removed" if removed else "Translation replaced"
        parts.append(f"{label}:\n\n" + _fenced(change.old_target, "text"))
    if change.new_target is not None:
        parts.append("New translation:\n\n" + _fenced(change.new_target, "text"))
    if change.sentences:
        parts.append(_sentence_table(change))
    parts.append("</details>")
    return "\n\n".join(parts)


def _block_table(shown: list[BlockChange]) -> str:
    rows = [
        f"| # | Change | Block | Line | Alignment | {REVIEW.capitalize()} |",
        "|--:|---|---|--:|--:|---|",
    ]
    for number, change in enumerate(shown, start=1):
        line = "–" if change.line is None else str(change.line)
        confidence = "–" if change.confidence is None else f"{change.confidence:.2f}"
        flags = _cell(", ".join(_flags(change)))
        rows.append(
            f"| {number} | {change.kind.value} | {_cell(change.block_kind)} | {line} "
            f"| {confidence} | {flags} |"
        )
    return "\n".join(rows)


@dataclass
class FileSection:
    head: str  # heading, file summary, notes, block table: never dropped before details
    details: list[str]


def file_section(report: UpdateReport) -> FileSection:
    """A file's section in the body of a sync of several files: what most of a digest's
    cost is, so a sync that carries files in several processes makes it there."""
    return _section(report, alone=False)


def _section(report: UpdateReport, *, alone: bool) -> FileSection:
    """A file's heading, notes and block table; its own counts only when there are several."""
    shown = [change for change in report.changes if _shown(change)]
    parts = [f"### {_code(report.path)} ({report.src_lang} → {report.tgt_lang})"]
    if not alone:
        tally = _tally([report])
        parts.append(
            " ".join(
                [
                    f"Engine: {report.engine or 'none'}; {tally.blocks()}.",
                    tally.sentences(),
                    tally.cost("whole file"),
                ]
            )
        )
    if report.notes:
        notes = "\n".join(f"- {' '.join(note.split())}" for note in report.notes)
        parts.append(f"Notes ({REVIEW}):\n\n{notes}")
    parts.append(_block_table(shown) if shown else "No block changed.")
    details = [_details(number, change) for number, change in enumerate(shown, start=1)]
    return FileSection("\n\n".join(parts), details)


# -------------------------------------------------------------------------- markdown


def render_markdown(
    reports: Sequence[UpdateReport],
    *,
    title: str | None = None,
    retry_command: str | None = None,
    json_report: str | None = None,
    limit: int = MAX_BODY_CHARS,
) -> str:
    """A pull-request body for reviewers, at most ``limit`` characters.

    ``json_report`` names the JSON report that a shortened body points to for the
    block details it had to leave out.
    """
    digest = ReportDigest.of(reports, budget=limit)
    return digest.render(
        title=title, retry_command=retry_command, json_report=json_report, limit=limit
    )


class _Layout:
    """The file sections of a body, measured as they come and kept only as far as a body
    of ``budget`` characters can reach: a push of thousands of files holds a body's worth
    of text, not every file's, and the fitting is arithmetic on lengths rather than a
    body built for each try."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.heads: list[str] = []  # the first heads, as far as ``budget`` reaches
        self.details: list[str] = []  # the first details, likewise
        self.head_ends = [0]  # running total of the heads' lengths
        self.detail_ends = [0]  # running total of the details' lengths, in body order
        self.section_details = [0]  # running total of the details, by section

    def add(self, section: FileSection) -> None:
        if self.head_ends[-1] + len(section.head) <= self.budget:
            self.heads.append(section.head)
        self.head_ends.append(self.head_ends[-1] + len(section.head))
        for detail in section.details:
            if self.detail_ends[-1] + len(detail) <= self.budget:
                self.details.append(detail)
            self.detail_ends.append(self.detail_ends[-1] + len(detail))
        self.section_details.append(len(self.detail_ends) - 1)

    def render(self, top: str, tail: str, where: str, limit: int) -> str:
        sections, total = len(self.section_details) - 1, len(self.detail_ends) - 1
        if self._length(top, tail, where, total, sections) <= limit:
            return self._build(top, tail, where, total, sections)
        low, high = 0, total - 1  # the largest number of details kept that fits
        while low < high:
            middle = (low + high + 1) // 2
            fits = self._length(top, tail, where, middle, sections) <= limit
            low, high = (middle, high) if fits else (low, middle - 1)
        keep, files = low, sections
        if self._length(top, tail, where, keep, files) > limit:
            keep = 0
            for files in range(sections - 1, -1, -1):  # then whole sections, from the end
                if self._length(top, tail, where, 0, files) <= limit:
                    break
        body = self._build(top, tail, where, keep, files)
        if len(body) <= limit:
            return body
        notice = f"\n\n> **Cut** at {_number(limit)} characters: see {where}.\n"
        cut = body[: max(limit - len(notice), 0)]
        return cut[: cut.rfind("\n") + 1 or len(cut)].rstrip() + notice

    def _shortened(self, where: str, keep: int, files: int) -> str:
        """The notice of what a body with ``keep`` details and ``files`` sections leaves out."""
        total, sections = len(self.detail_ends) - 1, len(self.section_details) - 1
        dropped = [
            _plural(total - keep, "changed block's details", "changed blocks' details")
            if keep < total
            else "",
            _plural(sections - files, "file section") if files < sections else "",
        ]
        if not any(dropped):
            return ""
        left_out = " and ".join(d for d in dropped if d)
        return (
            f"> **Shortened** to fit GitHub's limit on a pull-request body: {left_out} "
            f"left out, from the end. {where[0].upper()}{where[1:]} has the full details."
        )

    def _kept(self, keep: int, files: int) -> int:
        """How many details a body with ``keep`` details and ``files`` sections shows."""
        return min(keep, self.section_details[files])

    def _length(self, top: str, tail: str, where: str, keep: int, files: int) -> int:
        notice = self._shortened(where, keep, files)
        kept = self._kept(keep, files)
        parts = 1 + bool(notice) + files + kept + bool(tail)
        text = len(top) + len(notice) + self.head_ends[files] + self.detail_ends[kept] + len(tail)
        return text + 2 * (parts - 1) + 1

    def _build(self, top: str, tail: str, where: str, keep: int, files: int) -> str:
        parts = [top]
        if notice := self._shortened(where, keep, files):
            parts.append(notice)
        kept = self._kept(keep, files)
        for index in range(files):
            parts.append(self.heads[index])
            first, end = self.section_details[index], self.section_details[index + 1]
            parts += self.details[first : min(end, kept)]
        if tail:
            parts.append(tail)
        return "\n\n".join(parts) + "\n"
