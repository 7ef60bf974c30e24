"""config.toml writes keep the file: comments, order and nested tables survive a setting
saved from the CLI or the TUI."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from calvados.config import load_settings, update_toml, write_setting
from calvados.errors import ConfigError
from calvados.paths import config_path
from calvados.policy import Policy, set_rule

CALVADOS = Path(sys.executable).with_name("calvados")

CONFIG = """\
# my settings
n_threads = 2  # both cores

[mcp_servers.notes]  # a local notes server
command = "python"
args = ["-m", "notes", "--port", "0"]
env = { NOTES_DIR = "~/notes" }

[policy]
# story may go out after I say yes
story = "ask"
"""


@pytest.fixture
def config() -> str:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(CONFIG, encoding="utf-8")
    return str(path)


def test_a_setting_keeps_comments_order_and_nested_tables(config: str) -> None:
    write_setting("default_model", "smollm2-135m")
    set_rule("travel", "allow")
    set_rule("story", "deny")
    text = config_path().read_text("utf-8")
    for comment in ("# my settings", "# both cores", "# a local notes server",
                    "# story may go out after I say yes"):
        assert comment in text
    data = tomllib.loads(text)
    assert data["mcp_servers"] == {"notes": {"command": "python",
                                             "args": ["-m", "notes", "--port", "0"],
                                             "env": {"NOTES_DIR": "~/notes"}}}
    assert data["default_model"] == "smollm2-135m" and data["n_threads"] == 2
    assert data["policy"] == {"story": "deny", "travel": "allow"}
    assert text.index("default_model") < text.index("[mcp_servers.notes]")  # stays top-level
    assert load_settings().mcp_servers["notes"]["env"] == {"NOTES_DIR": "~/notes"}
    assert Policy.load().rules["travel"] == "allow"


def test_models_add_default_keeps_the_file(config: str, tmp_path: Path) -> None:
    model = tmp_path / "tiny.gguf"
    model.write_bytes(b"GGUF" + bytes(60))
    command = [CALVADOS, "models", "add", str(model), "--name", "tiny", "--default"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    text = config_path().read_text("utf-8")
    assert "# a local notes server" in text
    data = tomllib.loads(text)
    assert data["mcp_servers"]["notes"]["args"][-1] == "0" and data["default_model"] == "tiny"


def test_an_invalid_file_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("n_threads = = 2\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        update_toml(path, {"n_threads": 1})
    assert path.read_text("utf-8") == "n_threads = = 2\n"
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


def test_a_new_file_is_created(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "config.toml"
    update_toml(path, {"chat": "allow"}, table="policy")
    assert tomllib.loads(path.read_text("utf-8")) == {"policy": {"chat": "allow"}}
