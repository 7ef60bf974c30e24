"""``calvados chat`` for real: under tmux, typed into with send-keys, read with capture-pane.

Slow (marked ``slow``): the real on-device models plan and answer "hello". It needs about
10 s on an idle 2-core machine; it waits up to 60 s for the input box and 120 s for the
reply, so a loaded machine does not fail it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from calvados import Database, Session
from calvados.storage import list_sessions

CALVADOS = Path(sys.executable).parent / "calvados"
READY_S, REPLY_S = 60, 120

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(240),
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


class Tmux:
    """A private tmux server (its own socket) running one 80x24 window."""

    def __init__(self, socket: Path) -> None:
        self.socket = socket

    def run(self, *args: str) -> str:
        done = subprocess.run(["tmux", "-S", str(self.socket), *args],
                              capture_output=True, text=True, check=True, timeout=10)
        return done.stdout

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "calvados")

    def wait_for(self, check: Callable[[str], bool], seconds: float) -> str:
        end = time.monotonic() + seconds
        while True:
            text = self.screen()
            if check(text):
                return text
            if time.monotonic() > end:
                raise AssertionError(f"the screen never showed it; it shows:\n{text}")
            time.sleep(0.25)


@pytest.fixture
def tmux(tmp_path: Path, home: Path) -> Iterator[Tmux]:
    term = Tmux(tmp_path / "tmux.sock")
    term.run("new-session", "-d", "-s", "calvados", "-x", "80", "-y", "24",
             "-e", f"CALVADOS_HOME={home}", "-e", "TERM=xterm-256color",
             f"{CALVADOS} chat; sleep 5")
    try:
        yield term
    finally:
        term.run("kill-server")


def test_chat_under_tmux_answers_hello(tmux: Tmux) -> None:
    tmux.wait_for(lambda s: "Message Calvados" in s, READY_S)
    tmux.run("send-keys", "-t", "calvados", "-l", "hello")
    tmux.run("send-keys", "-t", "calvados", "Enter")
    screen = tmux.wait_for(lambda s: "⌂ on-device:" in s or "✗ error" in s, REPLY_S)
    assert "⌂ on-device: smollm2-135m" in screen, screen
    (row,) = list_sessions(Database())
    messages = Session.load(Database(), row["id"]).messages()
    assert [m["role"] for m in messages] == ["user", "assistant"]
    reply = messages[1]["content"]
    assert reply.strip(), "the model gave an empty reply"
    first_words = " ".join(reply.split()[:3])
    assert first_words in " ".join(screen.split()), screen  # the reply is on the screen
    assert "█ hello" in screen  # and so is the message that was typed
    tmux.run("send-keys", "-t", "calvados", "C-q")
    tmux.wait_for(lambda s: "Message Calvados" not in s, 10)
