"""The ``calvados`` command, run for real in subprocesses against a tmp user directory."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

CALVADOS = Path(sys.executable).with_name("calvados")
Proc = subprocess.CompletedProcess[str]

PLUGIN = '''
    from datetime import date, timedelta
    from typing import Annotated

    from pydantic import BeforeValidator

    from calvados import hookimpl, tool


    def _day(value, info):
        if value == "tomorrow":
            return info.context["now"].date() + timedelta(days=1)
        return value


    @tool(examples=[("say hi twice", {"text": "hi", "times": 2})])
    def echo_back(text: str, times: int = 1) -> dict:
        """Repeat some text.

        Args:
            text: What to repeat.
            times: How many times.
        """
        return {"text": " ".join([text] * times)}


    @tool
    def which_day(day: Annotated[date, BeforeValidator(_day)]) -> dict:
        """Say which day it is.

        Args:
            day: The day.
        """
        return {"text": day.isoformat()}


    @tool(needs_confirmation=True)
    def wipe_all() -> dict:
        """Wipe everything."""
        return {"text": "wiped"}


    @tool
    def crash() -> dict:
        """A tool with a bug."""
        return {"text": str(1 / 0)}


    @hookimpl
    def register_skills(register):
        for t in (echo_back, which_day, wipe_all, crash):
            register(t)
'''


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An installed distribution (module + dist-info with its entry point), as pip lays it out."""
    site = tmp_path_factory.mktemp("site")
    (site / "calvados_clitest.py").write_text(textwrap.dedent(PLUGIN))
    info = site / "calvados_clitest-0.1.0.dist-info"
    info.mkdir()
    metadata = "Metadata-Version: 2.1\nName: calvados-clitest\nVersion: 0.1.0\n"
    (info / "METADATA").write_text(metadata)
    (info / "entry_points.txt").write_text("[calvados]\nclitest = calvados_clitest\n")
    return site


@pytest.fixture
def cli(site: Path, home: Path):  # type: ignore[no-untyped-def]
    def run(*args: str, **env: str) -> Proc:
        full_env = {**os.environ, "PYTHONPATH": str(site), "CALVADOS_HOME": str(home), **env}
        return subprocess.run([str(CALVADOS), *args], capture_output=True, text=True,
                              env=full_env, stdin=subprocess.DEVNULL, timeout=600)

    return run


def one_line_error(proc: Proc) -> str:
    """The process failed with exactly one line on stderr and no traceback."""
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


def test_help_lists_every_command(cli) -> None:  # type: ignore[no-untyped-def]
    proc = cli("--help")
    assert proc.returncode == 0
    for command in ("ask", "chat", "doctor", "eval", "models", "run", "sessions", "skills"):
        assert f"  {command} " in proc.stdout
    assert cli("run", "--help").stdout.startswith("Usage: calvados run [OPTIONS] TOOL_NAME")


def test_skills_list_and_show(cli) -> None:  # type: ignore[no-untyped-def]
    listed = cli("skills", "list")
    assert listed.returncode == 0
    line = next(x for x in listed.stdout.splitlines() if x.startswith("wipe_all"))
    assert line.split()[1:] == ["calvados_clitest", "chat", "[confirm]"]
    shown = cli("skills", "show", "echo_back")
    assert shown.returncode == 0
    assert "echo_back(text: string, times: integer = 1): Repeat some text." in shown.stdout
    assert "  times: How many times." in shown.stdout
    assert "e.g. 'say hi twice' -> {'text': 'hi', 'times': 2}" in shown.stdout
    card = json.loads(cli("skills", "show", "echo_back", "--json").stdout)
    assert card["parameters"]["required"] == ["text"]
    assert "unknown tool 'nope'" in one_line_error(cli("skills", "show", "nope"))


def test_run_a_tool(cli) -> None:  # type: ignore[no-untyped-def]
    proc = cli("run", "echo_back", "text=hi there", "times=2")
    assert (proc.returncode, proc.stdout) == (0, "hi there hi there\n")
    data = json.loads(cli("run", "echo_back", "text=x", "--json").stdout)
    assert data["result"] == {"text": "x"} and data["error"] is None and data["session"]
    day = cli("run", "which_day", "day=tomorrow", "--now", "2026-11-27T10:00:00")
    assert day.stdout == "2026-11-28\n"


def test_run_errors_are_one_line(cli) -> None:  # type: ignore[no-untyped-def]
    assert "unknown tool 'teleport'" in one_line_error(cli("run", "teleport", "to=Mars"))
    bad = one_line_error(cli("run", "echo_back", "text=x", "times=lots"))
    assert bad.startswith("error: echo_back: times: Input should be a valid integer")
    assert "text: Field required" in one_line_error(cli("run", "echo_back"))
    assert "colour: Extra inputs" in one_line_error(cli("run", "echo_back", "text=x", "colour=red"))
    assert "expected key=value" in one_line_error(cli("run", "echo_back", "hello"))
    assert "--now: not an ISO date-time" in one_line_error(
        cli("run", "which_day", "day=tomorrow", "--now", "noon"))
    crash = one_line_error(cli("run", "crash"))
    assert "crash failed: ZeroDivisionError: division by zero" in crash


