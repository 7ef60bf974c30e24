"""``calvados distill export``: a trained adapter -> GGUF LoRA (llama.cpp) and MLX (mlx-lm)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

ARCHES = {"llama": "LLAMA", "gemma3": "GEMMA3", "gemma3_text": "GEMMA3"}


def _permute(weights: Any, n_head: int, n_head_kv: int) -> Any:
    """llama.cpp stores Q/K rows of Llama models interleaved for RoPE: apply the same order."""
    if n_head_kv != n_head:
        n_head = n_head_kv
    shape = weights.shape
    return (
        weights.reshape(n_head, 2, shape[0] // n_head // 2, *shape[1:])
        .swapaxes(1, 2)
        .reshape(shape)
    )


def export_gguf(adapter_dir: Path, out: Path, base_config: dict[str, Any] | None = None) -> Path:
    """Write the PEFT LoRA in ``adapter_dir`` as a llama.cpp GGUF adapter at ``out``."""
    import gguf
    import numpy as np
    from safetensors.numpy import load_file

    adapter_cfg = json.loads((adapter_dir / "adapter_config.json").read_text("utf-8"))
    config = base_config or _base_config(adapter_dir)
    arch = config["model_type"]
    if arch not in ARCHES:
        raise ValueError(f"cannot export LoRA for architecture {arch!r}")
    n_layers = config["num_hidden_layers"]
    names = gguf.get_tensor_name_map(getattr(gguf.MODEL_ARCH, ARCHES[arch]), n_layers)
    tensors = load_file(str(adapter_dir / "adapter_model.safetensors"))
    gguf_arch = getattr(gguf.MODEL_ARCH, ARCHES[arch])
    writer = gguf.GGUFWriter(str(out), gguf.MODEL_ARCH_NAMES[gguf_arch])
    writer.add_string("general.type", "adapter")
    writer.add_string("adapter.type", "lora")
    writer.add_float32("adapter.lora.alpha", float(adapter_cfg["lora_alpha"]))
    for key in sorted(tensors):
        value = tensors[key].astype(np.float32)
        hf = key.replace("base_model.model.", "", 1)
        module, _, part = hf.rpartition(".lora_")
        which = part.split(".")[0].lower()  # "a" or "b"
        target = names.get_name(module)
        if target is None:
            raise ValueError(f"no GGUF name for {module}")
        if arch == "llama" and which == "b" and module.endswith(("q_proj", "k_proj")):
            heads = config["num_attention_heads"]
            kv = heads if module.endswith("q_proj") else config["num_key_value_heads"]
            value = _permute(value, heads, kv)
        writer.add_tensor(f"{target}.weight.lora_{which}", value.astype(np.float16))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return out


def _unpermute(weights: Any, n_head: int, n_head_kv: int) -> Any:
    """The inverse of :func:`_permute`."""
    if n_head_kv != n_head:
        n_head = n_head_kv
    shape = weights.shape
    return (
        weights.reshape(n_head, shape[0] // n_head // 2, 2, *shape[1:])
        .swapaxes(1, 2)
        .reshape(shape)
    )


def adapter_from_gguf(model: Any, path: Path) -> Any:
    """``model`` (a base loaded by ``train.load_base``) wrapped in a trainable PEFT LoRA
    whose weights are read back from the GGUF adapter at ``path`` (one :func:`export_gguf`
    wrote), so a shipped student can be trained further."""
    import gguf
    import torch
    from peft import LoraConfig, get_peft_model

    reader = gguf.GGUFReader(str(path))
    alpha = float(reader.fields["adapter.lora.alpha"].parts[-1][0])
    config = model.config.to_dict()
    arch = config["model_type"]
    names = gguf.get_tensor_name_map(getattr(gguf.MODEL_ARCH, ARCHES[arch]),
                                     config["num_hidden_layers"])
    tensors = {t.name: t for t in reader.tensors}
    by_gguf = {}
    for module, _ in model.named_modules():
        target = names.get_name(module)
        if target and f"{target}.weight.lora_a" in tensors:
            by_gguf[target] = module
    if not by_gguf:
        raise ValueError(f"{path} holds no LoRA tensors for this base")
    rank = int(min(min(tensors[f"{t}.weight.lora_a"].shape) for t in by_gguf))
    leaves = sorted({m.rpartition(".")[2] for m in by_gguf.values()})
    peft = get_peft_model(model, LoraConfig(r=rank, lora_alpha=alpha, lora_dropout=0.0,
                                            target_modules=leaves, task_type="CAUSAL_LM"))
    state = {}
    for target, module in by_gguf.items():
        for which in ("a", "b"):
            raw = tensors[f"{target}.weight.lora_{which}"]
            value = raw.data.reshape([int(n) for n in reversed(raw.shape)]).astype("float32")
            if arch == "llama" and which == "b" and module.endswith(("q_proj", "k_proj")):
                heads = config["num_attention_heads"]
                kv = heads if module.endswith("q_proj") else config["num_key_value_heads"]
                value = _unpermute(value, heads, kv)
            key = f"base_model.model.{module}.lora_{which.upper()}.default.weight"
            state[key] = torch.from_numpy(value.copy())
    missing = set(state) - set(peft.state_dict())
    if missing:
        raise ValueError(f"{path}: no place for {sorted(missing)[:3]} in the model")
    peft.load_state_dict(state, strict=False)
    return peft


def _base_config(adapter_dir: Path) -> dict[str, Any]:
    """The base model's HF config (saved next to the run, or loaded from the GGUF)."""
    saved = adapter_dir.parent / "base_config.json"
    if saved.exists():
        return dict(json.loads(saved.read_text("utf-8")))
    from transformers import AutoConfig

    from .train import base_gguf

    run = json.loads((adapter_dir.parent / "train_config.json").read_text("utf-8"))
    folder, file = base_gguf(run["base"])
    config = AutoConfig.from_pretrained(folder, gguf_file=file).to_dict()
    saved.write_text(json.dumps(config, default=str), "utf-8")
    return dict(config)


