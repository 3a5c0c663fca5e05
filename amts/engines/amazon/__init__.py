"""Amazon Translate behind the :class:`~amts.engines.base.Engine` interface.

Parallel data (Active Custom Translation) only steers *batch* jobs, so batch is the
default: segments go to S3 as HTML documents, one ``<p id="s<n>">`` per segment so
every answer maps back by id, protected spans travel as ``translate="no"`` elements
(:mod:`amts.book.placeholders`), and the job's ``<lang>.<document>`` outputs are read back.
Small inputs without parallel data use the real-time ``TranslateText`` call instead.

Every botocore error crosses into AMTS at one place, :mod:`~amts.engines.amazon.client`,
as an :class:`AmazonServiceError` naming the operation and resource (never credentials).
Throttling is retried by botocore's standard retry mode (exponential backoff, jitter).

The modules, in the order a translation meets them: :mod:`.settings`, :mod:`.engine`
(routing), :mod:`.resources` (terminology, parallel data), :mod:`.realtime` or
:mod:`.batch`, with :mod:`.segments` (masking, documents, restoring), :mod:`.storage`
(S3 objects) and :mod:`.client` (the AWS boundary) underneath.
"""

from __future__ import annotations

from amts.engines.amazon.batch import FINAL_JOB_STATUSES
from amts.engines.amazon.client import AmazonServiceError
from amts.engines.amazon.engine import AmazonEngine
from amts.engines.amazon.realtime import TEXT_MAX_BYTES
from amts.engines.amazon.settings import MAX_CONCURRENT_JOBS, AmazonSettings

__all__ = [
    "FINAL_JOB_STATUSES",
    "MAX_CONCURRENT_JOBS",
    "TEXT_MAX_BYTES",
    "AmazonEngine",
    "AmazonServiceError",
    "AmazonSettings",
]
