"""What every translation engine offers: segments in, translations out, cost counted."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Translation:
    """One segment's translation, or ``None`` with the reason it could not be made safely.

    ``origin`` tells a reviewer where the words came from (``"amazon:batch"``,
    ``"amazon:realtime"``, ``"memory:exact"`` …); ``score`` is the engine's own
    confidence where it has one.
    """

    text: str | None
    origin: str
    score: float | None = None
    note: str = ""

    @property
    def ok(self) -> bool:
        return self.text is not None


class Engine(ABC):
    """A machine translation engine behind one small interface.

    Segments are plain prose that may contain protected spans (see
    :mod:`amts.book.protect`); an engine must return them unchanged or flag the
    segment (``text=None``), never return it corrupted.
    """

    name: str = ""

    def __init__(self) -> None:
        self.chars_sent = 0  # characters sent to a paid service: the cost
        # What a reviewer should know about the run as a whole rather than one segment,
        # e.g. parallel data records the service refused; appended to, never cleared.
        self.notes: list[str] = []

    def use_parallel_data(self, path: Path) -> None:  # noqa: B027 - optional hook
        """Learn from this parallel data file (Amazon's Active Custom Translation); engines
        that cannot learn from examples ignore it."""

    @abstractmethod
    def translate(
        self, segments: Sequence[str], *, src_lang: str, tgt_lang: str
    ) -> list[Translation]:
        """Translate ``segments`` in order; the result has one entry per segment."""