def test_debug_shows_the_traceback(cli) -> None:  # type: ignore[no-untyped-def]
    proc = cli("--debug", "run", "crash")
    assert proc.returncode == 1
    assert "Traceback" in proc.stderr and "1 / 0" in proc.stderr
    proc = cli("--debug", "sessions", "show", "nosuch")
    assert proc.returncode == 1
    assert "Traceback" in proc.stderr and "SessionNotFound" in proc.stderr
    assert one_line_error(cli("sessions", "show", "nosuch")) == (
        "error: no session 'nosuch' (see: calvados sessions list)")


def test_chat_falls_back_to_a_line_repl_without_a_terminal(site: Path, home: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(site), "CALVADOS_HOME": str(home)}
    proc = subprocess.run([str(CALVADOS), "chat"], input="\n/quit\n", capture_output=True,
                          text=True, env=env, timeout=300)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith("Calvados — session ") and proc.stdout.count("you> ") == 2


def test_confirmation_needs_a_yes_without_a_terminal(cli) -> None:  # type: ignore[no-untyped-def]
    refused = cli("run", "wipe_all")
    assert refused.returncode == 1 and refused.stdout == ""
    assert "refused: no terminal to ask (pass --yes to approve)" in refused.stderr
    approved = cli("run", "wipe_all", "--yes")
    assert (approved.returncode, approved.stdout) == (0, "wiped\n")


def test_sessions_list_and_show(cli) -> None:  # type: ignore[no-untyped-def]
    sid = json.loads(cli("run", "echo_back", "text=hello", "--json").stdout)["session"]
    cli("run", "crash", "--session", sid)
    rows = json.loads(cli("sessions", "list", "--json").stdout)
    assert [r["id"] for r in rows] == [sid]
    shown = json.loads(cli("sessions", "show", sid[:5], "--json").stdout)
    assert [(c["tool"], c["status"]) for c in shown["tool_calls"]] == [
        ("echo_back", "ok"), ("crash", "error")]
    assert cli("sessions", "list").stdout.startswith(sid)


