"""Hybrid fallback against a local Gemini-speaking HTTP server, through the real google-genai
client: policy, redaction on the wire, consent, the ledger, failures, tool calls, the CLI."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from calvados import Agent, ConfirmationNeeded, ConsentNeeded, Event, Final, Notice, tool
from calvados.backends.gemini import FunctionCall, GeminiBackend, Usage
from calvados.config import Settings
from calvados.errors import CloudError, CloudUnreachable, ConfigError
from calvados.hybrid import NO_KEY_NOTE, STATE_LOCAL_ONLY
from calvados.planner import Plan, Planner
from calvados.policy import DEFAULTS, Policy, set_rule
from calvados.registry import Registry
from calvados.routing import Route, decide
from conftest import ScriptedBackend
from gemini_server import FakeGemini, Reply, Request, closed_port_url

KEY = "test-key-0123456789"
PRIVATE = ["alice.martin@example.com", "415 555 0132", "4111 1111 1111 1111", "Alice", "Martin"]
MESSAGE = ("ask gemini: draft a note to alice.martin@example.com, phone +1 415 555 0132, "
           "card 4111 1111 1111 1111. Sign it Alice Martin.")


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGemini]:
    with FakeGemini() as server:
        monkeypatch.setenv("CALVADOS_GEMINI_BASE_URL", server.url)
        yield server


def make_agent(
    *, key: str | None = KEY, local: Any = None, registry: Registry | None = None,
    consent: Any = None, confirm: Any = None, override: str | None = None, plans: Any = None,
    session: str | None = None,
) -> Agent:
    settings = Settings(gemini_api_key=key, gemini_timeout=0.5, gemini_retries=1,
                        user_names=["Alice Martin"])
    registry = registry or Registry()
    planner = Planner(ScriptedBackend(plans or ["none"] * 5), list(registry.tools.values()), set())
    agent = Agent(session, settings=settings, registry=registry, planner=planner,
                  chat_backend=local or ScriptedBackend(["A local answer."] * 5, "local-model"),
                  consent=consent, confirm=confirm)
    agent.cloud.override = override
    return agent


def run(agent: Agent, message: str) -> tuple[list[Event], Final]:
    events = list(agent.chat(message))
    assert isinstance(events[-1], Final)
    return events, events[-1]


def notices(events: list[Event]) -> list[str]:
    return [e.text for e in events if isinstance(e, Notice)]


def as_sent(request: Request) -> str:
    """The request rebuilt from the wire the way the ledger renders it."""
    body = request.body
    blocks = [("system", p["text"]) for p in body.get("systemInstruction", {}).get("parts", [])]
    for content in body["contents"]:
        role = "assistant" if content["role"] == "model" else content["role"]
        blocks += [(role, p["text"]) for p in content["parts"]]
    text = "\n\n".join(f"[{role}]\n{t}" for role, t in blocks)
    if request.function_names:
        text += "\n\n[functions offered] " + ", ".join(request.function_names)
    return text


# ---------------------------------------------------------------------------- allow


def test_allow_sends_redacted_text_and_records_the_ledger(fake: FakeGemini) -> None:
    set_rule("chat", "allow")
    fake.default = Reply("Draft for [EMAIL_1], signed [NAME_1].")
    agent = make_agent()
    events, final = run(agent, MESSAGE)

    assert len(fake.requests) == 1
    request = fake.requests[0]
    assert request.path == "/v1beta/models/gemini-2.5-flash:streamGenerateContent"
    assert request.query == "alt=sse" and request.headers["x-goog-api-key"] == KEY
    for value in PRIVATE:
        assert value not in request.wire
    assert "[EMAIL_1]" in request.texts[-1] and "[PHONE_1]" in request.texts[-1]
    assert "[CARD_1]" in request.texts[-1] and "[NAME_1]" in request.texts[-1]

    assert final.text == "Draft for alice.martin@example.com, signed Alice Martin."
    assert final.where.startswith("cloud: gemini-2.5-flash (ledger #")
    rows = agent.cloud.ledger.entries()
    assert len(rows) == 1
    row = rows[0]
    assert row["status"] == "ok" and row["model"] == "gemini-2.5-flash"
    assert row["rule"] == "policy chat=allow" and row["data_classes"] == ["chat"]
    assert row["trigger"] == "explicit" and row["session_id"] == agent.session.id
    assert row["sent"] == as_sent(request)
    assert row["prompt_tokens"] == len(" ".join(request.texts)) // 4
    assert row["reply_tokens"] == len(fake.default.text) // 4
    stored = agent.session.messages()
    assert [m["role"] for m in stored] == ["user", "assistant"]
    assert stored[1]["content"] == final.text and stored[1]["meta"]["ledger"] == row["id"]
    assert not notices(events)


def test_generate_content_with_tool_calls_and_usage(fake: FakeGemini) -> None:
    fake.replies = [Reply("Booking.", calls=[("lookup", {"code": "LIS"})])]
    backend = GeminiBackend(api_key=KEY, timeout=1, retries=0)
    reply = backend.generate([{"role": "system", "content": "be brief"},
                              {"role": "user", "content": "hi"}], tools=[lookup])
    request = fake.requests[0]
    assert request.path.endswith(":generateContent") and not request.streaming
    assert request.function_names == ["lookup"]
    assert request.body["systemInstruction"]["parts"][0]["text"] == "be brief"
    assert reply.text == "Booking." and reply.calls == [FunctionCall("lookup", {"code": "LIS"})]
    assert reply.usage.prompt_tokens > 0 and reply.usage.reply_tokens > 0


def test_the_key_is_never_logged_or_shown(
    fake: FakeGemini, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    agent = make_agent(override="allow")
    events, final = run(agent, MESSAGE)
    backend = agent.cloud.backend
    shown = [repr(backend), str(events), caplog.text, json.dumps(agent.cloud.ledger.entries())]
    assert all(KEY not in text for text in shown)
    assert final.where.startswith("cloud:")


# ---------------------------------------------------------------------------- deny / local


def test_deny_sends_nothing(fake: FakeGemini) -> None:
    set_rule("chat", "deny")
    events, final = run(make_agent(), MESSAGE)
    assert fake.requests == []
    assert final.text == "A local answer." and final.where == "on-device: local-model"
    assert notices(events) == ["cloud: not sent (policy chat=deny); answered on this device"]


def test_emotional_never_leaves_even_when_allowed(fake: FakeGemini) -> None:
    set_rule("chat", "allow")
    agent = make_agent(override="allow")
    events, final = run(agent, "ask gemini: I feel so lonely and sad tonight")
    assert final.where.startswith("on-device")
    assert "emotional data never leaves the device" in notices(events)[0]
    text = "".join(agent.complete_for("emotional", [{"role": "user", "content": "comfort me"}],
                                      prefer_cloud=True))
    assert text == "A local answer."
    assert fake.requests == []


def test_a_crisis_keeps_the_whole_session_local(fake: FakeGemini) -> None:
    agent = make_agent(override="allow")
    _, first = run(agent, "I want to end my life")
    assert first.crisis and agent.session.get_state(STATE_LOCAL_ONLY) == "crisis"
    events, final = run(agent, "ask gemini what the capital of Australia is")
    assert final.where.startswith("on-device")
    assert "crisis: this conversation stays on the device" in notices(events)[0]
    resumed = make_agent(override="allow", session=agent.session.id)
    run(resumed, "use the cloud: explain quantum tunnelling in detail")
    assert fake.requests == []


def test_without_a_key_stay_local_and_say_so_once(fake: FakeGemini) -> None:
    agent = make_agent(key=None, override="allow")
    greeting, _ = run(agent, "hello")  # routed to the device anyway: nothing to say
    first, _ = run(agent, "explain how the French revolution started")
    second, final = run(agent, "explain why the sky is blue at noon")
    assert notices(greeting) == []
    assert notices(first) == [NO_KEY_NOTE] and notices(second) == []
    assert "nothing left the device" in NO_KEY_NOTE and "\n" not in NO_KEY_NOTE
    assert final.text == "A local answer." and fake.requests == []


@pytest.mark.parametrize(("message", "raw_plan", "trigger"), [
    ("what's this about? " + "pasted text. " * 700, "none", "context"),
    ("write a detailed report on the Baltic trade", "none", "length"),
    ("hm, the thing from before", 'search_flights(origin="', "unsure"),
    ("explain how tides work on the Atlantic coast", "none", "knowledge"),
])
def test_each_trigger_escalates_a_direct_reply(
    message: str, raw_plan: str, trigger: str, fake: FakeGemini
) -> None:
    fake.default = Reply("From the cloud.")
    agent = make_agent(override="allow", plans=[raw_plan])
    _, final = run(agent, message)
    assert final.text == "From the cloud."
    assert agent.cloud.ledger.entries()[0]["trigger"] == trigger


def test_no_trigger_stays_local(fake: FakeGemini) -> None:
    _, final = run(make_agent(override="allow"), "hello there, how are you?")
    assert final.where.startswith("on-device") and fake.requests == []


# ---------------------------------------------------------------------------- consent


def test_ask_shows_exactly_what_would_be_sent(fake: FakeGemini) -> None:
    asked: list[ConsentNeeded] = []
    agent = make_agent(consent=lambda req: asked.append(req) or True)
    events, final = run(agent, MESSAGE)
    assert len(asked) == 1 and asked[0].data_classes == ["chat"]
    assert asked[0].text == as_sent(fake.requests[0])
    assert all(value not in asked[0].text for value in PRIVATE)
    assert any(isinstance(e, ConsentNeeded) and e.approved for e in events)
    assert agent.cloud.ledger.entries()[0]["rule"] == "consent (policy chat=ask)"
    assert final.where.startswith("cloud:")


def test_ask_with_no_one_to_ask_denies_and_says_how_to_allow(
    fake: FakeGemini, monkeypatch: pytest.MonkeyPatch
) -> None:
    from calvados.cli.policy import consent_on_tty

    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    events, final = run(make_agent(consent=consent_on_tty()), MESSAGE)
    assert fake.requests == []
    assert final.text == "A local answer."
    (note,) = notices(events)
    assert "--cloud allow" in note and "calvados policy set chat allow" in note
    assert "\n" not in note


# ---------------------------------------------------------------------------- failures


FAILURES = {
    "server down": (None, 0, "cannot reach the cloud model"),
    "http 500": (Reply(status=500), 2, "HTTP 500"),
    "slow": (Reply(delay=2.0), 2, "did not answer within 0.5 s"),
    "malformed": (Reply(raw=b"data: {not json\r\n\r\n"), 1, "malformed"),
    "empty": (Reply(raw=b"data: {}\r\n\r\n"), 1, "empty or malformed"),
    "broken stream": (Reply(raw=b"data: " + json.dumps(
        {"candidates": [{"content": {"role": "model", "parts": [{"text": "Partial "}]}}]}
    ).encode() + b"\r\n\r\ndata: {oops\r\n\r\n"), 1, "malformed"),
}


@pytest.mark.parametrize("case", list(FAILURES))
def test_failures_answer_locally_with_one_line(
    case: str, fake: FakeGemini, monkeypatch: pytest.MonkeyPatch
) -> None:
    reply, attempts, reason = FAILURES[case]
    if reply is None:
        monkeypatch.setenv("CALVADOS_GEMINI_BASE_URL", closed_port_url())
    else:
        fake.default = reply
    agent = make_agent(override="allow")
    run(agent, "hello")
    events, final = run(agent, MESSAGE)
    assert len(fake.requests) == attempts
    assert final.text == "A local answer." and final.where == "on-device: local-model"
    (note,) = notices(events)
    assert reason in note and note.endswith("answered on this device") and "\n" not in note
    contents = [m["content"] for m in agent.session.messages()]
    assert contents == ["hello", "A local answer.", MESSAGE, "A local answer."]
    (row,) = agent.cloud.ledger.entries()
    assert row["status"] == "error" and reason in row["error"]


def test_after_a_timeout_the_session_stays_local_for_a_while(fake: FakeGemini) -> None:
    fake.default = Reply(delay=2.0)
    agent = make_agent(override="allow")
    run(agent, MESSAGE)
    sent = len(fake.requests)
    events, final = run(agent, "explain how tides work on the Atlantic coast")
    assert len(fake.requests) == sent and final.where.startswith("on-device")
    assert notices(events) == []


def test_a_real_local_model_answers_when_the_cloud_fails(fake: FakeGemini, smollm2: Any) -> None:
    fake.default = Reply(status=500)
    agent = make_agent(local=smollm2, override="allow")
    events, final = run(agent, "ask gemini: say hello to me in one short sentence")
    assert final.where == "on-device: smollm2-135m" and final.text.strip()
    assert "HTTP 500" in notices(events)[0]


# ---------------------------------------------------------------------------- tools and skills


CALLS: list[str] = []


@tool(data_class="travel")
def lookup(code: str) -> dict[str, Any]:
    """Look up an airport.

    Args:
        code: Airport code or e-mail to look up.
    """
    CALLS.append(f"lookup {code}")
    return {"text": f"looked up {code}"}


@tool(data_class="travel", needs_confirmation=True)
def cancel_order(order_id: str) -> dict[str, Any]:
    """Cancel an order.

    Args:
        order_id: The order to cancel.
    """
    CALLS.append(f"cancel {order_id}")
    return {"text": f"cancelled {order_id}"}


def tool_registry() -> Registry:
    registry = Registry()
    registry.add(lookup)
    registry.add(cancel_order)
    return registry


def test_cloud_tool_calls_run_locally_with_restored_arguments_and_confirmation(
    fake: FakeGemini,
) -> None:
    CALLS.clear()
    fake.default = Reply("", calls=[("lookup", {"code": "[EMAIL_1]"}),
                                    ("cancel_order", {"order_id": "A1"})])
    asked: list[ConfirmationNeeded] = []
    agent = make_agent(registry=tool_registry(), override="allow",
                       confirm=lambda req: asked.append(req) or False)
    events, final = run(agent, "ask gemini to look up alice.martin@example.com")
    assert fake.requests[0].function_names == ["lookup", "cancel_order"]
    assert "alice.martin@example.com" not in fake.requests[0].wire
    assert CALLS == ["lookup alice.martin@example.com"]
    assert [a.tool for a in asked] == ["cancel_order"]
    assert final.tools == ["lookup", "cancel_order"]
    assert "looked up alice.martin@example.com" in final.text and "not confirmed" in final.text


def test_skills_stay_local_unless_a_trigger_fires(fake: FakeGemini) -> None:
    set_rule("document", "allow")
    agent = make_agent(override=None)
    agent.session.add_message("user", "what does the lease say about pets?")
    chunk = [{"role": "user", "content": "Excerpt [p. 2]: pets allowed. Question: pets?"}]
    assert "".join(agent.complete_for("document", chunk)) == "A local answer."
    assert fake.requests == []
    long_chunk = [{"role": "user", "content": "Excerpt: " + "rent is due monthly. " * 600}]
    fake.default = Reply("Rent is monthly [p. 4].")
    assert "".join(agent.complete_for("document", long_chunk)) == "Rent is monthly [p. 4]."
    row = agent.cloud.ledger.entries()[0]
    assert row["trigger"] == "context" and row["data_classes"] == ["document"]
    note = f"cloud: gemini-2.5-flash helped with this answer (ledger #{row['id']})"
    assert agent.notices == [note]


def test_skill_completion_follows_an_explicit_request_with_consent_once(fake: FakeGemini) -> None:
    asked: list[ConsentNeeded] = []
    agent = make_agent(consent=lambda req: asked.append(req) or True)
    agent.session.add_message("user", "ask gemini to summarize my lease")
    fake.default = Reply("Summary.")
    for _ in range(3):
        text = "".join(agent.complete_for("document", [{"role": "user", "content": "chunk"}]))
        assert text == "Summary."
    assert len(asked) == 1 and asked[0].data_classes == ["document"]
    assert len(fake.requests) == 3 and len(agent.cloud.ledger.entries()) == 3


# ---------------------------------------------------------------------------- triggers, policy


@pytest.mark.parametrize(("message", "trigger"), [
    ("ask gemini what the weather pattern El Niño is", "explicit"),
    ("Gemini, write a haiku", "explicit"),
    ("use the cloud for this one", "explicit"),
    ("demande à gemini la capitale du Pérou", "explicit"),
    ("write a detailed essay about the Roman roads", "length"),
    ("give me 1500 words on tea", "length"),
    ("explain how vaccines train the immune system", "knowledge"),
    ("who invented the printing press in Europe?", "knowledge"),
    ("hello!", None),
    ("how are you doing today?", None),
    ("thanks, that was helpful", None),
    ("I'm a gemini, born in June", None),
])
def test_triggers(message: str, trigger: str | None) -> None:
    decision = decide(message, Plan([], "none"))
    assert decision.cloud == (trigger is not None)
    assert (decision.trigger or None) == trigger


def test_unsure_planner_and_long_context_escalate() -> None:
    assert decide("hm", Plan([], "search_flights(origin=")).trigger == "unsure"
    assert decide("hm", Plan([], "none"), Route(context_tokens=1900)).trigger == "context"
    assert not decide("hm", Plan([], "none"), Route(context_tokens=100)).cloud


def test_each_stage_counts_its_own_triggers() -> None:
    """Before planning only the user's explicit request counts; a skill's completion adds
    the sizes and its own wish for a larger model, never the knowledge or unsure guesses."""
    question = "explain how photosynthesis works in plants"
    assert not decide(question, None, Route("turn")).cloud
    assert decide("ask gemini about it", None, Route("turn")).trigger == "explicit"
    assert decide(question, Plan([], "none"), Route("plan")).trigger == "knowledge"
    assert not decide(question, None, Route("skill")).cloud
    assert decide(question, None, Route("skill", prefer_cloud=True)).trigger == "skill"
    assert decide("hm", None, Route("skill", reply_tokens=1500)).trigger == "length"


def test_policy_file_defaults_set_and_strictest_rule(home: Path) -> None:
    home.mkdir(parents=True, exist_ok=True)
    config = home / "config.toml"
    config.write_text('# mine\ndefault_model = "smollm2-135m"\n\n[policy]\nstory = "allow"\n')
    policy = Policy.load()
    assert policy.rule("story") == "allow" and policy.sources["story"] == "config.toml"
    assert policy.rule("emotional") == "deny" and policy.rule("document") == "ask"
    set_rule("travel", "deny")
    set_rule("story", "ask")
    text = config.read_text()
    assert text.startswith("# mine\ndefault_model") and text.count("[policy]") == 1
    policy = Policy.load()
    assert policy.decide(["chat", "travel"]).rule == "policy travel=deny"
    assert policy.decide(["story"]).action == "ask"
    assert policy.decide(["travel"], override="allow").action == "allow"
    assert policy.decide(["emotional"], override="allow").action == "deny"
    assert policy.decide(["chat"], local_only="crisis").action == "deny"


def test_policy_refuses_bad_values(home: Path) -> None:
    home.mkdir(parents=True, exist_ok=True)
    with pytest.raises(ConfigError, match="never leaves"):
        set_rule("emotional", "allow")
    with pytest.raises(ConfigError, match="unknown data class"):
        set_rule("banking", "allow")
    (home / "config.toml").write_text('[policy]\nchat = "sometimes"\n')
    with pytest.raises(ConfigError, match="use deny, ask or allow"):
        Policy.load()
    (home / "config.toml").write_text('[policy]\nemotional = "allow"\n')
    assert Policy.load().rule("emotional") == "deny"
    assert Policy.load().sources["emotional"] == "fixed"
    assert set(DEFAULTS) == {"chat", "document", "travel", "story", "emotional", "external"}


def test_backend_errors_are_one_line(fake: FakeGemini) -> None:
    fake.default = Reply(status=503)
    backend = GeminiBackend(api_key=KEY, timeout=0.5, retries=0)
    with pytest.raises(CloudError, match="HTTP 503"):
        list(backend.chat([{"role": "user", "content": "x"}]))
    with pytest.raises(CloudUnreachable, match="no Gemini API key"):
        list(GeminiBackend(api_key=None).chat([{"role": "user", "content": "x"}]))
    usage = Usage()
    fake.default = Reply("ok")
    assert "".join(backend.chat([{"role": "user", "content": "x"}], usage=usage)) == "ok"
    assert usage.reply_tokens == 1


# ---------------------------------------------------------------------------- the CLI


def test_cli_ask_cloud_allow_then_ledger_json(fake: FakeGemini, home: Path) -> None:
    fake.default = Reply("Canberra. I will write to [EMAIL_1].")
    env = {**os.environ, "GEMINI_API_KEY": KEY, "CALVADOS_GEMINI_BASE_URL": fake.url,
           "CALVADOS_HOME": str(home)}
    calvados = str(Path(sys.executable).with_name("calvados"))
    ask = subprocess.run(
        [calvados, "ask", "--cloud", "allow",
         "ask gemini: what is the capital of Australia? then mail bob@example.org"],
        env=env, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
    )
    assert ask.returncode == 0, ask.stderr
    assert "Canberra. I will write to bob@example.org." in ask.stdout
    assert "cloud: gemini-2.5-flash (ledger #1)" in ask.stderr
    assert len(fake.requests) == 1 and "bob@example.org" not in fake.requests[0].wire
    ledger = subprocess.run([calvados, "ledger", "--json"], env=env, capture_output=True,
                            text=True, timeout=60)
    (row,) = json.loads(ledger.stdout)
    assert row["rule"] == "--cloud allow (this request)" and row["status"] == "ok"
    assert row["sent"] == as_sent(fake.requests[0]) and "[EMAIL_1]" in row["sent"]
    assert KEY not in ask.stdout + ask.stderr + ledger.stdout
