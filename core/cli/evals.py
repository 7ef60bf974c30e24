"""``calvados eval planner|safety|answers FILE --json``: the evaluation contract."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click

from ..evaluation import eval_planner, eval_safety, read_cases, read_report
from . import cli
from .common import print_json


@cli.group("eval")
def eval_group() -> None:
    """Score the planner, the safety screen or the chat model's answers on a JSON-lines case
    file."""


def _summary(report: dict[str, object]) -> None:
    for key, value in report.items():
        if key != "failures":
            click.echo(f"{key}: {value}")
    failures = report.get("failures") or []
    for failure in failures:  # type: ignore[attr-defined]
        click.echo(f"  FAIL {failure['id']}: expected {failure['expected']} got {failure['got']}")


@eval_group.command("planner")
@click.argument("cases_file", type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--model", help="Planner model (default: the shipped student or the config).")
@click.option("--planner", "style", type=click.Choice(["student", "prompt"]),
              help="Planner kind (default: from config).")
def eval_planner_cmd(cases_file: str, as_json: bool, model: str | None, style: str | None) -> None:
    """Plan every case (with its own `now`) and report accuracy and latency."""
    from ..config import load_settings
    from ..registry import get_registry
    from ..student import build_planner

    cases = read_cases(cases_file)
    settings = load_settings(planner_model=model, planner=style)
    registry = get_registry()
    planner = build_planner(settings, registry)
    stderr = sys.stderr
    with click.progressbar(length=len(cases), label="planning", file=stderr) as bar:
        report = eval_planner(cases, planner, registry, progress=lambda i, n: bar.update(1))
    if as_json:
        print_json(report)
    else:
        _summary(report)


@eval_group.command("safety")
@click.argument("cases_file", type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def eval_safety_cmd(cases_file: str, as_json: bool) -> None:
    """Screen every case and report recall and false-positive rate."""
    report = eval_safety(read_cases(cases_file))
    if as_json:
        print_json(report)
    else:
        _summary(report)


@contextmanager
def _counting(label: str) -> Iterator[Callable[[int, int], None]]:
    """Progress on stderr driven by ``progress(i, n)`` calls (i of n done): a bar on a
    terminal, else a line at each tenth ("answering: 20/200"), for a log file."""
    if sys.stderr.isatty():
        with click.progressbar(length=0, label=label, file=sys.stderr) as bar:
            def step(done: int, total: int) -> None:
                bar.length = total
                bar.update(done - bar.pos)
            yield step
        return
    shown = -1

    def line(done: int, total: int) -> None:
        nonlocal shown
        tenth = done * 10 // max(total, 1)
        if tenth > shown:
            shown = tenth
            click.echo(f"{label}: {done}/{total}", err=True)
    yield line


@eval_group.command("answers")
@click.argument("cases_file", type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--model", help="The chat model that answers (default: the configured one).")
@click.option("--against", help="A second chat model answering the same cases.")
@click.option("--judge", help="A model that picks the better of the two answers (and checks "
                              "summaries against their source): a model name from "
                              "`calvados models list`.")
@click.option("--kind", "kinds", multiple=True,
              type=click.Choice(["qa", "doc_qa", "summary", "story", "support"]),
              help="Only cases of this kind (repeatable).")
@click.option("--limit", type=int, help="Only the first N cases (after --kind).")
@click.option("--plain-judge", is_flag=True,
              help="Do not show the judge the case's reference (accepted answer, key facts).")
@click.option("--rejudge", "rejudge_file", type=click.Path(),
              help="Judge again the answers of an earlier --against --json report (with "
                   "--judge; nothing is answered anew).")
def eval_answers_cmd(cases_file: str, as_json: bool, model: str | None, against: str | None,
                     judge: str | None, kinds: tuple[str, ...], limit: int | None,
                     plain_judge: bool, rejudge_file: str | None) -> None:
    """Answer every case with the chat model and report checks, speed and (with --judge and
    --against) the judge's win rate for --model's answers."""
    from calvados.student_models.answers import evaluate, rejudge

    from ..config import load_settings
    from ..models import load_backend

    cases = [c for c in read_cases(cases_file) if not kinds or c.get("kind") in kinds]
    cases = cases[:limit] if limit is not None else cases
    settings = load_settings()

    def backend(name: str) -> object:
        return load_backend(name, n_threads=settings.n_threads)

    if rejudge_file is not None:
        if not judge:
            raise click.UsageError("--rejudge needs --judge")
        if model or against:
            raise click.UsageError("--rejudge judges the models its report names: leave out "
                                   "--model and --against")
        earlier = read_report(rejudge_file)
        referee = backend(judge)
        with _counting("judging") as step:
            report = rejudge(earlier, cases, referee,  # type: ignore[arg-type]
                             progress=step, guided=not plain_judge)
    else:
        mine = backend(model or settings.default_model)
        other = backend(against) if against else None
        referee = backend(judge) if judge else None
        if referee is not None and other is None:
            raise click.UsageError("--judge compares two models: give --against too")
        with _counting("answering") as step:
            report = evaluate(cases, mine, other, referee,  # type: ignore[arg-type]
                              progress=step, guided=not plain_judge)
    if as_json:
        print_json(report)
        return
    for key, value in report.items():
        if key != "answers":
            click.echo(f"{key}: {value}")
