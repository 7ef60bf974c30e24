"""Where Calvados keeps its files. ``CALVADOS_HOME`` overrides the platform default."""

from __future__ import annotations

import os
import threading
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


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` so that a reader (another thread or process) sees the old file or the
    new one, never half of it; a failed write leaves no temporary file behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
