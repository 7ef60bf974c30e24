"""Where Calvados keeps its files. ``CALVADOS_HOME`` overrides the platform default."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs


def user_dir() -> Path:
    """The user directory (config, database, model registry); created on first use."""
    env = os.environ.get("CALVADOS_HOME")
    path = Path(env).expanduser() if env else Path(platformdirs.user_data_dir("calvados"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_path() -> Path:
    return user_dir() / "calvados.db"


def config_path() -> Path:
    return user_dir() / "config.toml"


def models_path() -> Path:
    return user_dir() / "models.json"


def cache_dir() -> Path:
    path = user_dir() / "cache"
    path.mkdir(parents=True, exist_ok=True)
    return path


def model_cache_dir() -> Path:
    """Model files derived from pinned inputs (a merged student): shared by every user
    directory, since each file is checked against its pinned SHA-256 before use.
    ``CALVADOS_MODEL_CACHE`` overrides the platform cache folder."""
    env = os.environ.get("CALVADOS_MODEL_CACHE")
    path = Path(env).expanduser() if env else Path(platformdirs.user_cache_dir("calvados"))
    path.mkdir(parents=True, exist_ok=True)
    return path
