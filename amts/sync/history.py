"""``.amts/report.json``: the report of every sync commit a pull request carries.

A sync pull request stays open while the English keeps changing: each sync adds a commit
on top of the branch, and the body must describe all of them, not only the last. The
report of each commit is kept on the branch itself (so it survives a restart and needs no
database), and the body is rendered from the whole list, newest first, within GitHub's
size limit. The per-sync text is :func:`amts.sync.report.render_pr_body`'s.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from amts.errors import InputError
from amts.report import MAX_BODY_CHARS
from amts.sync.report import SyncResult, counts, lag_lines, render_pr_body, source_name

HISTORY_PATH = ".amts/report.json"
CATCH_UP = "/amts catch-up"  # the command named in a pull request's lag lines
VERSION = 1


@dataclass(frozen=True)
class SyncEntry:
    """One sync commit of a pull request: its English range, title, body and any note."""

    base: str
    to: str
    title: str
    body: str
    summary: str = ""  # "2 updated, 1 translated"
    note: str = ""  # e.g. the English history was rewritten
    lag: list[str] = field(default_factory=list)  # the lag it did not carry, one line a file

    @classmethod
    def of(cls, result: SyncResult, src_lang: str, note: str = "") -> SyncEntry:
        body = render_pr_body(result, src_lang=src_lang)
        lag = lag_lines(result, src_lang, CATCH_UP)
        return cls(result.base, result.to, result.title, body, counts(result), note, lag)


@dataclass
class SyncHistory:
    """The content of ``.amts/report.json``: oldest sync first."""

    syncs: list[SyncEntry] = field(default_factory=list)

    @classmethod
    def from_bytes(cls, data: bytes | None, where: str = HISTORY_PATH) -> SyncHistory:
        if data is None:
            return cls()
        try:
            raw = json.loads(data.decode("utf-8"))
            return cls([SyncEntry(**item) for item in raw["syncs"]])
        except (UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
            raise InputError(
                f"{where}: not a sync history ({exc}); delete it and the next sync starts anew"
            ) from exc

    def to_bytes(self) -> bytes:
        data = {"version": VERSION, "syncs": [asdict(entry) for entry in self.syncs]}
        return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")

    def title(self, src_lang: str = "en") -> str:
        if not self.syncs:
            return ""
        if len(self.syncs) == 1:
            return self.syncs[0].title
        return (
            f"Sync with the {source_name(src_lang)} source at {self.syncs[-1].to[:8]}: "
            f"{len(self.syncs)} syncs"
        )

    def render(
        self, *, src_lang: str = "en", retry_command: str | None = None, limit: int = MAX_BODY_CHARS
    ) -> str:
        """The pull request's body: what every sync carried, newest first.

        Bodies that no longer fit are cut down to their one-line summary; the whole text
        stays in ``.amts/report.json`` on the branch.
        """
        if not self.syncs:
            return ""
        source = source_name(src_lang)
        first, last = self.syncs[0], self.syncs[-1]
        span = (
            f"the lag behind the {source} source at `{last.to[:8]}`"  # catch-ups only
            if first.base == last.to
            else f"the {source} source from `{first.base[:8]}` to `{last.to[:8]}`"
        )
        head = [
            f"This pull request carries {span} (`{last.to}`) in {len(self.syncs)} sync commit"
            f"{'' if len(self.syncs) == 1 else 's'}, newest first. Commits that translators "
            "add on this branch are kept by every later sync.",
        ]
        head += [f"> **Note:** {entry.note}" for entry in self.syncs if entry.note]
        tail = f"To sync again now, comment `{retry_command}`." if retry_command else ""
        budget = limit - sum(len(part) + 2 for part in [*head, tail])
        sections = []
        for number, entry in reversed(list(enumerate(self.syncs, 1))):
            heading = f"### Sync {number}: `{entry.base[:8]}..{entry.to[:8]}`"
            full = f"{heading}\n\n{entry.body.strip()}"
            short = (
                f"{heading}\n\n{entry.summary or entry.title} (details in `{HISTORY_PATH}` "
                "on this branch)" + "".join(f"\n- {line}" for line in entry.lag)
            )
            text = full if len(full) + 2 <= budget - 200 else short
            if len(text) + 2 > budget:
                sections.append(f"… {number} earlier syncs, listed in `{HISTORY_PATH}`")
                break
            budget -= len(text) + 2
            sections.append(text)
        return "\n\n".join(part for part in [*head, *sections, tail] if part) + "\n"
