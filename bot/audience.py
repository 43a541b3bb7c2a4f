"""Who may see what: roles of users and the audience of a chat.

Council documents are either public (öffentlich) or not (nicht öffentlich). A
non-public passage may only reach council members, so every service call that
reads documents takes an ``Audience`` and retrieval filters on it *inside* the
search (``Filters.public_only``), never only at display. The default is the
public audience everywhere: forgetting to pass one fails closed.

Roles come from settings: admins (``RATSBOT_ADMIN_IDS``) are members too;
members are ``RATSBOT_MEMBER_IDS``. A group chat sees only what every
participant may see: it is a member audience only when the operator has
declared it a member chat (``RATSBOT_MEMBER_CHAT_IDS``) *and* the person asking
is a member, so a stranger added to a member group still gets public answers.
"""

from __future__ import annotations

from enum import StrEnum

from bot.settings import Settings


class Role(StrEnum):
    """What a user is allowed to do and see."""

    PUBLIC = "public"
    MEMBER = "member"
    ADMIN = "admin"


class Audience(StrEnum):
    """Who will read an answer: decides whether non-public documents may be used."""

    PUBLIC = "public"
    MEMBER = "member"

    @property
    def public_only(self) -> bool:
        return self is Audience.PUBLIC


def role_of(settings: Settings, user_id: int | None) -> Role:
    """The role of a Telegram user id (None: an anonymous sender, public)."""
    if user_id is None:
        return Role.PUBLIC
    if user_id in settings.admin_ids:
        return Role.ADMIN
    if user_id in settings.member_ids:
        return Role.MEMBER
    return Role.PUBLIC


def audience_for(
    settings: Settings, user_id: int | None, chat_id: int | None, *, private: bool
) -> Audience:
    """The audience of an answer to ``user_id`` in chat ``chat_id``.

    Private chat: the user's role. Group: member only if the chat is a declared
    member chat and the asker is a member; otherwise public.
    """
    member = role_of(settings, user_id) is not Role.PUBLIC
    if not member:
        return Audience.PUBLIC
    if private:
        return Audience.MEMBER
    if chat_id is not None and chat_id in settings.member_chat_ids:
        return Audience.MEMBER
    return Audience.PUBLIC
