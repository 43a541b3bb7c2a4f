"""``ratsbot backup PATH`` and ``ratsbot restore PATH``.

A backup is a folder: the database (SQLite's online backup, or ``pg_dump``),
the uploaded files, and ``manifest.json`` (schema revision, generation,
counts, a SHA-256 per file). The index files are not copied: they are derived
from the store's vector cache and rebuilt after a restore without embedding
anything. A backup runs while the bot serves; a restore takes the ingest lock
and should run while the service is stopped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from collections.abc import Callable
from dataclasses import asdict, dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from bot.settings import Settings
from index.errors import ConfigError
from index.ingest import data_dir_lock, upgrade_store
from index.retrieval import drop_index_files
from index.store import (
    DatabaseFacts,
    backup_database,
    database_facts,
    head_revision,
    restore_database,
)

MANIFEST = "manifest.json"
FORMAT = 1


def uploads_dir(settings: Settings) -> Path:
    """Where uploads are kept: the upload folder (``<data dir>/uploads`` unless configured)."""
    return settings.upload_folder


@dataclass(frozen=True)
class BackupReport:
    path: Path
    database: DatabaseFacts
    uploads: int
    bytes: int


@dataclass(frozen=True)
class RestoreReport:
    path: Path
    database: DatabaseFacts
    uploads: int
    upgraded_from: str | None


def _ratsbot_version() -> str:
    try:
        return version("ratsbot")
    except PackageNotFoundError:
        return "unknown"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def backup(settings: Settings, dest: Path) -> BackupReport:
    """Copy the database and the uploads into the new folder ``dest``."""
    if dest.exists() and any(dest.iterdir()):
        raise ConfigError(f"{dest} exists and is not empty: name a new folder for the backup")
    dest.mkdir(parents=True, exist_ok=True)
    facts = database_facts(settings.db_url)
    copy = backup_database(settings.db_url, dest)
    files = [copy]
    source = uploads_dir(settings)
    if source.is_dir():
        shutil.copytree(source, dest / "uploads", symlinks=False)
        files += [p for p in sorted((dest / "uploads").rglob("*")) if p.is_file()]
    manifest = {
        "format": FORMAT,
        "ratsbot": _ratsbot_version(),
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "database": asdict(facts),
        "database_file": copy.name,
        "files": {str(p.relative_to(dest)): _sha256(p) for p in files},
    }
    (dest / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    size = sum(p.stat().st_size for p in files)
    return BackupReport(dest, facts, len(files) - 1, size)


def _read_manifest(src: Path) -> dict:
    path = src / MANIFEST
    if not path.is_file():
        raise ConfigError(f"{src} is not a Ratsbot backup (no {MANIFEST})")
    manifest: dict = json.loads(path.read_text())
    if manifest.get("format") != FORMAT:
        raise ConfigError(f"{path}: unknown backup format {manifest.get('format')!r}")
    for name, digest in manifest["files"].items():
        file = src / name
        if not file.is_file() or _sha256(file) != digest:
            raise ConfigError(f"{file} is missing or damaged (SHA-256 differs from {MANIFEST})")
    return manifest


def restore(
    settings: Settings, src: Path, *, on_wait: Callable[[], None] | None = None
) -> RestoreReport:
    """Replace the database and the uploads by the backup in ``src``; then upgrade if older.

    The index files are dropped and rebuilt from the restored vector cache when
    the service next opens. Run it with the service stopped.
    """
    manifest = _read_manifest(src)
    facts = DatabaseFacts(**manifest["database"])
    with data_dir_lock(settings.data_dir, on_wait=on_wait):
        restore_database(settings.db_url, src / manifest["database_file"])
        target = uploads_dir(settings)
        if target.exists():
            shutil.rmtree(target)
        if (src / "uploads").is_dir():
            shutil.copytree(src / "uploads", target)
        drop_index_files(settings.data_dir / "index")
    upgraded = None
    if facts.schema != head_revision():
        done = upgrade_store(settings.db_url, settings.data_dir, on_wait=on_wait, announce=False)
        upgraded = done.before if done.changed else None
    uploads = sum(1 for name in manifest["files"] if name.startswith("uploads/"))
    return RestoreReport(src, facts, uploads, upgraded)
