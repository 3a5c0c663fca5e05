"""A one-block English push on the real books: how many blocks of the d2l-zh translation and
its origin file the sync changes (issue 10: 111 before the three-way English merge).

The pinned books in ``../shared/d2l`` (or ``AMTS_SHARED``) are committed into temporary git
repositories; in each file one English paragraph that ``X_origin.md`` has as it is gets a
new sentence (``tests/sync/test_lag_property_d2l.py`` picks it), and ``amts sync``'s
Synchronizer carries it with the memory engine and the memory mined from d2l-zh.
Run it against an older ``amts`` by putting that first on ``PYTHONPATH``.

    python bench/one_block_push_bench.py

Exit status 2 when the books are absent.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.append(str(ROOT))  # the test helpers; an amts earlier on the path is the one measured

from amts.engines import create_engine  # noqa: E402
from amts.sync.git import GitRepo  # noqa: E402
from amts.sync.synchronizer import Synchronizer  # noqa: E402
from amts.update.updater import Updater  # noqa: E402
from tests.gitrepos import copy_book  # noqa: E402
from tests.sync.lagproperty import changed_blocks  # noqa: E402
from tests.sync.test_lag_property_d2l import pick_edit  # noqa: E402

SHARED = Path(os.environ.get("AMTS_SHARED") or ROOT.parent / "shared")
FILES = ("chapter_introduction/index.md", "chapter_preliminaries/probability.md")


def main() -> int:
    books = SHARED / "d2l"
    if not books.is_dir():
        print(f"{books} is absent: nothing to measure", file=sys.stderr)
        return 2
    import amts

    print(f"amts from {Path(amts.__file__).parent}")
    root = Path(tempfile.mkdtemp(prefix="one-block-"))
    en = copy_book(root / "en", books / "en", "English Author")
    zh = copy_book(root / "zh", books / "zh", "Chinese Translator")
    base = en.rev("HEAD")
    for path in FILES:
        origin_path = path.replace(".md", "_origin.md")
        origin = zh.show("HEAD", origin_path).decode()
        edit = pick_edit("modify", en.show(base, path).decode(), origin)
        en.git("checkout", "-q", "-B", "push-" + path.replace("/", "-"), base)
        en.edit(path, edit.old, edit.new)
        to = en.commit("One block")
        updater = Updater("en", "zh", create_engine("memory"))
        with GitRepo(en.path, "source") as source, GitRepo(zh.path, "target") as target:
            result = Synchronizer(source, target, updater).run(base, to, f"sync-{to[:8]}")
        before = zh.show("HEAD", path).decode()
        lost, added = changed_blocks(before, zh.show(result.branch, path).decode())
        origin_lost, origin_added = changed_blocks(
            origin, zh.show(result.branch, origin_path).decode()
        )
        print(
            f"{path}: 1 English block edited; translation: {len(lost)} blocks changed or "
            f"removed, {len(added)} written; origin: {len(origin_lost)} changed or removed, "
            f"{len(origin_added)} written"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
