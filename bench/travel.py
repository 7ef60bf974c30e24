"""Place and date normalization speed: import, index build, then per-call latency.

    python bench/travel.py [--repeat N]

Prints the time to import the travel skill, to build the airport index and to load the
gazetteer (each once per process), then the median and p95 of normalizing a mixed list of
places (cities, towns without airports, codes, qualified and misspelled names) and dates,
and the time for a very long argument (capped, so it stays flat).
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import datetime

PLACES = ["Boston", "BOS", "kyoto", "Zermatt", "san diego california", "portland maine",
          "Florence", "Oxford", "montreal quebec", "São Paulo", "Kraków", "dallas fort worth",
          "Londn", "Heathrow", "st. petersburg", "Paris, TX", "westchester county", "NYC",
          "charlotte north carolina", "Cannes", "Marrakesh", "detroit michigan"]
DATES = ["next friday", "april fifth", "the twenty first", "wednesday of next week",
         "tuesday the eighteenth of may", "march 3rd", "tomorrow", "monday morning",
         "memorial day", "the 5th", "2027-03-03", "this weekend"]


def ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    start = time.perf_counter()
    from calvados.plugins.travel import dates, gazetteer, places

    imported = time.perf_counter()
    places.index()
    indexed = time.perf_counter()
    gazetteer.towns("kyoto")
    loaded = time.perf_counter()
    print(f"import {ms(imported - start)} ms, airport index {ms(indexed - imported)} ms, "
          f"gazetteer {ms(loaded - indexed)} ms (once per process)")
    now = datetime(2026, 12, 1, 10)
    for label, items, run in (
        ("place", PLACES, lambda text: places.normalize_place(text, None)),
        ("date", DATES, lambda text: dates.parse_date(text, now)),
    ):
        times = []
        for _ in range(args.repeat):
            for item in items:
                t = time.perf_counter()
                try:
                    run(item)
                except ValueError:
                    pass
                times.append(time.perf_counter() - t)
        times.sort()
        print(f"{label}: median {ms(statistics.median(times))} ms, "
              f"p95 {ms(times[int(0.95 * (len(times) - 1))])} ms over {len(times)} calls")
    for size in (1_000, 100_000):
        text = "Boston " * (size // 7)
        t = time.perf_counter()
        try:
            places.normalize_place(text, None)
        except ValueError:
            pass
        print(f"a {size:,}-character place: {ms(time.perf_counter() - t)} ms")


if __name__ == "__main__":
    main()
