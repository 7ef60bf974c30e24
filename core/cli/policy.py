"""``calvados policy show|set``: what may go to the cloud, per data class; the consent prompt."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

import click

from ..events import ConsentNeeded
from ..policy import ACTIONS, DEFAULTS, Policy, set_rule
from . import cli
from .common import print_json


def consent_on_tty() -> Callable[[ConsentNeeded], bool]:
    """A consent callback: shows exactly what would be sent and asks on a terminal.

    With no terminal to ask, the answer is no (the agent then says how to allow it).
    """

    def consent(request: ConsentNeeded) -> bool:
        if not sys.stdin.isatty():
            return False
        classes = ", ".join(request.data_classes)
        click.echo(f"\nThis would be sent to {request.model} (data: {classes}):", err=True)
        click.echo("----- exactly what would leave this device -----", err=True)
        click.echo(request.text, err=True)
        click.echo("-----", err=True)
        return click.confirm("Send it?", default=False, err=True)

    return consent


@cli.group()
def policy() -> None:
    """Show or change what may go to the cloud model, per data class."""


@policy.command("show")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def policy_show(as_json: bool) -> None:
    """Each data class with its rule (deny / ask / allow) and where the rule comes from."""
    from ..config import GEMINI_BASE_URL_ENV, load_settings

    current = Policy.load()
    settings = load_settings()
    rows = [{"data_class": c, "rule": current.rule(c), "source": current.sources.get(c, "")}
            for c in DEFAULTS]
    cloud = {"model": settings.gemini_model,
             "api_key": "set" if settings.gemini_api_key else "missing",
             "endpoint": os.environ.get(GEMINI_BASE_URL_ENV) or "Google (default)",
             "timeout_s": settings.gemini_timeout, "retries": settings.gemini_retries}
    if as_json:
        print_json({"policy": rows, "cloud": cloud})
        return
    for row in rows:
        note = {"default": "(default)", "fixed": "(fixed: never leaves the device)"}.get(
            row["source"], f"({row['source']})")
        click.echo(f"{row['data_class']:10} {row['rule']:6} {note}")
    click.echo(f"\ncloud: {cloud['model']}, API key {cloud['api_key']}, "
               f"endpoint {cloud['endpoint']}")


@policy.command("set")
@click.argument("data_class", type=click.Choice(list(DEFAULTS)))
@click.argument("value", type=click.Choice(list(ACTIONS)))
def policy_set(data_class: str, value: str) -> None:
    """Set the rule for one data class, e.g. ``calvados policy set chat allow``."""
    from ..paths import config_path

    updated = set_rule(data_class, value)
    click.echo(f"{data_class} = {updated.rule(data_class)}  ({config_path()})")
