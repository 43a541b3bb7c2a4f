"""What every ``ratsbot`` command shares: errors as one line, the service, JSON out.

Errors become one-line messages here (``click.ClickException``), never tracebacks.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

import click

from index.errors import RatsbotError

if TYPE_CHECKING:
    from bot.service import Ratsbot


def fail_cleanly(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn every error of a command into one line (the traceback only with RATSBOT_DEBUG)."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except RatsbotError as e:
            raise click.ClickException(str(e)) from e
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as e:  # the edge: one line for the user, the traceback on request
            if os.environ.get("RATSBOT_DEBUG"):
                raise
            raise click.ClickException(
                f"internal error ({e.__class__.__name__}: {e}); set RATSBOT_DEBUG=1 for details"
            ) from e

    return wrapper


def service_of(ctx: click.Context) -> Ratsbot:
    """The command's service, opened once per invocation and closed with it."""
    from bot.service import open_service

    obj = ctx.ensure_object(dict)
    if "bot" not in obj:
        obj["bot"] = open_service(obj["settings"])
        ctx.call_on_close(obj["bot"].close)
    bot: Ratsbot = obj["bot"]
    return bot


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def say_waiting() -> None:
    click.echo("Ein anderer Ingest läuft gerade (another ingest is running), warte …", err=True)


def parse_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as e:
        raise click.BadParameter(f"'{value}' is not a date (YYYY-MM-DD)") from e
