"""The cost of ``no_repeat_ngram`` (the stories' loop guard) on the default local model:
tokens per second with and without it, same prompt, same budget, several rounds.

    .venv/bin/python bench/no_repeat.py
"""

from __future__ import annotations

import statistics
import time

from calvados.backends.llama_cpp import LlamaCppBackend
from calvados.models import model_file

PROMPT = [{"role": "system", "content": "You are a storyteller writing for an adult."},
          {"role": "user", "content": "Tell a story about a clockmaker whose clocks start "
                                      "running backwards. Write the beginning, about 150 words."}]
ROUNDS = 5
TOKENS = 200


def rate(backend: LlamaCppBackend, **options: object) -> float:
    start = time.perf_counter()
    count = sum(1 for _ in backend.chat(PROMPT, max_tokens=TOKENS, temperature=0.7,
                                        repeat_penalty=1.3, **options))
    return count / (time.perf_counter() - start)


def main() -> None:
    backend = LlamaCppBackend(
        str(model_file("smollm2-135m")), model_name="smollm2-135m", n_ctx=2048)
    rate(backend)  # warm up
    plain, guarded = [], []
    for _ in range(ROUNDS):
        plain.append(rate(backend))
        guarded.append(rate(backend, no_repeat_ngram=4))
    a, b = statistics.median(plain), statistics.median(guarded)
    print(f"pieces/s without the guard {a:.1f}, with no_repeat_ngram=4 {b:.1f}, "
          f"ratio {b / a:.3f} (median of {ROUNDS})")


if __name__ == "__main__":
    main()
