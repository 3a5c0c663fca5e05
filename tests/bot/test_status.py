"""Per-target status records in the queue's storage, shared by web and workers."""

from __future__ import annotations

from bot.work.queue import Queue


def test_update_merges_and_stamps(queue: Queue) -> None:
    status = queue.status
    assert status.get("d2l-ai/d2l-zh") is None
    status.update("d2l-ai/d2l-zh", source_repo="d2l-ai/d2l-en", lang="zh", last_error="boom")
    record = status.update("d2l-ai/d2l-zh", synced_revision="f" * 40, last_error=None)
    assert record == status.get("d2l-ai/d2l-zh")
    assert record["source_repo"] == "d2l-ai/d2l-en"
    assert record["synced_revision"] == "f" * 40
    assert record["last_error"] is None
    assert record["updated_at"].endswith("+00:00")


def test_all_lists_only_status_records(queue: Queue) -> None:
    queue.record_delivery("d-1")  # other keys in the same storage are not statuses
    queue.status.update("d2l-ai/d2l-zh", source_repo="d2l-ai/d2l-en", lang="zh")
    queue.status.update("d2l-ai/d2l-pt", source_repo="d2l-ai/d2l-en", lang="pt")
    queue.status.update("x/y-ja", source_repo="a/book", lang="ja")
    assert [r["target_repo"] for r in queue.status.all()] == [
        "x/y-ja",
        "d2l-ai/d2l-pt",
        "d2l-ai/d2l-zh",
    ]


def test_web_and_worker_see_the_same_records(sqlite_queue: Queue) -> None:
    """Another process opening the same queue (here: another Queue) reads the record."""
    from bot.work.queue import make_huey

    assert sqlite_queue.settings is not None
    sqlite_queue.status.update("d2l-ai/d2l-zh", lang="zh")
    other = Queue(make_huey(sqlite_queue.settings.queue_url))
    try:
        assert other.status.get("d2l-ai/d2l-zh")["lang"] == "zh"  # type: ignore[index]
    finally:
        other.close()
