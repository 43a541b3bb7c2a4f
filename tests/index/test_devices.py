"""RATSBOT_DEVICE: auto takes CUDA where torch sees it, else the CPU; bad values are refused.

No CUDA device is on this machine: the resolution is tested with an injected
device count, and once with the installed torch's real count (0 here).
"""

from __future__ import annotations

import pytest

from index.devices import cuda_devices, resolve_device
from index.embed import SentenceTransformerEmbedder, get_embedder
from index.errors import ConfigError


@pytest.mark.parametrize(
    ("setting", "count", "device"),
    [
        ("auto", 0, "cpu"),
        ("auto", 2, "cuda"),
        (None, 1, "cuda"),
        ("", 0, "cpu"),
        ("cpu", 4, "cpu"),
        ("CUDA", 1, "cuda"),
        ("cuda:1", 2, "cuda:1"),
    ],
)
def test_resolution(setting: str | None, count: int, device: str) -> None:
    assert resolve_device(setting, cuda_count=lambda: count) == device


@pytest.mark.parametrize(("setting", "count"), [("cuda", 0), ("cuda:2", 2), ("gpu", 1), ("mps", 0)])
def test_a_device_that_is_not_there_is_refused_in_one_line(setting: str, count: int) -> None:
    with pytest.raises(ConfigError) as e:
        resolve_device(setting, cuda_count=lambda: count)
    assert "RATSBOT_DEVICE" in str(e.value) and "\n" not in str(e.value)


def test_auto_asks_the_installed_torch() -> None:
    """Here (no CUDA) auto is the CPU; on a host with a GPU it is that GPU."""
    assert resolve_device("auto") == ("cuda" if cuda_devices() else "cpu")


def test_the_setting_reaches_the_sentence_transformers_embedder() -> None:
    emb = get_embedder("sentence-transformers:some-model", "cuda:0")
    assert isinstance(emb, SentenceTransformerEmbedder) and emb.device == "cuda:0"
    assert get_embedder("sentence-transformers:some-model") is not emb  # cached per device
