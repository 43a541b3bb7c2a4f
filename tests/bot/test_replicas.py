"""Two and three bot replicas on one PostgreSQL (the pgvector server of the test session).

Each replica is a process with its own data directory (its own index files), as
on separate hosts; they share the database, the corpus folder and nothing else.
Required everywhere: no document lost, none twice, no error shown to a user.
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.support.paths import SEED
from tests.support.pgvector import drop_database, new_database
from tests.support.replicas import (
    ADMIN,
    Replica,
    ReplicaDied,
    code_word,
    user_errors,
    write_minutes,
)

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


class Cluster:
    """Replicas on one database; closed (or killed) after the test."""

    def __init__(self, db_url: str, root: Path) -> None:
        self.db_url = db_url
        self.root = root
        self.corpus = root / "corpus"
        self.corpus.mkdir()
        shutil.copy(SEED, self.corpus / SEED.name)
        self.incoming = root / "incoming"  # minutes an admin ingests (shared storage)
        self.replicas: list[Replica] = []

    def start(self, n: int) -> list[Replica]:
        """Start ``n`` replicas at once."""
        base = len(self.replicas)
        names = [f"r{base + i}" for i in range(n)]
        with ThreadPoolExecutor(n) as pool:
            started = list(
                pool.map(lambda nm: Replica(nm, self.db_url, self.root / nm, self.corpus), names)
            )
        self.replicas += started
        return started

    def rows(self, sql: str) -> list[Any]:
        eng = sa.create_engine(self.db_url)
        try:
            with eng.connect() as c:
                return list(c.execute(sa.text(sql)))
        finally:
            eng.dispose()

    def close(self) -> None:
        for r in self.replicas:
            r.close()


@pytest.fixture
def cluster(pgvector_server: str, tmp_path: Path) -> Iterator[Cluster]:
    url = new_database(pgvector_server)
    c = Cluster(url, tmp_path)
    try:
        yield c
    finally:
        c.close()
        drop_database(pgvector_server, url)


def ask(replica: Replica, text: str, user: str) -> dict[str, Any]:
    return replica.call({"op": "ask", "user": user, "text": text})


def together(calls: list[tuple[Replica, dict[str, Any]]]) -> list[dict[str, Any]]:
    """Send every command first, then collect the results: they run at the same time."""
    for replica, command in calls:
        replica.send(command)
    return [replica.read() for replica, _command in calls]


def answered(result: dict[str, Any], word: str) -> bool:
    replies = result.get("replies", [])
    return any(r["kind"] == "answer" and word in r["text"] for r in replies)


def test_fresh_replicas_start_together_and_one_of_them_indexes(cluster: Cluster) -> None:
    replicas = cluster.start(3)
    results = together(
        [
            (r, {"op": "ask", "user": str(i), "text": "Wie ist der Stand der E-Akte?"})
            for i, r in enumerate(replicas)
        ]
    )
    assert user_errors(results) == []
    assert all(any(p["kind"] == "answer" for p in r["replies"]) for r in results), results
    runs = cluster.rows("SELECT added FROM ingest_runs WHERE added > 0")
    assert len(runs) == 1, runs  # one replica indexed the corpus, the others waited for it
    assert cluster.rows("SELECT count(*) FROM documents")[0][0] == runs[0][0]


def test_a_button_pressed_on_another_replica_works(cluster: Cluster) -> None:
    a, b = cluster.start(2)
    first = ask(a, "Wie viele Planstellen sollen für die Digitalisierung eingereicht werden?", "7")
    payloads = [p for r in first["replies"] for p in r["actions"]]
    assert payloads, first
    pressed = [b.call({"op": "press", "user": "7", "payload": p}) for p in payloads]
    assert user_errors([first, *pressed]) == []
    kinds = {r["kind"] for p in pressed for r in p["replies"]}
    assert "source" in kinds, pressed
    # /quellen on the second replica shows the last answer given by the first
    last = ask(b, "/quellen", "7")
    assert [r["kind"] for r in last["replies"]] == ["source"], last
    # a stranger's chat gets "expired", not someone else's answer
    foreign = b.call({"op": "press", "user": "8", "payload": payloads[0]})
    assert [r["kind"] for r in foreign["replies"]] == ["error"]


def test_an_upload_on_one_replica_is_sent_by_another(cluster: Cluster) -> None:
    """Uploads land in the shared upload folder: every replica finds the original file."""
    a, b = cluster.start(2)
    doc = write_minutes(cluster.root / "outside", 77)
    sent = a.call({"op": "upload", "user": ADMIN, "path": str(doc)})
    assert user_errors([sent]) == [], sent
    found = ask(b, f"Was kostet das {code_word(77)}?", ADMIN)
    assert answered(found, code_word(77)), found
    doc_buttons = [p for r in found["replies"] for p in r["actions"] if p.startswith("doc:")]
    pressed = b.call({"op": "press", "user": ADMIN, "payload": doc_buttons[0]})
    assert user_errors([pressed]) == []
    assert doc.name in [r["file"] for r in pressed["replies"]], pressed


def test_language_choice_and_flood_guard_hold_on_every_replica(cluster: Cluster) -> None:
    a, b = cluster.start(2)
    assert user_errors([ask(a, "/sprache en", "9")]) == []
    english = ask(b, "Wie ist der Stand der E-Akte?", "9")
    german = ask(b, "Wie ist der Stand der E-Akte?", "10")
    assert english["replies"][0]["text"] != german["replies"][0]["text"]
    assert user_errors([english, german]) == []
    # 5 questions in 10 s are allowed per user: spread over both replicas, the 6th is held back
    for i in range(4):  # user 11 asks 4 more after none: 4 on alternating replicas
        assert user_errors([ask((a, b)[i % 2], "Was kostet die E-Akte?", "11")]) == []
    ask(a, "Was kostet die E-Akte?", "11")
    held = ask(b, "Was kostet die E-Akte?", "11")
    assert [r["kind"] for r in held["replies"]] == ["text"], held
    assert "Geduld" in held["replies"][0]["text"]


def test_three_replicas_ingest_at_once_and_lose_nothing(cluster: Cluster) -> None:
    files = [write_minutes(cluster.incoming, n) for n in range(24)]
    r0, r1, r2 = cluster.start(3)
    assert user_errors([ask(r, "Was ist die E-Akte?", "1") for r in (r0, r1, r2)]) == []
    seed_docs = cluster.rows("SELECT count(*) FROM documents")[0][0]
    questions = [
        (r2, {"op": "ask", "user": f"q{i}", "text": "Wie viele Planstellen sind geplant?"})
        for i in range(4)
    ]
    results = together(
        [
            (r0, {"op": "ingest", "paths": [str(f) for f in files[:16]]}),
            (r1, {"op": "ingest", "paths": [str(f) for f in files[8:]]}),
            *questions,
        ]
    )
    assert user_errors(results) == []
    added = results[0]["added"] + results[1]["added"]
    assert sorted(added) == sorted(f"{f.name}#0" for f in files)  # each file added once
    again = r2.call({"op": "ingest", "paths": [str(f) for f in files]})
    assert again["added"] == [] and again["changed"] == [] and again["failed"] == []
    _assert_store_whole(cluster, seed_docs + len(files))
    states = [r.call({"op": "state"}) for r in (r0, r1, r2)]
    assert len({s["generation"] for s in states}) == 1, states
    assert all(s["index_generation"] == s["generation"] for s in states), states
    picks = random.Random(25).sample(range(len(files)), 6)
    asked = [ask((r0, r1, r2)[i % 3], f"Was kostet das {code_word(n)}?", f"p{i}")
             for i, n in enumerate(picks)]  # fmt: skip
    assert user_errors(asked) == []
    assert all(answered(a, code_word(n)) for a, n in zip(asked, picks, strict=True)), asked


@pytest.mark.parametrize("phase", ["writing", "committed"])
def test_a_replica_killed_mid_ingest_loses_nothing(cluster: Cluster, phase: str) -> None:
    files = [write_minutes(cluster.incoming, n) for n in range(8)]
    r0, r1 = cluster.start(2)
    assert user_errors([ask(r, "Was ist die E-Akte?", "1") for r in (r0, r1)]) == []
    seed_docs = cluster.rows("SELECT count(*) FROM documents")[0][0]
    r0.send({"op": "ingest", "paths": [str(f) for f in files], "die_at": phase})
    with pytest.raises(ReplicaDied):
        r0.read()
    assert r0.ended() != 0
    # the killed replica held the ingest lock: the other one gets it and completes the work
    done = r1.call({"op": "ingest", "paths": [str(f) for f in files]})
    assert "error" not in done and done["failed"] == []
    if phase == "writing":  # rolled back: everything is new to the second run
        assert len(done["added"]) == len(files)
    _assert_store_whole(cluster, seed_docs + len(files))
    (r0b,) = cluster.start(1)  # a new replica in the killed one's place
    asked = [ask(r, f"Was kostet das {code_word(3)}?", f"k{r.name}") for r in (r1, r0b)]
    assert user_errors(asked) == []
    assert all(answered(a, code_word(3)) for a in asked), asked


def _assert_store_whole(cluster: Cluster, documents: int) -> None:
    """Every document once, each with its chunks, nothing left pending."""
    assert cluster.rows("SELECT count(*) FROM documents")[0][0] == documents
    dup = "SELECT source_path FROM documents GROUP BY source_path, part HAVING count(*) > 1"
    assert cluster.rows(dup) == []
    bare = (
        "SELECT id FROM documents d "
        "WHERE NOT EXISTS (SELECT 1 FROM chunks c WHERE c.document_id = d.id)"
    )
    assert cluster.rows(bare) == []
    assert cluster.rows("SELECT * FROM pending_vectors") == []
    assert cluster.rows("SELECT count(*) FROM ingest_runs WHERE failed > 0")[0][0] == 0
