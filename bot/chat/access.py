"""Who may use the bot, who is admin or member, per platform, from settings.

Ids are strings on every platform: Telegram user/chat ids (stringified ints),
Teams AAD object ids and conversation ids, Matrix user ids (``@anna:example.org``)
and room ids. The rules are the same everywhere (see ``bot.audience``): admins
are members too; a group is a member audience only when it is a declared member
chat and the asker is a member.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.audience import Audience, Role
from bot.settings import Settings


@dataclass(frozen=True)
class PlatformAccess:
    admin_ids: frozenset[str] = frozenset()
    member_ids: frozenset[str] = frozenset()
    member_chat_ids: frozenset[str] = frozenset()
    allowed_user_ids: frozenset[str] = frozenset()
    allowed_chat_ids: frozenset[str] = frozenset()

    def role(self, user_id: str | None) -> Role:
        if user_id is None:
            return Role.PUBLIC
        if user_id in self.admin_ids:
            return Role.ADMIN
        if user_id in self.member_ids:
            return Role.MEMBER
        return Role.PUBLIC

    def is_admin(self, user_id: str | None) -> bool:
        return self.role(user_id) is Role.ADMIN

    def audience(self, user_id: str | None, chat_id: str | None, *, private: bool) -> Audience:
        if self.role(user_id) is Role.PUBLIC:
            return Audience.PUBLIC
        if private or (chat_id is not None and chat_id in self.member_chat_ids):
            return Audience.MEMBER
        return Audience.PUBLIC

    def allowed(self, user_id: str | None, chat_id: str | None) -> bool:
        """Open when no allow-list is set; admins are always allowed."""
        if user_id is not None and user_id in self.admin_ids:
            return True
        if not self.allowed_user_ids and not self.allowed_chat_ids:
            return True
        return (user_id is not None and user_id in self.allowed_user_ids) or (
            chat_id is not None and chat_id in self.allowed_chat_ids
        )


def _strs(ids: frozenset[int] | frozenset[str]) -> frozenset[str]:
    return frozenset(str(i) for i in ids)


def access_for(settings: Settings, platform: str) -> PlatformAccess:
    """The access lists of ``platform`` ("telegram", "teams" or "matrix")."""
    if platform == "telegram":
        return PlatformAccess(
            admin_ids=_strs(settings.admin_ids),
            member_ids=_strs(settings.member_ids),
            member_chat_ids=_strs(settings.member_chat_ids),
            allowed_user_ids=_strs(settings.allowed_user_ids),
            allowed_chat_ids=_strs(settings.allowed_chat_ids),
        )
    if platform == "teams":
        return PlatformAccess(
            admin_ids=settings.teams_admin_ids,
            member_ids=settings.teams_member_ids,
            member_chat_ids=settings.teams_member_chat_ids,
        )
    if platform == "matrix":
        return PlatformAccess(
            admin_ids=settings.matrix_admin_ids,
            member_ids=settings.matrix_member_ids,
            member_chat_ids=settings.matrix_member_room_ids,
            allowed_user_ids=settings.matrix_allowed_user_ids,
            allowed_chat_ids=settings.matrix_allowed_room_ids,
        )
    raise ValueError(f"unknown platform {platform!r}")
