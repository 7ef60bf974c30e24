"""The shipped responder: SmolLM2 with the distilled responder adapter merged in, pinned,
verified before use, a chat model like any other (not the default)."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from calvados import student_models
from calvados.config import Settings
from calvados.errors import ModelError
from calvados.models import RESPONDER, RESPONDER_MODEL, get_model, list_models, load_backend

PROMPT = [{"role": "user", "content": "Why do leaves change colour in autumn?"}]


def shipped() -> student_models.Student:
    student = next((s for s in student_models.list_students() if s.name == RESPONDER), None)
    assert student is not None, "the responder must ship with the package"
    return student


def test_the_responder_is_pinned_with_its_card() -> None:
    student = shipped()
    manifest = json.loads((student.adapter_path.parent / "manifest.json").read_text())
    assert manifest["base"] == "smollm2-135m"
    assert len(manifest["sha256"]) == 64 and len(manifest["merged_sha256"]) == 64
    card = student.card.read_text()
    assert "win rate" in card and "repeated_4gram_rate" in card
    assert Settings().default_model == "smollm2-135m"  # the judge did not prefer it


def test_the_responder_is_a_listed_chat_model_that_writes_differently(home: Path) -> None:
    listed = {m.name: m for m in list_models()}
    assert listed[RESPONDER_MODEL].builtin
    spec = get_model(RESPONDER_MODEL)
    assert Path(spec.path).is_file() and spec.sha256 == shipped().merged_sha256
    options = {"temperature": 0.0, "max_tokens": 40}
    mine = "".join(load_backend(RESPONDER_MODEL).chat(PROMPT, **options))
    base = "".join(load_backend("smollm2-135m").chat(PROMPT, **options))
    assert mine.strip() and mine != base  # the adapter is in the merged file


def test_a_tampered_responder_adapter_is_refused(home: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    student = shipped()
    folder = tmp_path / RESPONDER
    shutil.copytree(student.adapter_path.parent, folder)
    adapter = folder / student.adapter_path.name
    data = bytearray(adapter.read_bytes())
    data[-1] ^= 0xFF
    adapter.write_bytes(bytes(data))
    fake = replace(student, adapter_path=adapter, merged_sha256="0" * 64)
    monkeypatch.setattr(student_models, "list_students", lambda root=None: [fake])
    with pytest.raises(ModelError, match="checksum mismatch"):
        get_model(RESPONDER_MODEL)
