"""The shipped student as one model file: its LoRA merged into the base, then quantized.

A LoRA applied at run time costs llama.cpp about half its decode speed on a small model, so
the planner runs a merged copy instead. The merge is deterministic (float64 products, then
numpy quantization in fixed blocks), so the file it writes is checked against the SHA-256 the
student's manifest pins; a file that does not match is discarded and the planner falls back
to the base with the adapter applied at run time.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

SKIP_FIELDS = ("GGUF.", "general.architecture")
EMBEDDING = "token_embd.weight"


def merge_adapter(base: Path, adapter: Path, out: Path, qtype: str = "Q8_0",
                  embed_qtype: str | None = None) -> Path:
    """Write ``base`` + ``adapter`` (llama.cpp LoRA GGUF) as one GGUF at ``out``.

    Tensors the adapter touches are rebuilt as ``W + alpha/r * B @ A`` and quantized to
    ``qtype``; the token embedding (the output projection too, when tied) is requantized to
    ``embed_qtype`` if given; every other tensor is copied as it is.
    """
    import gguf
    import numpy as np

    model = gguf.GGUFReader(str(base))
    lora = gguf.GGUFReader(str(adapter))
    alpha = float(lora.get_field("adapter.lora.alpha").contents())
    pairs: dict[str, dict[str, Any]] = {}
    for tensor in lora.tensors:
        name, _, part = tensor.name.rpartition(".lora_")
        pairs.setdefault(name, {})[part] = np.asarray(tensor.data, dtype=np.float64)
    target = getattr(gguf.GGMLQuantizationType, qtype)
    arch = str(model.get_field("general.architecture").contents())
    tmp = out.with_suffix(f".{os.getpid()}.tmp")
    writer = gguf.GGUFWriter(str(tmp), arch)
    for field in model.fields.values():
        if field.name.startswith(SKIP_FIELDS):
            continue
        sub = field.types[-1] if field.types[0] == gguf.GGUFValueType.ARRAY else None
        writer.add_key_value(field.name, field.contents(), field.types[0], sub_type=sub)
    for tensor in model.tensors:
        if tensor.name in pairs:
            a, b = pairs[tensor.name]["a"], pairs[tensor.name]["b"]
            weight = gguf.quants.dequantize(tensor.data, tensor.tensor_type).astype(np.float64)
            merged = (weight + (alpha / a.shape[0]) * (b @ a)).astype(np.float32)
            data = gguf.quants.quantize(merged, target)
            writer.add_tensor(tensor.name, data, raw_shape=data.shape, raw_dtype=target)
        elif tensor.name == EMBEDDING and embed_qtype:
            embed = getattr(gguf.GGMLQuantizationType, embed_qtype)
            weight = gguf.quants.dequantize(tensor.data, tensor.tensor_type)
            data = gguf.quants.quantize(weight.astype(np.float32), embed)
            writer.add_tensor(tensor.name, data, raw_shape=data.shape, raw_dtype=embed)
        else:
            writer.add_tensor(tensor.name, tensor.data, raw_shape=tensor.data.shape,
                              raw_dtype=tensor.tensor_type)
    missing = set(pairs) - {t.name for t in model.tensors}
    if missing:
        tmp.unlink(missing_ok=True)
        raise ValueError(f"the adapter names tensors the base does not have: {sorted(missing)[:3]}")
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    os.replace(tmp, out)
    return out


def merged_student(student: Any) -> Path:
    """The student's merged model file, built on first use and checked against the SHA-256
    its manifest pins; ``ModelError`` if it cannot be built or does not match."""
    from calvados.errors import ModelError
    from calvados.models import ModelSpec, model_file, verify
    from calvados.paths import model_cache_dir

    if not student.merged_sha256:
        raise ModelError(f"student {student.name}: no merged model is pinned")
    path = model_cache_dir() / "students" / f"{student.name}-{student.merged_sha256[:16]}.gguf"
    spec = ModelSpec(f"student {student.name} (merged)", "llama_cpp", str(path),
                     student.merged_sha256)
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        base = model_file(student.base)
        try:
            merge_adapter(base, student.adapter_path, path, student.merged_qtype,
                          student.merged_embed_qtype)
        except (ImportError, OSError, ValueError, KeyError) as exc:
            raise ModelError(f"student {student.name}: cannot merge its adapter: {exc}") from exc
    try:
        return verify(spec)
    except ModelError:
        path.unlink(missing_ok=True)  # built differently here: never use an unverified file
        raise

