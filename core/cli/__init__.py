"""The ``calvados`` command line. Each command group lives in its own module."""

from __future__ import annotations

import logging
import sys
from typing import Any

import click

from ..errors import CalvadosError, one_line


class CalvadosGroup(click.Group):
    """Turns errors into one line on stderr (a traceback only with ``--debug``)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)
        except Exception as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            prefix = "" if isinstance(exc, CalvadosError) else f"{type(exc).__name__}: "
            click.echo(f"error: {prefix}{one_line(exc)}", err=True)
            sys.exit(1)


@click.group(cls=CalvadosGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show full tracebacks and debug logs.")
@click.version_option(package_name="calvados")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Calvados: an on-device assistant. A distilled local model plans, skills act,
    and nothing leaves the device unless your privacy policy allows it."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug
    logging.basicConfig(level=logging.DEBUG if debug else logging.ERROR)


def main() -> None:
    from . import (  # noqa: F401  (registers commands)
        chat,
        distill,
        evals,
        ledger,
        models,
        policy,
        serve,
        sessions,
        skills,
    )

    cli(prog_name="calvados")


__all__ = ["cli", "main"]
