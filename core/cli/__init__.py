"""The ``calvados`` command line. Each command group lives in its own module."""

from __future__ import annotations

import logging
import os
import sys
from typing import Any

import click

from ..errors import CalvadosError, one_line

GROUP_OPTIONS = {"--debug", "--version", "-h", "--help"}


def _quiet_broken_pipe() -> None:
    """The reader went away (``calvados ... | head``): stop quietly, as Unix tools do."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    sys.exit(141)


class HelpGroup(click.Group):
    """Lists each command with its whole first sentence (click cuts it at the terminal's
    width, often mid-sentence)."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=10_000)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


HelpGroup.group_class = HelpGroup


class CalvadosGroup(HelpGroup):
    """Turns errors into one line on stderr (a traceback only with ``--debug``); a first
    argument that is no command is a question: ``calvados "why is the sky blue?"``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        i = 0
        while i < len(args) and args[i] == "--debug":
            i += 1
        rest = args[i:]
        piped = not rest and sys.stdin is not None and not sys.stdin.isatty()
        # a lone word, a sentence, or one followed by options; "sesions list" stays a typo
        question = bool(rest) and rest[0] not in self.commands and rest[0] not in GROUP_OPTIONS \
            and (len(rest) == 1 or " " in rest[0] or rest[0].startswith("-")
                 or rest[1].startswith("-"))
        if question or piped:
            args = [*args[:i], "ask", *rest]
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except BrokenPipeError:
            _quiet_broken_pipe()
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
    and nothing leaves the device unless your privacy policy allows it.

    Ask directly with `calvados "MESSAGE"` (the same as `calvados ask`), pipe text in,
    or continue the last conversation with `calvados -c "MESSAGE"`."""
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

    try:
        cli(prog_name="calvados")
    except BrokenPipeError:  # raised while click itself wrote (help, usage)
        _quiet_broken_pipe()


__all__ = ["cli", "main"]
