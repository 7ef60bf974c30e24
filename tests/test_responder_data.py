"""The responder's teacher data: jobs in the product's own prompts, resumable in stages,
kept apart from the answer evaluation, cleaned before training, encoded with the loss on
the reply only."""

from __future__ import annotations

import json
from pathlib import Path

from calvados.evaluation import read_cases
from calvados.plugins.support import COMFORT_SYSTEM
from calvados.student_models import responder_data as R
from calvados.student_models.teacher import Store, collect
from calvados.turn import CHAT_SYSTEM

REPO = Path(__file__).resolve().parents[1]
ANSWERS = REPO / "student_models" / "eval" / "answers.jsonl"


def fake_teacher(prompt: object, max_tokens: int = 0) -> str:
    if isinstance(prompt, str) and "feel" in prompt:  # a `vent` job: distress messages
        return ("1. I failed my exam and I feel awful.\n2. Moving here has been so lonely for me."
                "\n3. I'm so excited about my new school!\n4. You never call me, I feel hurt.")
    if isinstance(prompt, str) and "one clear answer" in prompt:  # a `facts` job
        return ("1. What's the capital city of France?\n2. How many legs does an ant have?\n"
                "3. Who painted the Mona Lisa?")
    if isinstance(prompt, str) and "no title line" in prompt:  # a `doc` job: a document
        return "The pool at 4 Elm Road reopens on 3 May after repairs costing 12,000 euros. " * 8
    if isinstance(prompt, str):  # an `ask` job: the teacher writes questions
        return ("1. How do I repot a cactus?\n2. What is the capital of France?\n"
                "3. Why do leaves fall?")
    system = prompt[0]["content"]  # type: ignore[index]
    if system.endswith(R.FACT_TEACHER):  # a factual question, asked for its context
        return ("An ant has six legs." if "an ant" in system else
                "Leonardo da Vinci painted it. He worked on it for years in Florence.")
    if "storyteller" in system:
        return "Once upon a time a hedgehog wanted to fly. He asked the geese for help."
    if "caring friend" in system:
        return "It sounds hard for you. That makes sense. What weighs on you most?"
    if "summarize" in system:
        return "Here is a summary: Plants make food from light."
    return "Plants make food from light and water. " * 15


def test_jobs_use_the_products_prompts_and_later_stages_follow(tmp_path: Path) -> None:
    store = Store(tmp_path, "answers-s0")
    exclude = [c["message"] for c in read_cases(ANSWERS)]
    first = list(R.jobs(store, exclude=exclude))
    kinds = {j.data["kind"] for j in first}
    assert kinds == {"chat", "story", "support", "ask", "vent", "facts", "doc"}
    chat = next(j for j in first if j.data["kind"] == "chat")
    assert chat.prompt[0] == {"role": "system", "content": CHAT_SYSTEM}
    assert chat.max_tokens == R.MAX_TOKENS["chat"]
    support = next(j for j in first if j.data["kind"] == "support")
    assert support.data["messages"][0]["content"] == COMFORT_SYSTEM  # what the record keeps
    assert support.prompt[0]["content"] == R.COMFORT_TEACHER  # what the teacher is told,
    assert [m["role"] for m in support.prompt[1:3]] == ["user", "assistant"]  # with examples
    assert support.prompt[-1] == support.data["messages"][-1]  # before the person's words
    story = next(j for j in first if j.data["kind"] == "story")
    assert "Write the beginning" in story.prompt[-1]["content"]
    assert len({j.id for j in first}) == len(first)
    collect(first, fake_teacher, store)
    later = list(R.jobs(store, exclude=exclude))[len(first):]
    asked = [j.prompt[-1]["content"] for j in later if j.data["kind"] == "chat"]
    assert "How do I repot a cactus?" in asked
    assert "What is the capital of France?" not in asked  # an evaluation case
    follow = [j for j in later if j.data["kind"] == "story"]
    assert follow and all(j.data["step"] in ("continue", "end") for j in follow)
    assert "hedgehog wanted to fly" in follow[0].prompt[-2]["content"]  # the story so far
    comfort = [j.prompt[-1]["content"] for j in later if j.data["kind"] == "support"]
    assert "Moving here has been so lonely for me." in comfort  # the teacher's own messages
    assert "I'm so excited about my new school!" not in comfort  # nothing hard in it
    assert "You never call me, I feel hurt." not in comfort  # said to someone, not of oneself
    summarized = [j.prompt[-1]["content"] for j in later if j.data["kind"] == "summary"]
    assert any("Plants make food" in x for x in summarized)  # a longer answer, summarized
    of_docs = [x for x in summarized if "The pool at 4 Elm Road" in x]  # a document, in
    assert len(of_docs) == len(R.DOC_KINDS) * 2  # a paragraph and bullets
    assert {x.rsplit("Summarize this text ", 1)[1] for x in of_docs} == {
        f"{shape}." for shape in R.SUMMARY_SHAPES}
    assert collect(R.jobs(store, exclude=exclude), fake_teacher, store) == len(later)
    summaries = [j for j in R.jobs(store, exclude=exclude) if j.id not in store.done()]
    assert summaries and {j.data["kind"] for j in summaries} == {"summary"}  # of new answers
    collect(summaries, fake_teacher, store)
    assert collect(R.jobs(store, exclude=exclude), fake_teacher, store) == 0  # all done
    records = R.samples(tmp_path)
    assert {r["kind"] for r in records} == {"chat", "story", "support", "summary"}
    assert "Plants make food from light." in {r["reply"] for r in records}  # no "Here is"


