"""The safety screen's learned detector: a small classifier over sentence embeddings.

The embedder is all-MiniLM-L6-v2 as a Q8_0 GGUF, run by llama.cpp (``embedding=True``, mean
pooling); the head is a two-layer network (numpy) over ``[message, context]``, where context is
the message read after the last few user turns (one text). It gives two
probabilities: ``crisis`` (a risk of suicide or self-harm, to anyone) and ``emotional`` (a
disclosure of distress: the privacy gate's ``emotional`` data class).

A detector lives in a folder with ``detector.json`` (the manifest: files, their SHA-256,
thresholds), the head (``head.npz``) and the embedder. Both files are verified against the
manifest before use; a missing or corrupt file raises :class:`DetectorError`, and the screen
goes on with its rules alone (``calvados doctor`` reports it). The shipped detector is under
``calvados.student_models/students/safety-detector``. It is off by default, because at any
threshold it still raises too many false alarms (see its model card):
``CALVADOS_SAFETY_DETECTOR=shipped`` turns it on, a folder path uses another detector.
"""

from __future__ import annotations

import importlib.util
import json
import os
import threading
import weakref
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from . import models
from .errors import CalvadosError
from .models import sha256_file, shared

CONTEXT_TURNS = 3


class DetectorError(CalvadosError):
    """The safety detector's files are missing, unreadable or fail their checksums."""


@dataclass(frozen=True)
class Scores:
    crisis: float
    emotional: float


def shipped_dir() -> Path:
    """The detector folder in use: ``$CALVADOS_SAFETY_DETECTOR``, else the shipped one."""
    named = os.environ.get("CALVADOS_SAFETY_DETECTOR", "")
    if named and named not in ("off", "shipped"):
        return Path(named).expanduser()
    spec = importlib.util.find_spec("calvados.student_models")
    root = Path(spec.origin).parent if spec and spec.origin else Path(__file__).parent
    return root / "students" / "safety-detector"


def read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / "detector.json"
    try:
        manifest = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise DetectorError(f"safety detector: {path} is missing") from None
    except (OSError, ValueError) as exc:
        raise DetectorError(f"safety detector: {path} is unreadable ({exc})") from None
    if not isinstance(manifest, dict) or not {"head", "embedder"} <= manifest.keys():
        raise DetectorError(f"safety detector: {path} lacks its head or embedder entry")
    return manifest


def verified(folder: Path, entry: dict[str, Any]) -> Path:
    """The file an entry names, after its SHA-256 matches the manifest."""
    path = folder / str(entry.get("file", ""))
    if not path.is_file():
        raise DetectorError(f"safety detector: {path} is missing")
    actual = sha256_file(path)
    if actual != entry.get("sha256"):
        raise DetectorError(f"safety detector: {path.name} fails its checksum "
                            f"(expected {str(entry.get('sha256'))[:12]}..., got {actual[:12]}...)")
    return path


