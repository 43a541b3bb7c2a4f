"""The vector cache's key of a text: one hash function for every writer and reader."""

from __future__ import annotations

import hashlib


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
