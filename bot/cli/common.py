"""What every ``ratsbot`` command shares: errors as one line, the service, JSON out.

Errors become one-line messages here (:class:`CliError`), never tracebacks, in
the output language (``bot/cli/texts.py``). A reader that closes the pipe
(``ratsbot docs | head``) ends the command quietly with exit code 141, as a
shell reports a process ended by SIGPIPE.

Exit codes: 0 done; 1 an error, a file that failed to ingest, ``check`` found
an error, ``status`` found no paper; 2 a usage error; 141 the reader closed
the pipe.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sys
from collections.abc import Callable
from functools import wraps
from typing import IO, TYPE_CHECKING, Any

import click

from bot.cli.texts import lang_of, t, translate
from index.errors import RatsbotError

if TYPE_CHECKING:
    from bot.service import Ratsbot

PIPE_CLOSED = 141  # 128 + SIGPIPE: what a shell reports for `yes | head`


class CliError(click.ClickException):
    """A one-line error, prefixed "Fehler:" or "Error:" in the output language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.prefix = t("error")  # now: the command's language is known while it runs

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"{self.prefix}: {self.format_message()}", err=True, file=file)


class CliUsageError(CliError):
    """A bad option value: one line in the output language, exit code 2."""

    exit_code = 2


def fail_cleanly(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn every error of a command into one line (the traceback only with RATSBOT_DEBUG)."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except BrokenPipeError:
            quiet_closed_pipe()
        except RatsbotError as e:
            raise CliError(translate(str(e))) from e
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as e:  # the edge: one line for the user, the traceback on request
            if os.environ.get("RATSBOT_DEBUG"):
                raise
            raise CliError(t("internal", what=f"{e.__class__.__name__}: {e}")) from e

    return wrapper


def quiet_closed_pipe() -> None:
    """The reader went away: write nothing more (not even at exit) and end with 141."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # io.UnsupportedOperation is both
        pass  # not a real file (click's test runner): nothing is flushed at exit anyway
    raise click.exceptions.Exit(PIPE_CLOSED)


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
    click.echo(t("waiting"), err=True)


_GERMAN_DATE_RE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


def parse_date(value: str | None, option: str = "--from") -> dt.date | None:
    """``--from``/``--to``: ``DD.MM.YYYY`` (``1.2.2020`` too) or ``YYYY-MM-DD``."""
    if not value:
        return None
    value = value.strip()
    try:
        if m := _GERMAN_DATE_RE.match(value):
            return dt.date(int(m[3]), int(m[2]), int(m[1]))
        return dt.date.fromisoformat(value)
    except ValueError as e:
        raise CliUsageError(f"{option}: {t('bad_date', value=value)}") from e


__all__ = [
    "PIPE_CLOSED",
    "CliError",
    "CliUsageError",
    "echo_json",
    "fail_cleanly",
    "lang_of",
    "parse_date",
    "say_waiting",
    "service_of",
]
