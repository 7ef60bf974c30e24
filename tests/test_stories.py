"""Stories: titled, streamed, in the length band, gentle for children, and continued on request."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from calvados import Agent, LocalModels, ToolContext, ToolError
from calvados.backends.base import Backend, Message
from calvados.plugins.stories import BANDS, child_safe, count_words, soften, tell_story
from calvados.registry import get_registry
from calvados.storage import Database, Session
from conftest import NOW


class StoryBackend(Backend):
    """Writes fresh numbered sentences, or replays a script; records every request."""

    name = "story-fake"

    def __init__(self, per_call: int = 12, script: list[str] | None = None,
                 title: str = "The Lantern Fox") -> None:
        self.model_name = "story-fake"
        self.per_call = per_call
        self.script = list(script or [])
        self.title = title
        self.calls: list[list[Message]] = []
        self.count = 0

    def complete(self, prompt: str, **kwargs: Any) -> Iterator[str]:
        raise AssertionError("stories use chat()")

    def chat(self, messages: list[Message], **kwargs: Any) -> Iterator[str]:
        self.calls.append(list(messages))
        if len(messages) == 1 and "title" in messages[0]["content"]:
            text = self.title
        elif self.script:
            text = self.script.pop(0)
        else:
            text = self.fresh(self.per_call)
        for i in range(0, len(text), 5):
            yield text[i:i + 5]

    def fresh(self, sentences: int) -> str:
        out = []
        for _ in range(sentences):
            self.count += 1
            out.append(f"The fox counted pebble number {self.count} by the quiet river.")
        return " ".join(out)

    @property
    def requests(self) -> list[str]:
        return [m[-1]["content"] for m in self.calls]


def tell(args: dict[str, Any], backend: Backend, session: Session | None = None,
         ) -> tuple[str, dict[str, Any]]:
    ctx = ToolContext(now=NOW, session=session, models=LocalModels(backend))
    chunks: list[str] = []
    final: dict[str, Any] = {}
    for item in tell_story.run(args, ctx):
        if isinstance(item, str):
            chunks.append(item)
        else:
            final = item
    return "".join(chunks), final


def body_of(final: dict[str, Any]) -> str:
    return str(final["text"]).split("\n\n", 1)[1]


@pytest.mark.parametrize("length", ["short", "medium", "long"])
def test_each_length_lands_in_its_band_in_sections(length: str) -> None:
    backend = StoryBackend()
    streamed, final = tell({"topic": "a fox", "length": length}, backend)
    low, high = BANDS[length]
    assert low <= final["words"] <= high and final["in_band"]
    assert final["words"] == count_words(body_of(final))
    assert streamed.strip() == final["text"] and streamed.startswith("The Lantern Fox\n\n")
    assert final["title"] == "The Lantern Fox"
    requests = backend.requests[1:]  # after the title
    assert "Write the beginning" in requests[0]
    assert any("ending" in r for r in requests) and len(requests) >= 2


def test_a_verbose_model_is_trimmed_at_a_sentence_below_the_ceiling() -> None:
    streamed, final = tell({"topic": "a fox", "length": "short"}, StoryBackend(per_call=80))
    assert 150 <= final["words"] <= 300
    assert streamed.rstrip().endswith(".")


def test_a_terse_model_is_asked_for_more_until_the_floor() -> None:
    backend = StoryBackend(per_call=3)
    _, final = tell({"topic": "a fox", "length": "medium"}, backend)
    assert 400 <= final["words"] <= 700
    assert sum("Continue the story" in r for r in backend.requests) >= 3


def test_loops_are_cut_and_repeats_never_shown() -> None:
    loop = " ".join(["The river sang a little song for the fox."] * 12)
    backend = StoryBackend(script=[loop])
    _, final = tell({"topic": "a fox", "length": "short"}, backend)
    assert body_of(final).count("The river sang a little song") == 1
    assert 150 <= final["words"] <= 300


def test_one_name_per_character_and_no_word_count_chatter() -> None:
    first = ("Once upon a time a little fox called Finnley lived by the river. Finnly loved "
             "to watch the fish jump. That was 110 words, but one more thing. One morning "
             "Finnleh met a heron named Marigold by the reeds.")
    backend = StoryBackend(script=[first])
    _, final = tell({"topic": "a fox", "length": "short"}, backend)
    body = body_of(final)
    assert "Finnly" not in body and "Finnleh" not in body
    assert "Finnley loved to watch" in body and "One morning Finnley met a heron" in body
    assert "110 words" not in body and "Marigold" in body


def test_a_name_after_a_title_is_kept_one_way() -> None:
    first = ("It was Captain Blackbeak who sailed the ship every morning. Captain Blackbeam "
             "smiled at the crew and waved. The crew of Blackbeek cheered for the sea.")
    backend = StoryBackend(script=[first])
    _, final = tell({"topic": "a pirate", "audience": "adult", "length": "short"}, backend)
    body = body_of(final)
    assert "Blackbeam" not in body and "Blackbeek" not in body
    assert "Captain Blackbeak smiled" in body and "crew of Blackbeak cheered" in body


def test_two_spellings_in_one_sentence_become_one() -> None:
    first = ("Once upon a time a little fox called Finnley lived by the river, and Finnly "
             "loved to watch the fish jump. The heron told Finnleh a secret.")
    backend = StoryBackend(script=[first])
    _, final = tell({"topic": "a fox", "length": "short"}, backend)
    body = body_of(final)
    assert "Finnly" not in body and "Finnleh" not in body
    assert "and Finnley loved to watch" in body and "told Finnley a secret" in body


def test_a_child_never_gets_violence_and_scary_words_are_softened() -> None:
    first = ("Once upon a time a fox lived by a scary old mill. The wolf killed the rabbit and "
             "there was blood everywhere. The fox made friends with a monster who loved soup. "
             "Then a soldier pulled out a gun and started shooting.")
    backend = StoryBackend(script=[first])
    _, final = tell({"topic": "a fox", "audience": "child"}, backend)
    body = body_of(final)
    assert child_safe(final["text"])
    assert "killed" not in body and "gun" not in body
    assert "a strange old mill" in body and "a creature who loved soup" in body
    assert final["dropped"] == 2 and final["softened"] == 2
    assert "Keep it gentle: no fighting" in backend.requests[2]  # the next section is told
    assert 150 <= final["words"] <= 300


def test_a_violent_topic_for_a_child_still_gives_a_gentle_story() -> None:
    backend = StoryBackend(script=["The zombies attacked the town and killed everyone. "
                                   "Blood ran in the streets."])
    _, final = tell({"topic": "a zombie war", "audience": "child"}, backend)
    assert child_safe(final["text"]) and final["dropped"] == 2
    assert "Keep it gentle and happy" in backend.requests[1]


def test_teens_may_get_a_fight_but_not_gore_and_adults_get_what_was_written() -> None:
    script = ["The knights fought at the gate until dawn. The traitor was dismembered slowly."]
    _, teen = tell({"topic": "knights", "audience": "teen"}, StoryBackend(script=list(script)))
    assert "fought at the gate" in teen["text"] and "dismembered" not in teen["text"]
    _, adult = tell({"topic": "knights", "audience": "adult"}, StoryBackend(script=list(script)))
    assert "dismembered" in adult["text"]


def test_a_chatty_title_is_replaced_by_a_plain_one() -> None:
    backend = StoryBackend(title="Sure! Here is a lovely title for your story about the sea")
    _, final = tell({"topic": "a snail who wants to see the sea"}, backend)
    assert final["title"] == "The Story of Snail who Wants to See the Sea"


def test_a_child_never_gets_a_scary_title() -> None:
    _, final = tell({"topic": "a dragon who is afraid of the dark"},
                    StoryBackend(title="Dragon of the Nightmare"))
    assert final["title"] == "The Story of Dragon who Is Afraid of the Dark"
    _, teen = tell({"topic": "a dragon", "audience": "teen"},
                   StoryBackend(title="Dragon of the Nightmare"))
    assert teen["title"] == "Dragon of the Nightmare"


def test_continue_the_story_picks_up_the_last_one() -> None:
    session = Session.create(Database())
    backend = StoryBackend()
    _, first = tell({"topic": "a clockmaker", "audience": "adult"}, backend, session)
    before = len(backend.calls)
    _, more = tell({"continue_story": True}, backend, session)
    assert more["continued"] and more["title"] == "The Lantern Fox (continued)"
    assert more["audience"] == "adult" and more["topic"] == "a clockmaker"
    request = backend.calls[before]  # no new title: straight on with the story
    assert [m["role"] for m in request] == ["system", "user", "assistant", "user"]
    assert request[2]["content"].endswith(body_of(first)[-60:])
    assert "Continue the story" in request[3]["content"]
    assert 150 <= more["words"] <= 300
    assert not set(body_of(more).split(". ")) & set(body_of(first).split(". "))
    _, again = tell({"topic": "continue"}, backend, session)  # "continue the story" as a topic
    assert again["continued"] and again["title"].endswith("(continued)")


def test_continuing_with_no_story_is_a_one_line_error() -> None:
    with pytest.raises(ToolError, match="no story to continue"):
        tell({"continue_story": True}, StoryBackend(), Session.create(Database()))


def test_soften_keeps_capitals() -> None:
    assert soften("Monsters and a scary ghost.") == "Creatures and a strange shadow."


def test_through_the_agent_with_examples_that_validate() -> None:
    registry = get_registry()
    tool = registry.tool("tell_story")
    assert tool.data_class == "story" and len(tool.examples) >= 5
    agent = Agent(registry=registry, chat_backend=StoryBackend())
    for example in tool.examples:
        tool.validate(example.arguments, agent.context())
    result = agent.run_tool("tell_story", {"topic": "a brave snail", "length": "short"})
    assert result.error is None and result.text.startswith("The Lantern Fox\n\n")
    assert agent.run_tool("tell_story", {"continue_story": True}).result["continued"]


# ---------------------------------------------------------------------------- the real model

@pytest.mark.slow
@pytest.mark.timeout(1200)  # about a minute on an idle machine; far more on a busy one
@pytest.mark.parametrize(("topic", "audience", "length"), [
    ("a little fox who learns to swim", "child", "short"),
    ("two friends who build a raft", "teen", "medium"),
    ("a dragon who is afraid of the dark", "child", "long"),
])
def test_length_bands_with_the_default_local_model(
    smollm2: Backend, topic: str, audience: str, length: str
) -> None:
    streamed, final = tell({"topic": topic, "audience": audience, "length": length}, smollm2)
    low, high = BANDS[length]
    print(f"{length}/{audience}: {final['words']} words, title {final['title']!r}, "
          f"dropped {final['dropped']}, softened {final['softened']}")
    assert low <= final["words"] <= high, final["text"]
    assert streamed.strip() == final["text"] and final["title"]
    if audience == "child":
        assert child_safe(final["text"])


def test_the_docs_state_the_numbers_the_code_uses() -> None:
    from calvados.plugins.stories import HARD_CAP, NO_REPEAT, SECTION_WORDS, TAIL_WORDS, TEMPERATURE
    from conftest import REPO

    doc = (REPO / "docs" / "stories.md").read_text("utf-8")
    assert '`"short"` (150-300 words), `"medium"` (400-700), `"long"` (900 or more)' in doc
    assert BANDS["short"] == (150, 300) and BANDS["medium"] == (400, 700)
    assert BANDS["long"][0] == 900 and f"| {BANDS['long'][0]}-{BANDS['long'][1]} |" in doc
    words = SECTION_WORDS
    assert f"about {words['short']}\n(short), {words['medium']} (medium) or {words['long']}" in doc
    assert f"last {TAIL_WORDS} words" in doc and f"up to {HARD_CAP} sections" in doc
    assert f"temperature {TEMPERATURE}" in doc
    assert f"no run of {NO_REPEAT} tokens is written twice" in doc