def export_merged_hf(run_dir: Path, out: Path) -> Path:
    """Merge the LoRA into its base and save a Hugging Face model folder (safetensors)."""
    from peft import PeftModel

    from .train import load_base

    run = json.loads((run_dir / "train_config.json").read_text("utf-8"))
    tokenizer, model = load_base(run["base"])
    merged = PeftModel.from_pretrained(model, str(run_dir / "adapter")).merge_and_unload()
    # the weights were dequantized from GGUF on load: save them as plain float tensors
    merged.hf_quantizer = None
    merged.config.quantization_config = None
    if hasattr(merged.config, "_pre_quantization_dtype"):
        del merged.config._pre_quantization_dtype
    merged.save_pretrained(out, safe_serialization=True)
    tokenizer.save_pretrained(out)
    return out


def export_mlx(run_dir: Path, out: Path, quantize: bool = False) -> Path:
    """The merged student in MLX format (mlx-lm's converter), loadable by ``mlx_lm.load``."""
    from mlx_lm import convert

    hf = run_dir / "merged-hf"
    if not hf.exists():
        export_merged_hf(run_dir, hf)
    if out.exists():
        shutil.rmtree(out)
    convert(str(hf), mlx_path=str(out), quantize=quantize)
    return out


def write_manifest(student_dir: Path, base: str, adapter_name: str = "adapter.gguf",
                   merged_qtype: str | None = "Q8_0", embed_qtype: str | None = None) -> Path:
    """The manifest the runtime reads: base model, adapter file and its pinned SHA-256, and
    the SHA-256 of the merged model the runtime builds from them (see merge.py)."""
    from calvados.models import sha256_file

    adapter = student_dir / adapter_name
    digest = sha256_file(adapter)
    data: dict[str, Any] = {"base": base, "adapter": adapter_name, "sha256": digest}
    if merged_qtype:
        import tempfile

        from calvados.models import model_file

        from .merge import merge_adapter

        with tempfile.TemporaryDirectory() as tmp:
            merged = merge_adapter(model_file(base), adapter, Path(tmp) / "merged.gguf",
                                   merged_qtype, embed_qtype)
            data |= {"merged_qtype": merged_qtype, "merged_sha256": sha256_file(merged)}
            if embed_qtype:
                data["merged_embed_qtype"] = embed_qtype
    manifest = student_dir / "manifest.json"
    manifest.write_text(json.dumps(data, indent=2) + "\n", "utf-8")
    return manifest
