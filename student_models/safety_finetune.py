"""Fine-tune the detector's sentence encoder with its head (torch), then export it to GGUF.

The encoder (all-MiniLM-L6-v2 in Hugging Face form) and the head are trained together on the
same samples as the frozen route (:mod:`safety_train`): mean pooling, unit length, the head
over ``[message, message after the last user turns]``, cross-entropy with crisis positives
weighted up. The encoder is then written with ``save_pretrained`` and converted to a Q8_0
GGUF by llama.cpp's own ``convert_hf_to_gguf.py`` (shipped in the llama-cpp-python source
distribution), so the device runs it in llama.cpp like the stock one. The caller evaluates
the exported file, not the torch model.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
from calvados.safety_model import window

Progress = Callable[[str], None]


def finetune(model_dir: Path, samples: list[dict], out_gguf: Path, converter: Path,
             hidden: int = 96, epochs: float = 2.0, lr: float = 4e-5, batch: int = 32,
             crisis_weight: float = 2.0, seed: int = 0,
             progress: Progress | None = None) -> dict[str, np.ndarray]:
    """Train encoder and head; write the encoder as ``out_gguf``; return the head's weights."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    say = progress or (lambda _msg: None)
    missing = [name for name in ("conversion", "gguf-py") if not (converter.parent / name).is_dir()]
    if not converter.is_file() or missing:
        raise FileNotFoundError(f"{converter} is not a llama.cpp converter with its modules "
                                f"beside it (missing: {', '.join(missing) or converter.name}); "
                                "unpack the whole vendor/llama.cpp tree of the source package")
    torch.manual_seed(seed)
    torch.set_num_threads(min(4, os.cpu_count() or 1))
    tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
    encoder = AutoModel.from_pretrained(str(model_dir))
    head = torch.nn.Sequential(torch.nn.Linear(2 * encoder.config.hidden_size, hidden),
                               torch.nn.ReLU(), torch.nn.Linear(hidden, 2))
    optimizer = torch.optim.AdamW([
        {"params": encoder.parameters(), "lr": lr},
        {"params": head.parameters(), "lr": 1e-3},
    ], weight_decay=0.01)

    def encode(texts: list[str], max_length: int) -> torch.Tensor:
        batch_in = tokenizer(texts, padding=True, truncation=True, max_length=max_length,
                             return_tensors="pt")
        states = encoder(**batch_in).last_hidden_state
        mask = batch_in["attention_mask"].unsqueeze(-1).float()
        pooled = (states * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        return torch.nn.functional.normalize(pooled, dim=-1)

    order = list(range(len(samples)))
    rng = random.Random(seed)
    steps = int(epochs * len(samples) / batch)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min(1.0, (s + 1) / 50) * max(0.05, 1 - s / max(1, steps)))
    encoder.train()
    for step in range(steps):
        if step % (len(samples) // batch) == 0:
            rng.shuffle(order)
        start = (step * batch) % max(1, len(samples) - batch)
        chosen = [samples[i] for i in order[start:start + batch]]
        messages = [s["text"] for s in chosen]
        windows = [window(s["text"], s["history"]) for s in chosen]
        x = torch.cat([encode(messages, 64), encode(windows, 160)], dim=-1)
        y = torch.tensor([[s["crisis"], s["emotional"]] for s in chosen], dtype=torch.float32)
        weight = torch.where(y[:, :1] > 0, crisis_weight, 1.0).expand_as(y)
        loss = torch.nn.functional.binary_cross_entropy_with_logits(head(x), y, weight=weight)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        schedule.step()
        if (step + 1) % 25 == 0 or step + 1 == steps:
            say(f"step {step + 1}/{steps}: loss {loss.item():.4f}")
    hf = out_gguf.with_name(out_gguf.stem + "-hf")  # kept, so a failed export loses no training
    encoder.save_pretrained(hf)
    tokenizer.save_pretrained(hf)
    for name in ("modules.json", "1_Pooling/config.json"):  # mean pooling in the GGUF
        if (model_dir / name).is_file():
            (hf / name).parent.mkdir(exist_ok=True)
            (hf / name).write_bytes((model_dir / name).read_bytes())
    env = {**os.environ, "PYTHONPATH": str(converter.parent / "gguf-py")}
    done = subprocess.run([sys.executable, str(converter), str(hf), "--outtype", "q8_0",
                           "--outfile", str(out_gguf)], env=env, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"GGUF export failed (the trained encoder is kept in {hf}): "
                           + (done.stderr.strip().splitlines() or ["no message"])[-1])
    shutil.rmtree(hf)
    first, last = head[0], head[2]
    return {"w1": first.weight.detach().numpy().T.copy(), "b1": first.bias.detach().numpy(),
            "w2": last.weight.detach().numpy().T.copy(), "b2": last.bias.detach().numpy()}
