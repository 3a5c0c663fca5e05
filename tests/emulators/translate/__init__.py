"""A local Amazon Translate for tests: the real JSON 1.1 wire protocol, fake translations.

botocore talks to it over HTTP exactly as to ``translate.<region>.amazonaws.com``
(``X-Amz-Target: AWSShineFrontendService_20170701.<Operation>``), so the engine code
under test is the production code path. Tests steer it through the Python object
(:meth:`TranslateEmulator.throttle`, :meth:`~TranslateEmulator.fail_next_job`, …),
never through HTTP back doors, and assert on :attr:`TranslateEmulator.calls`.

Pseudo-translation (:mod:`.pseudo`) is deterministic so a test can tell where words
came from. Differences from the real service, on purpose, are in :mod:`.jobs` and
:mod:`.parallel_data`: work advances per poll instead of by wall-clock time, and the
concurrent job limit refuses instead of queueing.

The modules: :mod:`.state` (the emulator object and test controls), :mod:`.app`
(WSGI and the server), :mod:`.protocol` (errors, tokens, timestamps), one module per
group of operations (:mod:`.realtime`, :mod:`.terminology`, :mod:`.parallel_data`,
:mod:`.jobs`), :mod:`.data_files` (CSV, TSV, TMX) and :mod:`.pseudo`.
"""

from __future__ import annotations

from .data_files import Pairs, parse_pairs
from .protocol import JSON_CONTENT_TYPE, TARGET_PREFIX, ServiceError, split_s3_uri
from .pseudo import Rules, translate_block, translate_html, translate_plain
from .realtime import TEXT_MAX_BYTES
from .state import Call, TranslateEmulator

__all__ = [
    "JSON_CONTENT_TYPE",
    "TARGET_PREFIX",
    "TEXT_MAX_BYTES",
    "Call",
    "Pairs",
    "Rules",
    "ServiceError",
    "TranslateEmulator",
    "parse_pairs",
    "split_s3_uri",
    "translate_block",
    "translate_html",
    "translate_plain",
]
