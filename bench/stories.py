"""Stories from the default local model: words per length band, time, and words per second.

    .venv/bin/python bench/stories.py            # short, medium and long, two topics each
    .venv/bin/python bench/stories.py short      # one band only
"""

from __future__ import annotations

import sys
import time
from datetime import datetime

from calvados.backends.llama_cpp import LlamaCppBackend
from calvados.models import model_file
from calvados.plugins.stories import BANDS, child_safe, tell_story
from calvados.tools import ToolContext

TOPICS = [("a little fox who learns to swim", "child"),
          ("a lighthouse keeper who finds a message in a bottle", "adult")]


def main() -> None:
    lengths = sys.argv[1:] or list(BANDS)
    backend = LlamaCppBackend(
        str(model_file("smollm2-135m")), model_name="smollm2-135m", n_ctx=2048)
    ctx = ToolContext(now=datetime(2026, 11, 27), extras={"backend": backend})
    for length in lengths:
        for topic, audience in TOPICS:
            start = time.perf_counter()
            first = None
            final: dict[str, object] = {}
            args = {"topic": topic, "audience": audience, "length": length}
            for item in tell_story.run(args, ctx):
                if isinstance(item, str) and first is None and item.strip():
                    first = time.perf_counter() - start
                elif isinstance(item, dict):
                    final = item
            took = time.perf_counter() - start
            words = int(final["words"])  # type: ignore[call-overload]
            low, high = BANDS[length]
            print(f"{length:6} {audience:5} {words:5} words (band {low}-{high}: "
                  f"{'ok' if low <= words <= high else 'MISSED'})  {took:6.1f} s  "
                  f"{words / took:5.1f} words/s  title after {first or 0:.1f} s  "
                  f"dropped {final['dropped']}  child-safe {child_safe(str(final['text']))}")


if __name__ == "__main__":
    main()
