"""A Teams message activity as the conversation's ``Incoming``.

Teams sends everything as message activities: typed text, a pressed card
button (``value`` holds the ``Action.Submit`` data, ``replyToId`` the card's
message) and files in personal chats (an attachment with a download URL). In
group chats and channels the bot only answers when @mentioned; the ``<at>…</at>``
text of the mention is cut out of the question.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from microsoft_teams.api.activities.message import MessageActivity

from bot.chat import Incoming, Upload
from bot.teams.render import PAYLOAD_KEY

FILE_INFO = "application/vnd.microsoft.teams.file.download.info"
DOWNLOAD_TIMEOUT = 60.0


def is_personal(activity: MessageActivity) -> bool:
    return (activity.conversation.conversation_type or "personal") == "personal"


def _payload(value: Any) -> str | None:
    if isinstance(value, dict) and isinstance(value.get(PAYLOAD_KEY), str):
        return value[PAYLOAD_KEY]
    return None


def _upload(activity: MessageActivity, caption: str | None) -> Upload | None:
    """The first file of the message, fetched only when the conversation asks for it."""
    for att in activity.attachments or []:
        url, name = None, att.name
        if att.content_type == FILE_INFO and isinstance(att.content, dict):
            url = att.content.get("downloadUrl")
        elif att.content_url and att.content_type not in ("text/html",) and name:
            url = att.content_url
        if url and name:
            return Upload(name=name, size=None, caption=caption, fetch=_fetcher(url))
    return None


def _fetcher(url: str):  # type: ignore[no-untyped-def]
    async def fetch(target: Path) -> None:
        async with (
            httpx.AsyncClient(timeout=DOWNLOAD_TIMEOUT, follow_redirects=True) as client,
            client.stream("GET", url) as response,
        ):
            response.raise_for_status()
            with target.open("wb") as out:
                async for chunk in response.aiter_bytes():
                    out.write(chunk)

    return fetch


def incoming_from(activity: MessageActivity) -> Incoming | None:
    """The event for the conversation, or None when the message is not meant for the bot."""
    personal = is_personal(activity)
    sender = activity.from_
    user_id = (sender.aad_object_id or sender.id) if sender else ""
    common: dict[str, Any] = {
        "platform": "teams",
        "chat_id": activity.conversation.id,
        "user_id": user_id,
        "private": personal,
        "language_code": activity.locale,
    }
    action = _payload(activity.value)
    if action is not None:
        return Incoming(**common, action=action, message_id=activity.reply_to_id)
    if not personal and not activity.is_recipient_mentioned():
        return None
    text = (activity.strip_mentions_text().text or "") if activity.text else ""
    text = " ".join(text.split())
    upload = _upload(activity, text or None) if personal else None
    if upload is not None:
        return Incoming(**common, upload=upload)
    if not text:
        return None
    return Incoming(**common, text=text, message_id=activity.id)
