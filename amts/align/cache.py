"""Each file aligned once per content: parsed documents and alignments, cached.

Aligning a file pair is most of what a sync costs (~70 ms a file on d2l: 57% alignment,
26% parsing), and a sync aligned each file twice (mining the memory, then planning the
update) and the next sync did it all again. The result only depends on the two texts,
the aligner's version, its languages and its glossary, so it is keyed by exactly those:
the git blob ids of both sides (computed from the bytes, so files outside git share the
key) and the aligner's :attr:`~amts.align.aligner.Aligner.fingerprint`. A new aligner
version or glossary changes every key: old entries are never read again and age out.

Entries live in memory (a bounded LRU, for one job) and, given a directory, on disk
(for later jobs and other processes: ``$AMTS_DATA_DIR/align-cache``), as small JSON
files of offsets and links, written atomically and bounded in total size: the least
recently used files are evicted. A damaged or foreign file is a miss, never an error.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import logging
import os
import tempfile
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from amts import cores, files, spread
from amts.align.aligner import Alignment, Link, Segment, SentenceLink
from amts.book import document
from amts.book.document import Block, Document, Kind
from amts.errors import AmtsError, InputError

if TYPE_CHECKING:
    from amts.align.aligner import Aligner

log = logging.getLogger(__name__)

#: The folder under ``AMTS_DATA_DIR``.
CACHE_DIR = "align-cache"
#: On-disk layout version: bump when the JSON below changes shape.
FORMAT = "1"
DEFAULT_MAX_BYTES = 256 * 1024 * 1024
DEFAULT_MAX_ITEMS = 2048
#: Fewer uncached pairs than this are aligned in this process alone (see ``prefill``).
MIN_PARALLEL_PAIRS = 40
#: What a forkserver imports once, so that the processes it forks for ``prefill`` align
#: at once: this module (the aligner with it) and the markdown parser, whose import
#: builds tables over all of Unicode.
PRELOAD = ("amts.align.cache", "mistletoe.block_token")


def blob_id(text: str) -> str:
    """Git's blob id of ``text`` as UTF-8 (what ``git hash-object`` prints): the file's
    identity in any repository or outside one."""
    data = text.encode("utf-8")
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


class AlignmentCache:
    """Documents and alignments by content; ``directory`` ``None`` keeps them in memory only."""

    def __init__(
        self,
        directory: str | Path | None = None,
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_items: int = DEFAULT_MAX_ITEMS,
    ) -> None:
        self.root = Path(directory) if directory is not None else None
        self.directory = self.root / f"v{FORMAT}" if self.root is not None else None
        self.max_bytes = max_bytes
        self.max_items = max_items
        self._memory: OrderedDict[str, Any] = OrderedDict()
        self._disk_bytes: int | None = None  # scanned on the first write
        self.hits = self.misses = 0
        self.parsed = self.aligned = 0  # the misses, by kind: work this cache did not save

    @classmethod
    def for_data_dir(cls, data_dir: str | Path) -> AlignmentCache:
        """The cache the App and ``amts`` commands share under a data directory."""
        return cls(Path(data_dir) / CACHE_DIR)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> AlignmentCache:
        """On disk under ``$AMTS_DATA_DIR/align-cache`` when that is set, else in memory."""
        data_dir = (os.environ if env is None else env).get("AMTS_DATA_DIR")
        return cls.for_data_dir(data_dir) if data_dir else cls()

    # -- documents --------------------------------------------------------------------------

    def document(self, text: str, path: str | None = None) -> Document:
        """``document.parse(text, path)``, parsed once per content."""
        key = _key("doc", document.PARSER_VERSION, blob_id(text))
        blocks = self._get(key, lambda data: _blocks_from_json(data, text))
        if blocks is None:
            self.misses += 1
            self.parsed += 1
            parsed = document.parse(text, path)
            self._put(key, parsed.blocks, [[b.kind.value, b.start, b.line] for b in parsed.blocks])
            return parsed
        self.hits += 1
        return Document(text, blocks, path)

    def load(self, path: str | Path) -> Document:
        """``document.load(path)`` through the cache."""
        text = files.read_text(path, "markdown file")
        if not text.strip():
            raise InputError(f"{path}: file is empty")
        return self.document(text, str(path))

    # -- alignments -------------------------------------------------------------------------

    def align(self, aligner: Aligner, source: Document, target: Document) -> Alignment:
        """``aligner.align(source, target)``, aligned once per pair of contents."""
        if (cached := self.lookup(aligner, source, target)) is not None:
            return cached
        self.misses += 1
        self.aligned += 1
        alignment = aligner.align_uncached(source, target)
        links = (tuple(alignment.blocks), tuple(alignment.sentences))
        self._put(_alignment_key(aligner, source, target), links, _links_to_json(*links))
        return alignment

    def lookup(self, aligner: Aligner, source: Document, target: Document) -> Alignment | None:
        """The cached alignment of the two documents, or ``None`` (not counted as a miss)."""
        key = _alignment_key(aligner, source, target)
        links = self._get(key, lambda data: _links_from_json(data, source, target))
        if links is None:
            return None
        self.hits += 1
        return Alignment(
            source, target, aligner.src_lang, aligner.tgt_lang, list(links[0]), list(links[1])
        )

    def align_texts(
        self,
        aligner: Aligner,
        source: str,
        target: str,
        source_path: str | None = None,
        target_path: str | None = None,
    ) -> Alignment:
        """Parse and align an English text and its translation, each step at most once per
        content: what a reader of alignments (``amts lag``, the dashboard) calls."""
        return self.align(
            aligner, self.document(source, source_path), self.document(target, target_path)
        )

    def prefill(self, aligner: Aligner, pairs: Sequence[tuple[str, str]]) -> int:
        """Align the pairs this cache lacks across processes, when there are enough of them
        to pay for starting the processes; how many others aligned. The caller then reads
        each pair as usual (:meth:`align_texts`) and finds it here.

        This process aligns pairs meanwhile. A process with no other thread forks the
        others, which costs milliseconds; beside threads (the App's workers) a forkserver
        does (see :func:`amts.spread.start_method`), whose start costs ~0.5 s once per
        process. d2l's files take ~25 ms each, so below :data:`MIN_PARALLEL_PAIRS` pairs
        it is not worth it and nothing happens here.
        Only cores no other job holds are used (:mod:`amts.cores`): with every core busy,
        nothing happens here either.
        """
        todo = [pair for pair in pairs if not self._has(aligner, *pair)]
        if len(todo) < MIN_PARALLEL_PAIRS:
            return 0
        with cores.claim(cores.available_cores() - 1) as spare:  # cores no other job is using
            return self._prefill(aligner, todo, 1 + spare) if spare else 0

    def _prefill(self, aligner: Aligner, todo: list[tuple[str, str]], processes: int) -> int:
        todo.sort(key=lambda pair: len(pair[0]) + len(pair[1]), reverse=True)  # largest first
        method = spread.start_method()
        if method == "fork":  # the workers inherit the parser instead of importing it
            document.load_parser()
        # A worker writes what it aligns where this cache keeps its files, and hands the
        # parsed objects back (pickled: no second reading of the files here).
        results = spread.spread(
            todo,
            lambda pair: self._align_here(aligner, *pair),
            _align_in_worker,
            processes,
            method=method,
            initializer=_start_worker,
            initargs=(self.root, (aligner.src_lang, aligner.tgt_lang, aligner.glossary)),
            preload=PRELOAD,
        )
        for entries in results:
            for key, value in entries or ():
                self._remember(key, value)
        done = sum(1 for entries in results if entries)
        log.info(
            "align_cache.prefilled: %d pairs, %d by %d other processes (%s)",
            len(todo),
            done,
            processes - 1,
            method,
        )
        return done

    def _align_here(self, aligner: Aligner, source: str, target: str) -> None:
        """A pair prefill aligns in this process: cached as a read would; a file that does
        not parse is left to the caller, who reports it."""
        with contextlib.suppress(AmtsError):
            self.align_texts(aligner, source, target)

    def _has(self, aligner: Aligner, source: str, target: str) -> bool:
        key = _text_key(aligner, source, target)
        return key in self._memory or (self.directory is not None and self._file(key).exists())

    # -- storage ----------------------------------------------------------------------------

    def _get(self, key: str, load):
        """The value of ``key`` from memory, else from disk through ``load`` (``None``: miss)."""
        if key in self._memory:
            self._memory.move_to_end(key)
            return self._memory[key]
        if self.directory is None:
            return None
        file = self._file(key)
        try:
            data = json.loads(file.read_bytes())
            value = load(data)
        except FileNotFoundError:
            return None
        except (OSError, ValueError, TypeError, KeyError, IndexError) as exc:
            log.warning("align_cache.entry_dropped: %s (%s)", file.name, exc)
            file.unlink(missing_ok=True)
            return None
        with contextlib.suppress(OSError):
            os.utime(file)  # recently used: evicted last
        self._remember(key, value)
        return value

    def _put(self, key: str, value: Any, data: Any) -> None:
        self._remember(key, value)
        if self.directory is None:
            return
        file = self._file(key)
        payload = json.dumps(data, separators=(",", ":")).encode("utf-8")
        try:
            file.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=file.parent)
            with os.fdopen(fd, "wb") as out:
                out.write(payload)
            os.replace(tmp, file)
        except OSError as exc:  # a full or read-only disk costs speed, not the sync
            log.warning("align_cache.not_written: %s (%s)", file, exc)
            return
        self._account(len(payload))

    def _remember(self, key: str, value: Any) -> None:
        self._memory[key] = value
        self._memory.move_to_end(key)
        while len(self._memory) > self.max_items:
            self._memory.popitem(last=False)

    def _file(self, key: str) -> Path:
        assert self.directory is not None
        return self.directory / key[:2] / f"{key}.json"

    def _account(self, added: int) -> None:
        """Keep the folder under ``max_bytes``: evict the least recently used files down to
        80% of it, so eviction runs once in a while, not on every write."""
        assert self.directory is not None
        if self._disk_bytes is None:
            self._disk_bytes = sum(size for _, size, _ in self._entries())
        else:
            self._disk_bytes += added
        if self._disk_bytes <= self.max_bytes:
            return
        entries = sorted(self._entries(), key=lambda entry: entry[2])
        total = sum(size for _, size, _ in entries)
        for file, size, _ in entries:
            if total <= 0.8 * self.max_bytes:
                break
            file.unlink(missing_ok=True)
            total -= size
        self._disk_bytes = total
        log.info("align_cache.evicted: %s now holds %d bytes", self.directory, total)

    def _entries(self) -> list[tuple[Path, int, float]]:
        assert self.directory is not None
        entries = []
        for file in self.directory.glob("*/*.json"):
            try:
                stat = file.stat()
            except OSError:
                continue
            entries.append((file, stat.st_size, stat.st_mtime))
        return entries


#: A worker process's cache (its files where prefill's cache keeps them) and aligner.
_worker: tuple[AlignmentCache, Aligner] | None = None


def _start_worker(directory: Path | None, spec: tuple) -> None:
    """Set up a worker process of :meth:`AlignmentCache.prefill`, once for all its pairs."""
    from amts.align.aligner import Aligner

    global _worker
    _worker = (AlignmentCache(directory), Aligner(*spec))


def _align_in_worker(pair: tuple[str, str]) -> list[tuple[str, Any]]:
    """One pair, aligned in a worker process: its cache entries (the two documents and the
    alignment), none for a file that does not parse (left to the caller, who reports it)."""
    assert _worker is not None
    cache, aligner = _worker
    source, target = pair
    try:
        cache.align_texts(aligner, source, target)
    except AmtsError:
        return []
    finally:
        entries = list(cache._memory.items())
        cache._memory.clear()
    return entries


def _alignment_key(aligner: Aligner, source: Document, target: Document) -> str:
    return _text_key(aligner, source.text, target.text)


def _text_key(aligner: Aligner, source: str, target: str) -> str:
    return _key("aln", aligner.fingerprint, blob_id(source), blob_id(target))


def _key(*parts: str) -> str:
    return hashlib.sha1("\0".join(parts).encode(), usedforsecurity=False).hexdigest()


#: ``Kind(value)`` as a dict: the enum's call costs more than the rest of reading a block.
_KINDS = {kind.value: kind for kind in Kind}


def _blocks_from_json(data: list, text: str) -> tuple[Block, ...]:
    """Blocks from ``[kind, start, line]`` rows; they must tile ``text`` exactly."""
    starts = [row[1] for row in data]
    if bool(data) != bool(text) or (starts and starts[0] != 0):
        raise ValueError("blocks do not tile the text")
    if any(a >= b for a, b in itertools.pairwise(starts)):
        raise ValueError("blocks do not tile the text")
    if text and starts[-1] >= len(text):
        raise ValueError("a block starts past the end of the text")
    ends = [*starts[1:], len(text)]
    return tuple(
        Block(_KINDS[kind], text[start:end], start, int(line))
        for (kind, start, line), end in zip(data, ends, strict=True)
    )


def _links_to_json(blocks: tuple[Link, ...], sentences: tuple[SentenceLink, ...]) -> dict:
    return {
        "blocks": [[list(link.src), list(link.tgt), link.confidence] for link in blocks],
        "sentences": [
            [
                [[s.block, s.start, s.end] for s in link.src],
                [[s.block, s.start, s.end] for s in link.tgt],
                link.confidence,
            ]
            for link in sentences
        ],
    }


def _links_from_json(
    data: dict, source: Document, target: Document
) -> tuple[tuple[Link, ...], tuple[SentenceLink, ...]]:
    """Links checked against the documents: an index or span out of range is a bad entry."""

    def indices(values: list, doc: Document) -> tuple[int, ...]:
        result = tuple(map(int, values))
        if result and (min(result) < 0 or max(result) >= len(doc.blocks)):
            raise ValueError("block index out of range")
        return result

    def segments(values: list, doc: Document) -> tuple[Segment, ...]:
        result = []
        for block, start, end in values:
            segment = Segment(int(block), int(start), int(end))
            if not 0 <= segment.start <= segment.end <= len(doc.text):
                raise ValueError("sentence span out of range")
            if not 0 <= segment.block < len(doc.blocks):
                raise ValueError("block index out of range")
            result.append(segment)
        return tuple(result)

    blocks = tuple(
        Link(indices(src, source), indices(tgt, target), float(conf))
        for src, tgt, conf in data["blocks"]
    )
    sentences = tuple(
        SentenceLink(segments(src, source), segments(tgt, target), float(conf))
        for src, tgt, conf in data["sentences"]
    )
    return blocks, sentences
