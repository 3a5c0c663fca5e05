"""The Amazon Translate engine: which segments go by batch job and which in real time.

:class:`AmazonEngine` is the :class:`~amts.engines.base.Engine` the rest of AMTS sees.
It pays for each distinct segment once, copies segments with nothing to translate,
and routes the rest: parallel data or a large input means a batch job, otherwise
``TranslateText``, except for segments too long for it.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import boto3

from amts.book.placeholders import mask
from amts.book.protect import is_protected_only
from amts.engines.amazon.batch import BatchTranslator
from amts.engines.amazon.client import AwsClients
from amts.engines.amazon.realtime import TEXT_MAX_BYTES, RealtimeTranslator
from amts.engines.amazon.resources import Resources
from amts.engines.amazon.settings import AmazonSettings
from amts.engines.amazon.storage import Bucket
from amts.engines.base import Engine, Translation
from amts.errors import InputError

logger = logging.getLogger(__package__)  # one logger name for the whole engine


class AmazonEngine(Engine):
    """Amazon Translate: batch jobs with parallel data and terminology, or real time."""

    name = "amazon"

    def __init__(
        self,
        settings: AmazonSettings | None = None,
        *,
        session: boto3.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        **options: Any,
    ) -> None:
        super().__init__()
        if settings is None:
            settings = AmazonSettings(**options) if options else AmazonSettings.from_env()
        elif options:
            settings = dataclasses.replace(settings, **options)
        self.settings = settings
        self._aws = AwsClients(settings, session)
        self._count_lock = threading.Lock()
        bucket = Bucket(self._aws, settings)
        self._resources = Resources(settings, self._aws, bucket, sleep, self._note)
        self._realtime = RealtimeTranslator(self._aws, self._resources, self._count)
        self._batch = BatchTranslator(
            settings, self._aws, bucket, self._resources, self._count, sleep
        )

    def use_parallel_data(self, path: Path) -> None:
        """Steer batch jobs with this parallel data (mined from the translation repository
        when none was given); the resource is named ``amts-<src>-<tgt>`` unless configured."""
        if self.settings.parallel_data_path is not None:
            return  # the file the user gave wins
        name = self.settings.parallel_data_name or "amts-parallel-data"
        self.settings = dataclasses.replace(
            self.settings, parallel_data_path=Path(path), parallel_data_name=name
        )
        self._resources.settings = self._batch.settings = self.settings

    def sync_parallel_data(self, src_lang: str, tgt_lang: str) -> list[str]:
        """Create or update the parallel-data resource from the configured file now (and
        wait for it), so the next batch job starts from it; returns the resource names."""
        return self._resources.parallel_data(src_lang, tgt_lang)

    def close(self) -> None:
        """Close the HTTP connection pools of both clients."""
        self._aws.close()

    def __enter__(self) -> AmazonEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def translate(
        self, segments: Sequence[str], *, src_lang: str, tgt_lang: str
    ) -> list[Translation]:
        """Translate ``segments``; a segment whose spans did not survive comes back ``None``."""
        if not src_lang or not tgt_lang:
            raise InputError("Amazon Translate needs both src_lang and tgt_lang")
        results: dict[str, Translation] = {}
        unique: dict[str, None] = {}  # insertion-ordered set: each text is paid for once
        for segment in segments:
            if segment in results or segment in unique:
                continue
            if is_protected_only(segment):  # code, math, a bare role: nothing to pay for
                results[segment] = Translation(
                    segment, "amazon:copied", note="nothing to translate"
                )
            else:
                unique[segment] = None
        batch, realtime = self._route(list(unique))
        if realtime:
            results.update(self._realtime.translate(realtime, src_lang, tgt_lang))
        if batch:
            results.update(self._batch.translate(batch, src_lang, tgt_lang))
        return [results[segment] for segment in segments]

    def _route(self, texts: list[str]) -> tuple[list[str], list[str]]:
        """(batch, real time): parallel data or a large input means batch."""
        if not texts:
            return [], []
        if self.settings.parallel_data_path is not None:
            return texts, []
        sizes = [len(mask(text).text.encode("utf-8")) for text in texts]
        if sum(sizes) > self.settings.realtime_max_bytes:
            return texts, []
        too_long = {text for text, size in zip(texts, sizes, strict=True) if size > TEXT_MAX_BYTES}
        if too_long:
            logger.info(
                "%d segment(s) exceed TranslateText's %d bytes: sent as a batch job",
                len(too_long),
                TEXT_MAX_BYTES,
            )
        batch = [text for text in texts if text in too_long]
        return batch, [text for text in texts if text not in too_long]

    def _note(self, note: str) -> None:
        """Keep a note for the report; resources may be imported on several threads."""
        with self._count_lock:
            self.notes.append(note)

    def _count(self, texts: Sequence[str]) -> None:
        """Add to the cost; batch jobs and real-time calls may run on several threads."""
        with self._count_lock:
            self.chars_sent += sum(len(text) for text in texts)