def test_factual_questions_are_answered_with_context_but_learned_in_the_products_prompt(
        tmp_path: Path) -> None:
    store = Store(tmp_path, "answers-s0")
    exclude = [c["message"] for c in read_cases(ANSWERS)]
    first = [j for j in R.jobs(store, exclude=exclude) if j.data["kind"] == "facts"]
    assert len(first) == len(R.FACT_DOMAINS)
    collect(first, fake_teacher, store)
    facts = [j for j in R.jobs(store, exclude=exclude) if j.id.startswith("answers-facts-")
             and j.data["kind"] == "chat"]
    asked = {j.data["messages"][-1]["content"] for j in facts}
    assert asked == {"How many legs does an ant have?"}  # the Mona Lisa is an evaluation case
    assert all(j.prompt[-1]["content"].endswith(R.FACT_TEACHER) for j in facts)  # told
    assert all(j.prompt[-1]["content"].startswith(j.data["messages"][-1]["content"])
               for j in facts)
    assert all(j.data["messages"][0]["content"] == CHAT_SYSTEM for j in facts)  # kept
    collect(facts, fake_teacher, store)
    learned = [r for r in R.samples(tmp_path) if r["kind"] == "chat"]
    assert learned == []  # "An ant has six legs." gives the answer without its context
    store.append({"job": "answers-facts-1-q0", "kind": "chat", "context": True,
                  "messages": R.chat_messages("Who painted the Night Watch?"),
                  "reply": "Rembrandt painted it in 1642. It hangs in the Rijksmuseum."})
    learned = [r for r in R.samples(tmp_path) if r["kind"] == "chat"]
    assert [r["reply"] for r in learned] == [
        "Rembrandt painted it in 1642. It hangs in the Rijksmuseum."]
    assert learned[0]["messages"][0]["content"] == CHAT_SYSTEM
    # "What's the capital city of France?" asks what an evaluation case asks, in other words
    assert R._gist("What's the capital city of France?") == R._gist(
        "What is the capital of France?")


def test_comfort_replies_of_the_first_prompt_are_left_out(tmp_path: Path) -> None:
    store = Store(tmp_path, "answers-s0")
    reply = "I'm so sorry, that sounds lonely for you. It makes sense. What do you miss most?"
    for job in ("answers-comfort-3", "answers-vent-2-c1", "answers-comfort2-3",
                "answers-vent-2-k1"):
        store.append({"job": job, "kind": "support", "reply": reply,
                      "messages": [{"role": "system", "content": COMFORT_SYSTEM},
                                   {"role": "user", "content": f"I feel lonely ({job})."}]})
    kept = [r["messages"][-1]["content"] for r in R.samples(tmp_path)]
    assert kept == ["I feel lonely (answers-comfort2-3).", "I feel lonely (answers-vent-2-k1)."]


