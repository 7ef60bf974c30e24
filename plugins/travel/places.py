"""Places: city names, airport codes, metro codes and misspellings -> one city.

Every way of naming a place normalizes to the city's code, so "Boston", "BOS" and
"boston, ma" are the same argument, and "New York", "JFK" and "NYC" too. The code is a
metropolitan code for cities in :data:`~.metros.METROS` (NYC, LON, PAR...) and the main
airport's code otherwise (BOS, LIS, SEA). ``city(code)`` gives the :class:`City` back.

Unknown or ambiguous names raise ``ValueError`` with the closest matches, which the
argument model turns into a one-line message.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from importlib import resources
from typing import Annotated, Any

import airportsdata
from calvados import fold_accents
from pydantic import BeforeValidator
from rapidfuzz import fuzz, process

from . import gazetteer
from .metros import ALIASES, COUNTRY_ALIASES, HUBS, METROS, REGIONS, RENAME, US_STATES

CLUSTER_KM = 120.0  # airports of one city name further apart than this are different cities
FUZZY_ACCEPT = 80.0  # rapidfuzz ratio for a misspelling to count as a match
FUZZY_MARGIN = 5.0  # ... and by how much it must beat the next candidate
DOMINANT = 2.0  # a namesake this many times as populous is the one meant
NEAR_KM = 60.0  # how far a city's main airport may be from the city itself
VIA_KM = 250.0  # a place without an airport flies from airports this close
MAX_VIA = 2  # ... at most this many
MAX_TOWNS = 6  # namesakes considered per name
MAX_PLACE_CHARS = 100
_HUB_RANK = {code: i for i, code in enumerate(HUBS)}
_CODE = re.compile(r"[A-Za-z]{3}")
_CODE_IN_PARENS = re.compile(r"\(\s*([A-Za-z]{3})\s*[,)]")
_APOSTROPHES = re.compile(r"['\u2019]")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_SAINT = re.compile(r"\b(st|ste)\b")
_FORT = re.compile(r"\bft\b")
_AIRPORT_WORDS = re.compile(r"\s+(international\s+)?(airport|intl)\.?$", re.IGNORECASE)


@dataclass(frozen=True)
class Airport:
    """One airport from ``airportsdata`` (IATA code, coordinates, IANA time zone)."""

    code: str
    name: str
    city: str
    subd: str
    country: str
    lat: float
    lon: float
    tz: str


@dataclass(frozen=True)
class City:
    """A place people travel to: a name, a country and the airports that serve it."""

    code: str
    name: str
    country: str
    subd: str
    airports: tuple[Airport, ...]  # the airports travel goes through, main first
    members: tuple[str, ...]  # every airport code that names this city
    hub: bool
    population: int = 0  # known for towns from the gazetteer; see :func:`population`
    via_km: tuple[int, ...] = ()  # a place without an airport: how far each airport is

    @property
    def main(self) -> Airport:
        return self.airports[0]

    @property
    def tz(self) -> str:
        return self.main.tz

    @property
    def airport_codes(self) -> tuple[str, ...]:
        return tuple(a.code for a in self.airports)

    def label(self) -> str:
        """``Boston, US (BOS)``; re-reading a label gives the same city."""
        return f"{self.name}, {self.country} ({', '.join(self.airport_codes)})"

    def airports_text(self) -> str:
        """``BOS``, or for a place without an airport ``no airport: KIX 92 km, ITM 43 km``."""
        if not self.via_km:
            return ", ".join(self.airport_codes)
        near = ", ".join(f"{a.name.split(' International')[0]} {a.code} {km} km"
                         for a, km in zip(self.airports, self.via_km, strict=False))
        return f"no airport; flights use {near}"

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "country": self.country,
                "airports": list(self.airport_codes), "tz": self.tz}


@functools.lru_cache(maxsize=65536)
def norm(text: str) -> str:
    """Casefolded, accent-free, punctuation-free form used for name lookups."""
    text = fold_accents(text)
    text = _APOSTROPHES.sub("", text.casefold())
    text = _SAINT.sub("saint", _NON_ALNUM.sub(" ", text))
    return " ".join(_FORT.sub("fort", text).split())


def distance_km(a: Airport, b: Airport) -> float:
    """Great-circle distance between two airports."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((lat2 - lat1) / 2) ** 2 + (
        math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _airport_key(airport: Airport) -> tuple[Any, ...]:
    """Sort key: the airport people mean comes first."""
    return (
        _HUB_RANK.get(airport.code, len(_HUB_RANK)),
        "international" not in airport.name.casefold(),
        airport.code,
    )


