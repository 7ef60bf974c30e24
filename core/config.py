"""Settings: frozen, documented, read from ``config.toml`` in the user directory."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from .errors import ConfigError
from .paths import config_path, write_atomic

GEMINI_BASE_URL_ENV = "CALVADOS_GEMINI_BASE_URL"  # another Gemini endpoint (a local stand-in)


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
    """Store one top-level setting in ``config.toml`` (validated first); the rest of the file,
    its comments, order and tables, stays as it was."""
    path = config_path()
    data: dict[str, Any] = tomllib.loads(path.read_text("utf-8")) if path.exists() else {}
    data[key] = value
    Settings(**{k: v for k, v in data.items() if k != "policy"})
    update_toml(path, {key: value})


def update_toml(path: Path, changes: dict[str, Any], table: str | None = None) -> str:
    """Set ``changes`` at the top level of the TOML file ``path`` (or in ``[table]``) through
    tomlkit, keeping comments, order and nested tables; the file is replaced atomically.
    Returns the new text."""
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    text = path.read_text(encoding="utf-8") if path.exists() else ""
    try:
        doc = tomlkit.parse(text)
    except TOMLKitError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from exc
    target: Any = doc
    if table is not None:
        if table not in doc:
            doc[table] = tomlkit.table()
        target = doc[table]
        if not isinstance(target, dict):
            raise ConfigError(f"{path}: {table} must be a table ([{table}])")
    for key, value in changes.items():
        target[key] = value
    updated = tomlkit.dumps(doc)
    write_atomic(path, updated)
    return updated