class Embedder:
    """Sentence embeddings (unit length) from a GGUF embedding model, with a small cache."""

    def __init__(self, path: Path, n_threads: int | None = None, cache: int = 256) -> None:
        from llama_cpp import LLAMA_POOLING_TYPE_MEAN, Llama

        self.llm = Llama(model_path=str(path), embedding=True, n_ctx=512, n_batch=512,
                         pooling_type=LLAMA_POOLING_TYPE_MEAN,
                         n_threads=n_threads or min(4, os.cpu_count() or 1), verbose=False)
        # free the model before interpreter shutdown tears down llama_cpp's globals
        weakref.finalize(self, self.llm.close)
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._size = cache
        self._lock = threading.Lock()

    def __call__(self, text: str) -> np.ndarray:
        text = " ".join(text.split())[-1500:] or "."  # the end: a window ends with the message
        with self._lock:
            hit = self._cache.get(text)
            if hit is not None:
                self._cache.move_to_end(text)
                return hit
            vector = np.asarray(self.llm.embed(text), dtype=np.float32)
            vector /= max(float(np.linalg.norm(vector)), 1e-6)
            self._cache[text] = vector
            if len(self._cache) > self._size:
                self._cache.popitem(last=False)
            return vector

    def clear(self) -> None:
        """Forget the cached embeddings (benchmarks measure cold messages)."""
        with self._lock:
            self._cache.clear()

    def many(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack([self(t) for t in texts]) if texts else np.zeros((0, 384), np.float32)


def window(message: str, history: Sequence[str] = ()) -> str:
    """The message read after the last few user turns, as one text."""
    turns = [" ".join(t.split()) for t in history if t.strip()][-CONTEXT_TURNS:]
    return "\n".join([*turns, message])


def features(embed: Embedder, message: str, history: Sequence[str] = ()) -> np.ndarray:
    """``[message, message after the last user turns]`` (the same text twice without any)."""
    vector = embed(message)
    return np.concatenate([vector, embed(window(message, history))])


class Head:
    """Two layers, ReLU, two sigmoid outputs (crisis, emotional)."""

    def __init__(self, path: Path) -> None:
        try:
            with np.load(path, allow_pickle=False) as data:
                self.w1, self.b1 = data["w1"], data["b1"]
                self.w2, self.b2 = data["w2"], data["b2"]
        except (OSError, ValueError, KeyError) as exc:
            raise DetectorError(f"safety detector: {path.name} is unreadable ({exc})") from None

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return forward(x, self.w1, self.b1, self.w2, self.b2)


def forward(x: np.ndarray, w1: np.ndarray, b1: np.ndarray, w2: np.ndarray,
            b2: np.ndarray) -> np.ndarray:
    """The head's pass (training runs the same one): ReLU layer, then two sigmoids."""
    hidden = np.maximum(x @ w1 + b1, 0.0)
    return 1.0 / (1.0 + np.exp(-(hidden @ w2 + b2)))


class Detector:
    def __init__(self, folder: Path) -> None:
        manifest = read_manifest(folder)
        self.folder = folder
        self.name = str(manifest.get("name", folder.name))
        self.head = Head(verified(folder, manifest["head"]))
        self.embed = Embedder(verified(folder, manifest["embedder"]))
        thresholds = manifest.get("thresholds", {})
        self.crisis_threshold = float(thresholds.get("crisis", 0.5))
        self.emotional_threshold = float(thresholds.get("emotional", 0.5))

    def scores(self, message: str, history: Sequence[str] = ()) -> Scores:
        crisis, emotional = self.head(features(self.embed, message, history))
        return Scores(float(crisis), float(emotional))

    def crisis(self, message: str, history: Sequence[str] = ()) -> bool:
        return self.scores(message, history).crisis >= self.crisis_threshold

    def emotional(self, message: str, history: Sequence[str] = ()) -> bool:
        s = self.scores(message, history)
        return s.crisis >= self.crisis_threshold or s.emotional >= self.emotional_threshold


def enabled() -> bool:
    """Whether the screen uses a detector: ``$CALVADOS_SAFETY_DETECTOR`` is set, not ``off``."""
    return os.environ.get("CALVADOS_SAFETY_DETECTOR", "off") not in ("", "off")


def load(folder: Path | None = None) -> Detector:
    """The detector in ``folder`` (default: :func:`shipped_dir`), loaded once per process."""
    if folder is None and not enabled():
        raise DetectorError("safety detector: off (CALVADOS_SAFETY_DETECTOR=shipped turns it on)")
    folder = folder or shipped_dir()
    found = shared(("detector", str(folder.resolve())), lambda: _build(folder))
    if isinstance(found, DetectorError):  # kept, so a bad file is not hashed per message
        raise found
    return found


def available() -> Detector | None:
    """The default detector, or None when it cannot be used (the rules screen alone)."""
    try:
        return load()
    except DetectorError:
        return None


def _build(folder: Path) -> Detector | DetectorError:
    try:
        return Detector(folder)
    except DetectorError as exc:
        return exc


def forget() -> None:
    """Drop loaded detectors (tests, or after the files changed)."""
    models.forget("detector")