def test_no_evaluation_message_is_a_job() -> None:
    store = Store(Path("/nonexistent"), "answers-s0")
    messages = {R._key(c["message"]) for c in read_cases(ANSWERS)}
    asked = {R._key(j.prompt[-1]["content"]) for j in R.jobs(store, exclude=messages)
             if not isinstance(j.prompt, str)}
    assert not asked & messages


def test_clean_keeps_what_is_fit_to_learn() -> None:
    story = ("**The Brave Hedgehog**\n\nOnce upon a time there was a hedgehog. Here is the "
             "story you asked for. He wanted to fly.\n\nOne day he saw a bird. It was")
    assert R.clean("story", story, "") == ("Once upon a time there was a hedgehog. He wanted "
                                           "to fly.\n\nOne day he saw a bird.")
    assert R.clean("support", "You may have depression. What worries you?", "sad") == ""
    assert R.clean("support", "I'm so sorry, it is hard for you. What helps you?", "sad") == (
        "I'm so sorry, it is hard for you. What helps you?")
    # its question is an open one about the person, not a probe of the facts
    assert R.clean("support", "I'm so sorry, it is hard for you. What did he do?", "sad") == ""
    # it first acknowledges the person, as the comfort skill's template does
    assert R.clean("support", "It's understandable to feel sad. What helps?", "sad") == ""
    assert R.clean("support", "The person feels sad. What helps them?", "sad") == ""
    advice = ("That sounds so hard for you. It's important to rest. It makes sense to feel "
              "that way. What is hardest for you?")
    assert R.clean("support", advice, "sad") == (  # the advice is left out, the rest kept
        "That sounds so hard for you. It makes sense to feel that way. What is hardest for you?")
    assert R.clean("support", "Have you tried yoga? It can be hard for you.", "sad") == ""
    assert R.clean("chat", "Tips:\n1. Sleep well.\n2. Drink water.\n3. Eat", "") == (
        "Tips:\n1. Sleep well.\n2. Drink water.")
    assert R.clean("chat", "Blue light scatters more. Light of short", "") == (
        "Blue light scatters more.")


def test_a_responder_record_is_encoded_with_the_loss_on_the_reply_only() -> None:
    from calvados.student_models.train import END, encode, load_base

    tokenizer, _ = load_base("smollm2-135m")
    record = {"messages": [{"role": "system", "content": CHAT_SYSTEM},
                           {"role": "user", "content": "why is the sky blue?"}],
              "reply": "Sunlight scatters off the air, and blue scatters most."}
    ids, labels = encode(record, tokenizer, 384)
    answer = [i for i, y in zip(ids, labels, strict=True) if y != -100]
    assert tokenizer.decode(answer) == record["reply"] + END
    prompt = tokenizer.decode(ids[:len(ids) - len(answer)])
    assert prompt.endswith("<|im_start|>assistant\n") and "why is the sky blue?" in prompt


def test_responder_data_writes_the_records_and_repeats_a_kind(tmp_path: Path) -> None:
    from calvados.cli import cli, distill  # noqa: F401  (registers `distill`)
    from click.testing import CliRunner

    store = Store(tmp_path / "answers", "answers-s0")
    store.append({"job": "answers-comfort2-0", "kind": "support", "messages": [
        {"role": "system", "content": COMFORT_SYSTEM}, {"role": "user", "content": "I'm sad."}],
        "reply": "That sounds so hard for you. It makes sense. What is hardest for you?"})
    store.append({"job": "answers-chat-0", "kind": "chat", "messages": R.chat_messages("Why?"),
                  "reply": "Because the light scatters."})
    out = tmp_path / "train.jsonl"
    args = ["distill", "responder-data", "--out", str(out), "--from", str(tmp_path / "answers")]
    result = CliRunner().invoke(cli, [*args, "--repeat", "support=3"])
    assert result.exit_code == 0, result.output
    kinds = [json.loads(line)["kind"] for line in out.read_text().splitlines()]
    assert sorted(kinds) == ["chat", "support", "support", "support"]
    assert "4 records" in result.output
    bad = CliRunner().invoke(cli, [*args, "--repeat", "support=x"])
    assert bad.exit_code != 0 and "expected KIND=N" in bad.output
