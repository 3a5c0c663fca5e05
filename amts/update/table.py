"""Tables are translated row by row.

The update's units are sentences, which corpora keep on one line; a table joined on one
line is no table. So each row is a unit: a row whose English did not change keeps its
human translation, the alignment row (``|:--|--:|``) follows the English, and the other
rows are translated.
"""

from __future__ import annotations

from amts.update.blockplan import BlockPlan, PlanEditing
from amts.update.changes import ChangeKind, Origin, SentenceResult
from amts.update.diff import diff_sequences
from amts.update.keep import sentence_key


def rows(table: str) -> list[str]:
    """A table's rows, without the spaces around them."""
    return [line.strip() for line in table.splitlines() if line.strip()]


def is_delimiter_row(row: str) -> bool:
    """``|:--|--:|``: a table's alignment row, which no engine should see."""
    return "-" in row and not row.strip("|:- \t")


def table_parts(
    file: PlanEditing,
    plan: BlockPlan,
    new_table: str,
    old_table: str | None = None,
    old_target: str | None = None,
) -> list:
    """The parts of ``new_table``'s translation, one row a line. Rows are paired with the old
    translation's by position, so its rows are kept only when it has as many as its English."""
    new_rows = rows(new_table)
    kept: dict[int, str] = {}
    if old_table is not None and old_target is not None:
        old_rows, target_rows = rows(old_table), rows(old_target)
        if len(old_rows) == len(target_rows):
            keys = [sentence_key(row) for row in old_rows], [sentence_key(r) for r in new_rows]
            for edit in diff_sequences(*keys):
                if edit.kind in (ChangeKind.UNCHANGED, ChangeKind.MOVED):
                    kept[edit.new] = target_rows[edit.old]
    parts: list = []
    for index, row in enumerate(new_rows):
        if parts:
            parts.append("\n")
        if is_delimiter_row(row):
            result = SentenceResult(row, row, Origin.VERBATIM)
        elif index in kept:
            result = SentenceResult(row, kept[index], Origin.KEPT)
        else:
            parts.append(file.translate(plan, row))
            continue
        plan.change.sentences.append(result)
        parts.append(result)
    return parts
