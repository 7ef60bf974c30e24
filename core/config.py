"""Settings: frozen, documented, read from ``config.toml`` in the user directory."""

from __future__ import annotations

import os
import tomllib
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from .errors import ConfigError
from .paths import config_path


class Settings(BaseModel):
    """User settings. Lookup order: explicit value, ``config.toml``, environment."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    default_model: str = Field("smollm2-135m", description="Model used for chat replies.")
    planner: str = Field(
        "student",
        description="Planner: 'student' (the shipped distilled adapter) or 'prompt' (few-shot).",
    )
    planner_model: str | None = Field(
        None, description="Model the planner runs on; defaults to the student's base model."
    )
    max_steps: int = Field(
        6, ge=1, le=50, description="Most tool calls per message."
    )
    region: str | None = Field(None, description="Region for crisis resources (ISO country code).")
    user_names: list[str] = Field(
        default_factory=list, description="Names redacted before anything leaves the device."
    )
    gemini_api_key: SecretStr | None = Field(None, description="Gemini API key (never logged).")
    gemini_model: str = Field("gemini-2.5-flash", description="Gemini model for cloud fallback.")
    gemini_timeout: float = Field(
        30.0, gt=0, description="Seconds to wait for Gemini before answering on the device."
    )
    gemini_retries: int = Field(
        2, ge=0, le=10, description="Extra attempts on Gemini timeouts, 429 and 5xx."
    )
    mcp_servers: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="MCP servers whose tools become skills."
    )
    n_threads: int | None = Field(None, description="CPU threads for local models (default: all).")
    export_folders: list[str] = Field(
        default_factory=list,
        description="Folders besides your home where tools may write files (.ics exports).",
    )


def load_settings(**overrides: Any) -> Settings:
    """Read ``config.toml`` (if any), then apply explicit overrides."""
    data: dict[str, Any] = {}
    path = config_path()
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path} is not valid TOML: {exc}") from exc
    data.pop("policy", None)
    if "gemini_api_key" not in data and os.environ.get("GEMINI_API_KEY"):
        data["gemini_api_key"] = os.environ["GEMINI_API_KEY"]
    data.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return Settings(**data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"{path}: {where}: {first['msg']}") from exc


def write_setting(key: str, value: Any) -> None:
    """Store one top-level setting in ``config.toml`` (validated first)."""
    path = config_path()
    data: dict[str, Any] = tomllib.loads(path.read_text("utf-8")) if path.exists() else {}
    data[key] = value
    Settings(**{k: v for k, v in data.items() if k != "policy"})
    path.write_text(dump_toml(data), encoding="utf-8")


def dump_toml(data: dict[str, Any]) -> str:
    """A tiny TOML writer for flat keys plus one level of tables."""
    lines: list[str] = []
    tables = {k: v for k, v in data.items() if isinstance(v, dict)}
    for key, value in data.items():
        if key not in tables:
            lines.append(f"{key} = {_toml_value(value)}")
    for name, table in tables.items():
        lines.append(f"\n[{name}]")
        for key, value in table.items():
            lines.append(f"{key} = {_toml_value(value)}")
    return "\n".join(lines) + "\n"


def _toml_value(value: Any) -> str:
    import json

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(str(value))