def _countries() -> dict[str, str]:
    """Normalized country name -> ISO code, from the tz database's ISO 3166 table."""
    names = {norm(k): v for k, v in COUNTRY_ALIASES.items()}
    try:
        table = resources.files("tzdata.zoneinfo").joinpath("iso3166.tab").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError):  # pragma: no cover - tzdata is a dependency
        return names
    for line in table.splitlines():
        if line and not line.startswith("#"):
            code, _, name = line.partition("\t")
            names.setdefault(norm(name.split("(")[0]), code)
    return names


class PlaceIndex:
    """Cities built from the airport table, with lookups by code and by name."""

    def __init__(self, airports: dict[str, Airport]) -> None:
        self.airports = airports
        self.cities: dict[str, City] = {}
        self.by_airport: dict[str, City] = {}
        self.by_name: dict[str, list[City]] = {}
        self.countries = _countries()
        self._weak: list[tuple[str, City]] = []  # names used only if no city claims them
        self._metro_names: dict[tuple[str, str], City] = {}
        self._add_metros()
        self._add_cities()
        for code, names in ALIASES.items():
            if code in self.by_airport:
                for name in names:
                    self._name(name, self.by_airport[code])
        self._nicknames = set()
        for name, city in self._weak:
            if norm(name) and norm(name) not in self.by_name:
                self.by_name[norm(name)] = [city]
                self._nicknames.add(norm(name))  # "logan" is the airport, not a town
        self._names = list(self.by_name)

    # ---------------------------------------------------------------- building

    def _add(self, city: City, members: list[Airport]) -> None:
        self.cities[city.code] = city
        for airport in members:
            self.by_airport[airport.code] = city
            if airport.code in _HUB_RANK:
                self._weak.append((_airport_nickname(airport), city))

    def _name(self, name: str, city: City) -> None:
        bucket = self.by_name.setdefault(norm(name), [])
        if city not in bucket:
            bucket.append(city)

    def _add_metros(self) -> None:
        for code, (name, country, codes, extra) in METROS.items():
            members = [self.airports[c] for c in codes if c in self.airports]
            served = tuple(a for a in members if a.code in _HUB_RANK) or tuple(members[:1])
            city = City(code, name, country, members[0].subd, served,
                        tuple(a.code for a in members), True)
            self._add(city, members)
            self._metro_names[(norm(name), country)] = city
            for alias in (name, *extra):
                self._name(alias, city)
            self._weak += [(a.city, city) for a in members if a.city]

    def _add_cities(self) -> None:
        groups: dict[tuple[str, str], list[list[Airport]]] = {}
        for airport in self.airports.values():
            if airport.code in self.by_airport or self._join_metro(airport):
                continue
            if not airport.city:
                self._add_group([airport], airport.name)
                continue
            clusters = groups.setdefault((norm(airport.city), airport.country), [])
            near = next((c for c in clusters
                         if any(distance_km(a, airport) <= CLUSTER_KM for a in c)), None)
            if near is None:
                clusters.append([airport])
            else:
                near.append(airport)
        for clusters in groups.values():
            for members in clusters:
                self._add_group(members, None)

    def _join_metro(self, airport: Airport) -> bool:
        """Small airports of a metro's city (London Biggin Hill) name the metro too."""
        metro = self._metro_names.get((norm(airport.city), airport.country))
        if metro is None or distance_km(metro.main, airport) > CLUSTER_KM:
            return False
        self.by_airport[airport.code] = metro
        return True

    def _add_group(self, members: list[Airport], name: str | None) -> None:
        members = sorted(members, key=_airport_key)
        main = members[0]
        hubs = tuple(a for a in members if a.code in _HUB_RANK)
        display = RENAME.get(main.code) or name or main.city
        city = City(main.code, display, main.country, main.subd, hubs or (main,),
                    tuple(a.code for a in members), bool(hubs))
        self._add(city, members)
        if name is not None:
            self._weak.append((name, city))
        elif display != main.city:
            self._name(display, city)
            self._weak.append((main.city, city))
        else:
            self._name(display, city)

    # ---------------------------------------------------------------- lookups

    def code(self, code: str) -> City | None:
        """The city for a city/metro code or any of its airport codes."""
        code = code.strip().upper()
        return self.cities.get(code) or self.by_airport.get(code)

    def resolve(self, text: str) -> City:
        """Any way of naming a place -> its city; ``ValueError`` if unknown or ambiguous."""
        raw = " ".join(str(text).split())
        if not raw:
            raise ValueError("empty place name")
        found = _CODE_IN_PARENS.search(raw)
        if found and (city := self.code(found.group(1))):
            return city
        raw = _AIRPORT_WORDS.sub("", raw).strip() or raw
        if _CODE.fullmatch(raw) and raw.isupper() and (city := self.code(raw)):
            return city
        city = self._by_name(raw, raw, "")
        if city is None and "," in raw:
            name, _, qualifier = raw.rpartition(",")
            city = self._by_name(raw, name, qualifier.strip())
        if city is None and _CODE.fullmatch(raw):
            city = self.code(raw)
        return city or self._by_words(raw) or self._fuzzy(raw)

    def _named(self, name: str, qualifier: str = "") -> list[City]:
        """Airport cities called ``name``, and towns of that name with no airport of their
        own (their nearest airports serve them)."""
        key = norm(name)
        found = list(self.by_name.get(key, []))
        if key in self._nicknames:
            return found
        towns = gazetteer.towns(key)
        if found:  # another name of a town competes only if it would win outright
            floor = DOMINANT * max((population(c) for c in found), default=0)
            towns = [t for t in towns if norm(t.name) == key or t.population >= floor]
        if qualifier:
            towns = [t for t in towns if self._town_matches(t, qualifier)]
        for town in towns[:MAX_TOWNS]:
            if any(_near(c, town.lat, town.lon) for c in found):
                continue
            same = [c for c in self.by_name.get(norm(town.name), [])
                    if c.country == town.country and _near(c, town.lat, town.lon)]
            same += [c for c in self._near_cities(town)
                     if fuzz.ratio(norm(c.name), norm(town.name)) >= FUZZY_ACCEPT]
            found.append(same[0] if same else self._town_city(town))  # "Londn" is London
        return list(dict.fromkeys(found))

    def _near_cities(self, town: gazetteer.Town) -> list[City]:
        """Airport cities whose main airport is close to ``town`` (other spellings)."""
        if not hasattr(self, "_by_country"):
            self._by_country: dict[str, list[City]] = {}
            for city in list(self.cities.values()):
                if not city.via_km:
                    self._by_country.setdefault(city.country, []).append(city)
        spot = Airport("", "", "", "", town.country, town.lat, town.lon, "")
        return [c for c in self._by_country.get(town.country, [])
                if abs(c.main.lat - town.lat) < 1 and distance_km(c.main, spot) <= NEAR_KM / 3]

    def _town_matches(self, town: gazetteer.Town, qualifier: str) -> bool:
        q, upper = norm(qualifier), qualifier.strip().upper()
        if town.country == "US" and (upper == town.admin1
                                     or q == norm(US_STATES.get(town.admin1, "-"))):
            return True
        return upper == town.country or self.countries.get(q) == town.country or (
            REGIONS.get(q) == town.country)

    def _town_city(self, town: gazetteer.Town) -> City:
        code = f"G{town.geonameid}"
        if code in self.cities:
            return self.cities[code]
        spot = Airport("", town.name, town.name, "", town.country, town.lat, town.lon, "")
        ranked = sorted((distance_km(spot, a), a) for a in self._served())
        close = [(km, a) for km, a in ranked[:MAX_VIA] if km <= VIA_KM] or ranked[:1]
        subd = US_STATES.get(town.admin1, "") if town.country == "US" else ""
        city = City(code, town.name, town.country, subd, tuple(a for _, a in close), (),
                    False, town.population, tuple(round(km) for km, _ in close))
        self.cities[code] = city
        return city

    def _served(self) -> list[Airport]:
        """Airports with scheduled service: the hubs and the international airports."""
        if not hasattr(self, "_served_cache"):
            self._served_cache = [a for a in self.airports.values() if a.code in _HUB_RANK
                                  or "international" in a.name.casefold()]
        return self._served_cache

    def _by_name(self, text: str, name: str, qualifier: str) -> City | None:
        candidates = self._named(name, qualifier)
        if qualifier:
            candidates = [c for c in candidates if self._matches(c, qualifier)]
        return self._pick(text, candidates) if candidates else None

    def _by_words(self, text: str) -> City | None:
        """"Portland Oregon", "London Heathrow", "New York JFK": a name plus a detail."""
        words = text.replace(",", " ").split()
        for cut in range(len(words) - 1, 0, -1):
            head, tail = " ".join(words[:cut]), " ".join(words[cut:])
            candidates = self._named(head)
            if not candidates:
                continue
            if self._qualifies(tail):
                return self._by_name(text, head, tail)
            near = [c for c in candidates if self._mentions(c, tail)]
            if near:
                return self._pick(text, near)
        return None

    def _mentions(self, city: City, detail: str) -> bool:
        """Is ``detail`` one of the city's airports (by code or by a word of its name)?"""
        detail_norm = norm(detail)
        return any(
            detail.strip().upper() == code or detail_norm in norm(self.airports[code].name)
            for code in city.members
        )

    def _qualifies(self, qualifier: str) -> bool:
        q = norm(qualifier)
        return (q in self.countries or qualifier.strip().upper() in US_STATES or q in REGIONS
                or any(norm(s) == q for s in US_STATES.values()))

    def _matches(self, city: City, qualifier: str) -> bool:
        q, upper = norm(qualifier), qualifier.strip().upper()
        state = US_STATES.get(upper, "")
        return (
            upper == city.country
            or self.countries.get(q) == city.country
            or REGIONS.get(q) == city.country
            or (bool(q) and q == norm(city.subd))
            or (city.country == "US" and bool(state) and norm(state) == norm(city.subd))
        )

    def _pick(self, text: str, candidates: list[City]) -> City:
        unique = list(dict.fromkeys(candidates))
        if len(unique) == 1:
            return unique[0]
        hubs = [c for c in unique if c.hub]
        if len(hubs) == 1:
            return hubs[0]
        ranked = sorted(((population(c), c) for c in unique), key=lambda pc: -pc[0])
        if ranked[0][0] >= DOMINANT * max(ranked[1][0], 1):
            return ranked[0][1]  # a person means the big one unless they say otherwise
        options = "; ".join(_describe(c) for c in (hubs or unique)[:5])
        raise ValueError(
            f"{text!r} is ambiguous: {options} (add the country or use an airport code)"
        )

    def runner_up(self, city: City) -> City | None:
        """The next namesake a person might have meant, when ``city`` won on population and
        that namesake is not tiny next to it (Florence, IT -> Florence, South Carolina)."""
        others = [c for c in self._named(city.name) if c != city and c.name == city.name]
        if not others:
            return None
        best = max(others, key=population)
        if population(city) >= population(best) and population(best) * 20 >= population(city):
            return best
        return None

    def _fuzzy(self, text: str) -> City:
        country = self.countries.get(norm(text))
        if country:
            hubs = sorted((c for c in self.cities.values() if c.country == country and c.hub),
                          key=lambda c: _HUB_RANK.get(c.main.code, 0))
            examples = ", ".join(c.name for c in hubs[:4]) or "its cities"
            raise ValueError(f"{text!r} is a country: name a city ({examples}...)")
        matches = process.extract(norm(text), self._names, scorer=fuzz.ratio, limit=8,
                                  score_cutoff=60)
        ranked = sorted(
            ((name, score + (3.0 if any(c.hub for c in self.by_name[name]) else 0.0))
             for name, score, _ in matches),
            key=lambda kv: -kv[1],
        )
        if ranked and ranked[0][1] >= FUZZY_ACCEPT and (
            len(ranked) == 1 or ranked[1][1] <= ranked[0][1] - FUZZY_MARGIN
        ):
            return self._pick(text, self.by_name[ranked[0][0]])
        if not ranked:
            raise ValueError(f"unknown place {text!r} (give a city name or an airport code)")
        close = [c for name, _ in ranked for c in self.by_name[name]]
        options = "; ".join(_describe(c) for c in list(dict.fromkeys(close))[:5])
        raise ValueError(f"unknown place {text!r}; close matches: {options}")


