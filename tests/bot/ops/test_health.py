"""``/healthz`` and ``/metrics`` of ``ratsbot serve``: real HTTP on 127.0.0.1."""

from __future__ import annotations

import socket

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import delete, select

from bot.ops import operations
from bot.service import Ratsbot
from index.errors import ConfigError
from index.store import Chunk

ANSWERED = "Wie viele Planstellen sollen für die Digitalisierung eingereicht werden?"
OFF_TOPIC = "Wer gewann die Fußball-Weltmeisterschaft 1954 in Bern?"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _samples(text: str) -> dict[str, float]:
    out = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if not sample.labels:
                out[sample.name] = sample.value
    return out


def test_metrics_count_questions_abstentions_and_store_facts(bot: Ratsbot) -> None:
    port = _free_port()
    settings = bot.settings.with_overrides(metrics_port=port)
    with operations(settings, bot) as service:
        assert not service.ask(ANSWERED).abstained
        assert service.ask(OFF_TOPIC).abstained
        reply = httpx.get(f"http://127.0.0.1:{port}/metrics")
    assert reply.status_code == 200 and reply.headers["content-type"].startswith("text/plain")
    found = _samples(reply.text)
    assert found["ratsbot_questions_total"] == 2
    assert found["ratsbot_abstentions_total"] == 1
    assert found["ratsbot_answer_seconds_count"] == 2
    assert found["ratsbot_ingest_runs_total"] == 1
    assert found["ratsbot_ingest_failed_files_total"] == 0
    assert found["ratsbot_passages"] == bot.store.stats().chunks > 0
    assert found["ratsbot_index_generation"] == bot.store.generation() >= 1
    assert found["ratsbot_loaded_index_generation"] == bot.store.generation()
    assert found["ratsbot_last_ingest_timestamp_seconds"] > 1.7e9
    for word in ("Planstellen", "Weltmeisterschaft", "1954"):  # no message text
        assert word not in reply.text
    labels = {
        name
        for family in text_string_to_metric_families(reply.text)
        for sample in family.samples
        for name in sample.labels
    }
    assert labels <= {"le"}  # no label could carry a user, chat or room id


def test_healthz_says_whether_index_and_store_agree(bot: Ratsbot) -> None:
    port = _free_port()
    with operations(bot.settings.with_overrides(metrics_port=port), bot):
        ok = httpx.get(f"http://127.0.0.1:{port}/healthz")
        assert ok.status_code == 200, ok.text
        body = ok.json()
        assert body["status"] == "ok" and body["generation"] == bot.store.generation()
        assert body["passages"] == bot.store.stats().chunks and body["last_ingest"]
        assert body["schema"] and body["ingest_runs"] == 1
        with bot.store.session() as s:  # a chunk vanishes behind the index's back
            s.execute(delete(Chunk).where(Chunk.id == s.scalar(select(Chunk.id).limit(1))))
        bad = httpx.get(f"http://127.0.0.1:{port}/healthz")
        assert bad.status_code == 503
        assert "chunks" in bad.json()["why"]
        assert httpx.get(f"http://127.0.0.1:{port}/other").status_code == 404


def test_a_port_in_use_is_named(bot: Ratsbot) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with (
            pytest.raises(ConfigError, match=f"127.0.0.1:{port}.*RATSBOT_METRICS_PORT"),
            operations(bot.settings.with_overrides(metrics_port=port), bot),
        ):
            pass


def test_port_zero_serves_no_endpoint_but_still_counts(bot: Ratsbot) -> None:
    with operations(bot.settings.with_overrides(metrics_port=0), bot) as service:
        service.ask(ANSWERED)
        assert service.metrics.questions._value.get() == 1


def test_ratsbot_serve_offers_both_endpoints_while_the_front_ends_run(
    bot: Ratsbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CLI wires it: the front ends get the metered service, the port answers meanwhile."""
    from click.testing import CliRunner

    import bot.serve as frontends
    from bot.cli import cli

    port = _free_port()
    seen: dict[str, object] = {}

    def front_ends(settings: object, service: object, names: list[str]) -> None:
        seen["names"] = names
        seen["metered"] = type(service).__name__
        service.ask(ANSWERED)  # type: ignore[attr-defined]
        seen["health"] = httpx.get(f"http://127.0.0.1:{port}/healthz").status_code
        seen["metrics"] = _samples(httpx.get(f"http://127.0.0.1:{port}/metrics").text)

    monkeypatch.setattr(frontends, "serve", front_ends)
    env = {
        "RATSBOT_DATA_DIR": str(bot.settings.data_dir),
        "RATSBOT_EMBEDDER": "fake",
        "RATSBOT_CORPUS_DIRS": str(bot.settings.corpus_dirs[0]),
        "RATSBOT_METRICS_PORT": str(port),
        "TELEGRAM_BOT_TOKEN": "123:abc",
    }
    result = CliRunner().invoke(cli, ["serve", "--telegram"], env=env)
    assert result.exit_code == 0, result.output
    assert seen["names"] == ["telegram"] and seen["metered"] == "MeteredService"
    assert seen["health"] == 200
    assert seen["metrics"]["ratsbot_questions_total"] == 1  # type: ignore[index]
    with socket.socket() as s:  # closed again when serving ends
        assert s.connect_ex(("127.0.0.1", port)) != 0
