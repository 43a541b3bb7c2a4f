"""The Matrix front end: a transport between a homeserver (matrix-nio) and ``Conversation``.

No feature logic lives here. ``app`` runs the sync loop and turns events into
``Incoming``; ``outbox`` sends ``Reply`` objects as ``m.notice`` messages;
``render`` builds their sanitised HTML; ``actions`` maps buttons (which Matrix
does not have) to reactions and text replies; ``events`` decides whether a
group message addressed the bot. End-to-end encryption is not enabled (see the
README): the bot reads and writes unencrypted rooms only.
"""

from __future__ import annotations

from bot.matrix.app import run_matrix
from bot.matrix.login import check_settings

__all__ = [
    "check_settings",
    "run_matrix",
]
