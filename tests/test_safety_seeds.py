"""The safety detector's seed banks: the longer hand-written lists are appended after the
built-in ones, so a seed's place (and whether it is held out) never changes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from calvados.student_models import safety_banks as S


@pytest.fixture
def seeds_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setattr(S, "SEEDS_DIR", tmp_path)
    S.bank.cache_clear()
    yield tmp_path
    S.bank.cache_clear()


def test_the_shipped_lists_are_appended_after_the_built_in_ones() -> None:
    S.bank.cache_clear()
    for lang in S.LANGS:
        built_in = S.EN if lang == "en" else S.OTHER[lang]
        merged = S.bank(lang)
        assert set(merged) == set(S.CRISIS_KINDS + S.CALM_KINDS)
        for kind, items in built_in.items():
            assert merged[kind][:len(items)] == items  # places unchanged
        assert sum(map(len, merged.values())) > sum(map(len, built_in.values()))


def test_a_seed_already_known_is_not_added_twice(seeds_dir: Path) -> None:
    known = S.EN["sad"][0]
    (seeds_dir / "en-more.json").write_text(json.dumps({"sad": [known, "my plant died", known]}))
    sad = S.bank("en")["sad"]
    assert sad[:len(S.EN["sad"])] == S.EN["sad"]
    assert sad[len(S.EN["sad"]):] == ["my plant died"]


def test_an_unknown_kind_is_refused(seeds_dir: Path) -> None:
    (seeds_dir / "fr.json").write_text(json.dumps({"sadness": ["je suis triste"]}))
    with pytest.raises(ValueError, match="unknown seed kind 'sadness'"):
        S.bank("fr")
