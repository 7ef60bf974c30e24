"""``calvados distill train``: LoRA (or full) fine-tuning of a GGUF base, loss on the answer only.

Runs through HF accelerate, so the same command scales from a laptop CPU to several GPUs
(``accelerate launch -m calvados.student_models.train ...``). Needs ``calvados[distill]``.
"""

from __future__ import annotations

import json
import math
import random
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from calvados.planner import student_prompt

from .generate import read_dataset

TARGET_MODULES = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
END = "<|im_end|>"


@dataclass
class TrainConfig:
    base: str = "smollm2-135m"
    data: str = "data/train.jsonl"
    out: str = "runs/student"
    epochs: float = 1.0
    max_steps: int | None = None
    batch_size: int = 16
    lr: float = 1e-3
    rank: int = 16
    alpha: int = 32
    full: bool = False
    seed: int = 0
    threads: int | None = None
    max_len: int = 384
    init_adapter: str | None = None


def base_gguf(name: str) -> tuple[str, str]:
    """(directory, file name) of a built-in base model's GGUF."""
    from calvados.models import model_file

    path = model_file(name)
    return str(path.parent), path.name


def load_base(name: str) -> tuple[Any, Any]:
    """Tokenizer and float32 model, dequantized from the base's GGUF by transformers."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    folder, file = base_gguf(name)
    tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=file)
    model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=file, dtype=torch.float32)
    return tokenizer, model


def encode(record: dict[str, Any], tokenizer: Any, max_len: int) -> tuple[list[int], list[int]]:
    """Token ids and labels; labels are -100 everywhere but the answer (and its end marker).

    A planner record (``message``, ``history``, ...) answers with its ``plan`` after the
    student's prompt; a responder record (``messages``, ``reply``) answers with its reply
    after the chat template's rendering of the messages, as llama.cpp renders them."""
    if "messages" in record:
        prompt = tokenizer.apply_chat_template(record["messages"], tokenize=False,
                                               add_generation_prompt=True)
        answer = record["reply"].strip()
    else:
        prefix, rest = student_prompt(record["message"], record["history"],
                                      record["extra_tools"], record.get("state", []))
        prompt, answer = prefix + rest, record["plan"]
    prompt_ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
    answer_ids = tokenizer(answer + END, add_special_tokens=False)["input_ids"]
    prompt_ids = prompt_ids[-(max_len - len(answer_ids)) :]
    return prompt_ids + answer_ids, [-100] * len(prompt_ids) + answer_ids


def batches(
    encoded: list[tuple[list[int], list[int]]], size: int, rng: random.Random, pad: int
) -> list[tuple[Any, Any, Any]]:
    """Length-bucketed, shuffled, right-padded batches (short sequences train much faster)."""
    import torch

    order = sorted(range(len(encoded)), key=lambda i: len(encoded[i][0]))
    groups = [order[i : i + size] for i in range(0, len(order), size)]
    rng.shuffle(groups)
    out = []
    for group in groups:
        width = max(len(encoded[i][0]) for i in group)
        ids = torch.full((len(group), width), pad, dtype=torch.long)
        labels = torch.full((len(group), width), -100, dtype=torch.long)
        mask = torch.zeros((len(group), width), dtype=torch.long)
        for row, i in enumerate(group):
            x, y = encoded[i]
            ids[row, : len(x)] = torch.tensor(x)
            labels[row, : len(y)] = torch.tensor(y)
            mask[row, : len(x)] = 1
        out.append((ids, mask, labels))
    return out


def answer_loss(model: Any, ids: Any, mask: Any, labels: Any) -> Any:
    """Cross-entropy on the answer tokens only; logits are computed only where they count."""
    import torch

    base = model.get_base_model() if hasattr(model, "get_base_model") else model
    hidden = base.model(input_ids=ids, attention_mask=mask).last_hidden_state
    targets = labels[:, 1:]
    keep = targets != -100
    logits = base.lm_head(hidden[:, :-1][keep])
    return torch.nn.functional.cross_entropy(logits.float(), targets[keep])


def train(config: TrainConfig, log: Callable[[str], None] = print) -> Path:
    """Fine-tune and save the adapter (PEFT format) plus the config and a loss log."""
    import torch
    from accelerate import Accelerator

    torch.manual_seed(config.seed)
    if config.threads:
        torch.set_num_threads(config.threads)
    accelerator = Accelerator(cpu=not torch.cuda.is_available())
    tokenizer, model = load_base(config.base)
    if config.init_adapter and config.init_adapter.endswith(".gguf"):  # a shipped student
        from .export import adapter_from_gguf

        model = adapter_from_gguf(model, Path(config.init_adapter))
    elif config.init_adapter:  # continue training an earlier adapter
        from peft import PeftModel

        model = PeftModel.from_pretrained(model, config.init_adapter, is_trainable=True)
    elif not config.full:
        from peft import LoraConfig, get_peft_model

        model = get_peft_model(
            model,
            LoraConfig(
                r=config.rank,
                lora_alpha=config.alpha,
                lora_dropout=0.0,
                target_modules=TARGET_MODULES,
                task_type="CAUSAL_LM",
            ),
        )
    records = read_dataset(Path(config.data))
    encoded = [encode(r, tokenizer, config.max_len) for r in records]
    rng = random.Random(config.seed)
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    per_epoch = math.ceil(len(encoded) / config.batch_size)
    total = config.max_steps or max(1, int(per_epoch * config.epochs))
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=config.lr, weight_decay=0.0)
    warmup = max(1, total // 20)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min(1.0, (s + 1) / warmup) * max(0.0, 1 - s / total) + 1e-3
    )
    model, optimizer = accelerator.prepare(model, optimizer)
    model.train()
    out = Path(config.out)
    out.mkdir(parents=True, exist_ok=True)
    history: list[dict[str, float]] = []
    step, started, tokens = 0, time.time(), 0
    while step < total:
        for ids, mask, labels in batches(encoded, config.batch_size, rng, pad):
            if step >= total:
                break
            ids, mask, labels = (t.to(accelerator.device) for t in (ids, mask, labels))
            loss = answer_loss(model, ids, mask, labels)
            accelerator.backward(loss)
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            step += 1
            tokens += int(mask.sum())
            history.append({"step": step, "loss": round(loss.item(), 4)})
            if step % 10 == 0 or step == total:
                rate = tokens / max(1e-6, time.time() - started)
                log(f"step {step}/{total} loss {loss.item():.4f} ({rate:.0f} tok/s)")
    unwrapped = accelerator.unwrap_model(model)
    unwrapped.save_pretrained(out / "adapter" if not config.full else out / "model")
    tokenizer.save_pretrained(out / ("adapter" if not config.full else "model"))
    (out / "train_config.json").write_text(json.dumps(asdict(config), indent=2), "utf-8")
    (out / "loss.json").write_text(json.dumps(history), "utf-8")
    log(f"saved to {out} in {time.time() - started:.0f}s")
    return out


def main() -> None:  # accelerate launch -m calvados.student_models.train --data ... --out ...
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    for name, value in asdict(TrainConfig()).items():
        kind = type(value) if value is not None else (str if name == "init_adapter" else int)
        if isinstance(value, bool):
            parser.add_argument(f"--{name.replace('_', '-')}", action="store_true")
        else:
            parser.add_argument(f"--{name.replace('_', '-')}", type=kind, default=value)
    train(TrainConfig(**vars(parser.parse_args())))


if __name__ == "__main__":
    main()