def _near(city: City, lat: float, lon: float) -> bool:
    spot = Airport("", "", "", "", "", lat, lon, "")
    return any(distance_km(a, spot) <= NEAR_KM for a in city.airports[:1])


def population(city: City) -> int:
    """The population of the place named like ``city`` near its main airport (0 if unknown)."""
    if city.population:
        return city.population
    return max((t.population for t in gazetteer.towns(norm(city.name))
                if t.country == city.country and _near(city, t.lat, t.lon)), default=0)


def _airport_nickname(airport: Airport) -> str:
    """"London Heathrow Airport" -> "heathrow": what people call a big airport."""
    words = set(norm(airport.city).split()) | {"airport", "international", "intl", "de"}
    return " ".join(w for w in norm(airport.name).split() if w not in words)


def describe(city: City) -> str:
    """``Florence, South Carolina, US`` or ``Florence, IT``."""
    return _describe(city).rsplit(" (", 1)[0]


def _describe(city: City) -> str:
    where = f"{city.subd}, {city.country}" if city.subd and city.country == "US" else city.country
    return f"{city.name}, {where} ({city.code})"


@functools.cache
def index() -> PlaceIndex:
    """The place index, built once from ``airportsdata``."""
    table = airportsdata.load("IATA")
    airports = {
        code: Airport(code, row["name"], row["city"], row["subd"], row["country"],
                      float(row["lat"]), float(row["lon"]), row["tz"])
        for code, row in table.items()
        if row.get("tz")
    }
    return PlaceIndex(airports)


def resolve_place(text: str) -> City:
    """A place name or code -> its :class:`City` (``ValueError`` if unknown or ambiguous)."""
    return index().resolve(text)


def city(code: str) -> City:
    """The city with this canonical code (or any code that names it)."""
    found = index().code(code)
    if found is None:
        raise ValueError(f"unknown place code {code!r}")
    return found


def airport(code: str) -> Airport:
    """An airport by IATA code."""
    try:
        return index().airports[code.strip().upper()]
    except KeyError:
        raise ValueError(f"unknown airport {code!r}") from None


def normalize_place(value: Any, info: Any) -> str:
    """Pydantic validator: any place name or code -> the city's canonical code."""
    if isinstance(value, City):
        return value.code
    if not isinstance(value, str):
        raise ValueError("expected a city name or an airport code")
    if len(value) > MAX_PLACE_CHARS:
        raise ValueError(f"a place name is at most {MAX_PLACE_CHARS} characters")
    return resolve_place(value).code


Place = Annotated[str, BeforeValidator(normalize_place)]
"""A ``str`` argument holding a place: validated to the city's canonical code."""