def test_models_add_rejects_what_is_not_a_gguf(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    fake = tmp_path / "model.gguf"
    fake.write_bytes(b"PK\x03\x04 not a model")
    assert one_line_error(cli("models", "add", str(fake), "--name", "fake")) == (
        f"error: {fake} is not a GGUF file")
    assert "no such model file" in one_line_error(
        cli("models", "add", str(tmp_path / "missing.gguf"), "--name", "x"))
    assert "built-in model name" in one_line_error(
        cli("models", "add", str(smollm2_file()), "--name", "smollm2-135m"))
    assert "fake" not in cli("models", "list").stdout


def smollm2_file() -> Path:
    from calvados.models import model_file

    return Path(model_file("smollm2-135m"))


def test_a_model_that_changes_after_add_fails_its_checksum(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    copy = tmp_path / "mine.gguf"
    shutil.copyfile(smollm2_file(), copy)
    added = cli("models", "add", str(copy), "--name", "mine", "--default")
    assert added.returncode == 0, added.stderr
    assert added.stdout.startswith("added mine (") and "default model: mine" in added.stdout
    listed = json.loads(cli("models", "list", "--json").stdout)
    assert any(m["name"] == "mine" and m["path"] == str(copy) for m in listed)
    with copy.open("r+b") as fh:  # one flipped byte deep inside the weights
        fh.seek(copy.stat().st_size // 2)
        byte = fh.read(1)
        fh.seek(-1, os.SEEK_CUR)
        fh.write(bytes([byte[0] ^ 0xFF]))
    error = one_line_error(cli("ask", "hello"))
    assert error.startswith("error: model mine: checksum mismatch for ")
    doctor = cli("doctor")
    assert doctor.returncode == 1 and "Traceback" not in doctor.stderr
    bad = [x for x in doctor.stdout.splitlines() if x.startswith("BAD")]
    assert len(bad) == 1 and bad[0].startswith("BAD  model mine: checksum mismatch")


def test_doctor_checks_the_installation(cli, home: Path) -> None:  # type: ignore[no-untyped-def]
    proc = cli("doctor")
    assert proc.returncode == 0, proc.stdout
    assert f"ok   user directory {home}" in proc.stdout
    assert "ok   model smollm2-135m: " in proc.stdout and "(sha256 ok)" in proc.stdout
    assert "tesseract" in proc.stdout


@pytest.mark.slow
def test_ask_answers_from_the_local_model(cli) -> None:  # type: ignore[no-untyped-def]
    proc = cli("ask", "hello")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip()
    where = proc.stderr.strip().splitlines()[-1]
    assert where.startswith("-- on-device: ") and "(session " in where
    sid = where.rsplit("session ", 1)[1].rstrip(")")
    again = cli("ask", "thank you", "--session", sid, "--json")
    assert again.returncode == 0, again.stderr
    data = json.loads(again.stdout)
    assert data["session"] == sid and data["where"].startswith("on-device: ") and data["text"]
    shown = json.loads(cli("sessions", "show", sid, "--json").stdout)
    assert [m["role"] for m in shown["messages"]] == ["user", "assistant"] * 2
    assert shown["messages"][1]["content"] == proc.stdout.strip()


def test_sessions_export_and_rm(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sid = json.loads(cli("run", "echo_back", "text=hello", "--json").stdout)["session"]
    md = cli("sessions", "export", sid[:6])
    assert md.returncode == 0 and md.stdout.startswith("# ")
    assert f"Session `{sid}`" in md.stdout and "`echo_back` " in md.stdout
    out = tmp_path / "s.json"
    assert cli("sessions", "export", sid, "--format", "json", "-o", str(out)).returncode == 0
    assert json.loads(out.read_text())["id"] == sid
    assert "exists" in one_line_error(cli("sessions", "export", sid, "-o", str(out)))
    assert "pass --yes" in one_line_error(cli("sessions", "rm", sid))  # no terminal to ask
    assert "no session 'nosuch'" in one_line_error(cli("sessions", "rm", sid, "nosuch"))
    assert [r["id"] for r in json.loads(cli("sessions", "list", "--json").stdout)] == [sid]
    gone = cli("sessions", "rm", sid, "--yes")
    assert gone.returncode == 0 and f"deleted {sid}" in gone.stderr
    assert json.loads(cli("sessions", "list", "--json").stdout) == []
    assert "no session" in one_line_error(cli("sessions", "show", sid))


def test_doctor_and_models_add_speak_json(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    report = json.loads(cli("doctor", "--json").stdout)
    assert report["ok"] is True
    assert any(c["check"].startswith("user directory") and c["ok"] for c in report["checks"])
    copy = tmp_path / "mine.gguf"
    shutil.copyfile(smollm2_file(), copy)
    added = json.loads(cli("models", "add", str(copy), "--name", "mine", "--json").stdout)
    assert added["name"] == "mine" and len(added["sha256"]) == 64 and added["default"] is False


def test_a_closed_pipe_ends_quietly(site: Path, home: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(site), "CALVADOS_HOME": str(home)}
    for args in (["skills", "show", "echo_back"], ["--help"]):
        proc = subprocess.Popen([str(CALVADOS), *args], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=env, stdin=subprocess.DEVNULL)
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()  # the reader is gone before anything is written (`| head`)
        error = proc.stderr.read().decode()
        assert proc.wait(timeout=120) in (0, 1, 141)  # click itself exits 1 on EPIPE
        assert "Traceback" not in error and "BrokenPipe" not in error, error


def test_the_line_repl_keeps_commands_from_the_model(site: Path, home: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(site), "CALVADOS_HOME": str(home)}
    proc = subprocess.run([str(CALVADOS), "chat", "--plain"],
                          input="/help\n/frobnicate\n/settings\n/ledger\n/quit\n",
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr
    assert "/ledger [N]" in proc.stdout and "Anything else is a message" in proc.stdout
    assert "error: unknown command /frobnicate (/help, /new, /ledger, /quit)" in proc.stderr
    assert "error: /settings works in the full-screen UI" in proc.stderr
    assert "nothing from this session has left the device" in proc.stdout
    session = json.loads(subprocess.run(
        [str(CALVADOS), "sessions", "list", "--json"], capture_output=True, text=True,
        env=env, timeout=120).stdout)
    assert all(s["messages"] == 0 for s in session)  # no command reached the model


@pytest.mark.slow
def test_ask_habits_from_the_command_line(site: Path, home: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(site), "CALVADOS_HOME": str(home)}

    def run(*args: str, stdin: str = "") -> Proc:
        return subprocess.run([str(CALVADOS), *args], input=stdin, capture_output=True,
                              text=True, env=env, timeout=600)

    def sessions() -> list[dict[str, object]]:
        return json.loads(run("sessions", "list", "--json").stdout)  # type: ignore[no-any-return]

    assert "unknown model 'nope'" in one_line_error(run("hello", "-m", "nope"))
    assert sessions() == []  # a failed command leaves no session
    first = run("hello there")  # no subcommand: a question
    assert first.returncode == 0, first.stderr
    sid = first.stderr.strip().splitlines()[-1].rsplit("session ", 1)[1].rstrip(")")
    piped = json.loads(run("--json", "-c", stdin="thank you\n").stdout)  # stdin, continued
    assert piped["session"] == sid
    shown = json.loads(run("sessions", "show", sid, "--json").stdout)
    assert [m["content"] for m in shown["messages"] if m["role"] == "user"] == [
        "hello there", "thank you"]
    failed = run("ask", "scan ~/nowhere/missing.png")
    assert failed.returncode == 1 and failed.stdout == ""
    errors = [x for x in failed.stderr.splitlines() if x.startswith("error: ")]
    assert errors == ["error: scan_document: no such file: ~/nowhere/missing.png"]
