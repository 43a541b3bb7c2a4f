"""Running Ratsbot as a service: health and metrics, backups, schema upgrades."""

from __future__ import annotations

from bot.ops.backups import BackupReport, RestoreReport, backup, restore
from bot.ops.http import OpsServer, health, operations
from bot.ops.metrics import MeteredService, Metrics, StoreCollector

__all__ = [
    "BackupReport",
    "MeteredService",
    "Metrics",
    "OpsServer",
    "RestoreReport",
    "StoreCollector",
    "backup",
    "health",
    "operations",
    "restore",
]
