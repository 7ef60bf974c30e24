"""How often the shipped student gets multi-turn and multi-step travel requests right.

Runs each chain N times in fresh sessions (the sandbox's offers and confirmation codes
differ run to run, so the prompts do too) and reports the share that ended right:

  export-it    search -> "book the cheapest one" -> "export it to my calendar"
  then-book    ... -> "book the second one" right after the export
  one-turn     "find the cheapest flight from Boston to Lisbon on March 3 and book it"

    python bench/followups.py [-n 6] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

NOW = datetime(2027, 1, 10, 9, 0)
SEARCH = "find flights from Boston to Lisbon on March 3rd"
ONE_TURN = "find the cheapest flight from Boston to Lisbon on March 3 and book it"


def results(agent: Any, message: str) -> list[Any]:
    from calvados import ToolResultEvent

    return [e for e in agent.chat(message) if isinstance(e, ToolResultEvent)]


def chains(agent_for: Any) -> dict[str, bool]:
    agent = agent_for()
    (found,) = results(agent, SEARCH) or [None]
    offers = found.result["offers"] if found is not None and found.result else []
    cheapest = min(offers, key=lambda o: o["price"])["id"] if offers else None
    booked = results(agent, "book the cheapest one")
    exported = results(agent, "export it to my calendar")
    export_ok = bool(booked and booked[0].text.startswith(f"Booked {cheapest} as BK-1")
                     and exported and exported[0].tool == "export_itinerary"
                     and exported[0].text.startswith("Wrote 1 calendar event(s) for BK-1 "))
    second = results(agent, "book the second one")
    target = offers[1]["id"] if len(offers) > 1 else None
    book_ok = bool(second and second[0].tool == "book_offer"
                   and second[0].text.startswith(f"Booked {target} as BK-2"))
    fresh = agent_for()
    steps = results(fresh, ONE_TURN)
    one_ok = [s.tool for s in steps] == ["search_flights", "book_offer"]
    if one_ok:
        cheapest = min(steps[0].result["offers"], key=lambda o: o["price"])["id"]
        one_ok = steps[1].text.startswith(f"Booked {cheapest} as ")
    return {"export-it": export_ok, "then-book": book_ok, "one-turn": one_ok}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=6, help="runs per chain")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("CALVADOS_HOME", tempfile.mkdtemp(prefix="calvados-bench-"))
    from calvados import Agent, Database
    from calvados.config import load_settings
    from calvados.registry import get_registry
    from calvados.student import shared_planner

    registry = get_registry()
    planner = shared_planner(load_settings(), registry)

    fresh = iter(range(10**6))

    def agent_for() -> Agent:  # a database of its own: ids start at FL-0001 and BK-1
        db = Database(Path(os.environ["CALVADOS_HOME"]) / f"run-{next(fresh)}.db")
        return Agent(planner=planner, registry=registry, db=db, now=lambda: NOW,
                     confirm=lambda request: True)

    start = time.perf_counter()
    runs = [chains(agent_for) for _ in range(args.n)]
    report = {name: sum(r[name] for r in runs) / len(runs) for name in runs[0]}
    report |= {"runs": args.n, "planner": planner.backend.model_name,
               "seconds": round(time.perf_counter() - start, 1)}
    if args.json:
        print(json.dumps(report))
    else:
        for name in ("export-it", "then-book", "one-turn"):
            print(f"{name:10} {report[name]:.2f} of {args.n} runs")
        print(f"planner {report['planner']}, {report['seconds']} s")


if __name__ == "__main__":
    main()
