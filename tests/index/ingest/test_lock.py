"""The ingest's locks: the lock file, the database's, and who may write index folders."""

from __future__ import annotations

import threading
from pathlib import Path

from index.ingest import data_dir_lock, index_writer, ingest_lock
from index.store import Store


def _other_thread(data_dir: Path) -> bool:
    seen: list[bool] = []

    def look() -> None:
        with index_writer(data_dir) as allowed:
            seen.append(allowed)

    t = threading.Thread(target=look)
    t.start()
    t.join(10)
    return seen[0]


def test_a_question_writes_index_folders_only_when_no_ingest_holds_the_lock(tmp_path: Path) -> None:
    with index_writer(tmp_path) as allowed:
        assert allowed  # nobody else: it may
        assert not _other_thread(tmp_path)  # and meanwhile no other thread may
    with data_dir_lock(tmp_path):
        with index_writer(tmp_path) as allowed:
            assert allowed  # the ingest's own thread publishes its generation
        assert not _other_thread(tmp_path)  # a question racing the ingest keeps it in memory
    assert _other_thread(tmp_path)


def test_another_process_holding_the_lock_file_keeps_questions_from_writing(tmp_path: Path) -> None:
    import subprocess
    import sys

    script = (
        "import sys, time; from pathlib import Path; from index.ingest import data_dir_lock\n"
        "with data_dir_lock(Path(sys.argv[1])):\n    print('held', flush=True); time.sleep(60)\n"
    )
    holder = subprocess.Popen([sys.executable, "-c", script, str(tmp_path)],
                              stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with index_writer(tmp_path) as allowed:
            assert not allowed
    finally:
        holder.kill()
        holder.wait(10)


def test_the_ingest_lock_may_be_entered_again_by_its_thread(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 's.sqlite3'}")
    waits: list[int] = []
    try:
        with (
            ingest_lock(store, tmp_path, on_wait=lambda: waits.append(1)),
            ingest_lock(store, tmp_path),  # a full re-index runs an ingest inside
        ):
            pass
    finally:
        store.close()
    assert waits == []
