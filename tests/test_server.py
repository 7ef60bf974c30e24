"""The OpenAI-compatible server, driven by the real ``openai`` client over real HTTP."""

from __future__ import annotations

import logging
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest
import uvicorn
from calvados import Database, Session, tool
from calvados.backends.base import Backend
from calvados.errors import ConfigError
from calvados.planner import Planner
from calvados.registry import Registry
from calvados.server import (
    AgentService,
    WorkQueue,
    bind,
    check_bind,
    create_app,
    is_loopback,
)
from docs_blocks import blocks

KEY = "test-key-123"
CALVADOS = str(Path(sys.executable).with_name("calvados"))
NOW = datetime(2026, 11, 27, 10, 0)


@tool(data_class="travel", examples=[("weather in Paris", {"city": "Paris"})])
def weather(city: str) -> dict[str, Any]:
    """Today's weather in a city.

    Args:
        city: The city.
    """
    return {"text": f"Sunny in {city}, 21°C.", "city": city, "celsius": 21}


@tool(data_class="travel", needs_confirmation=True)
def book_table(name: str) -> dict[str, Any]:
    """Book a table at a restaurant.

    Args:
        name: The restaurant.
    """
    return {"text": f"Booked a table at {name}.", "restaurant": name}


@tool(data_class="chat")
def ask_cloud(question: str, ctx: Any) -> dict[str, Any]:
    """Answer with the help of a cloud model (the policy asks for consent first).

    Args:
        question: What to ask.
    """
    messages = [{"role": "user", "content": question}]
    return {"text": "".join(ctx.models.complete("chat", messages, prefer_cloud=True))}


def make_registry() -> Registry:
    registry = Registry()
    for t in (weather, book_table, ask_cloud):
        registry.tools[t.name] = t
    return registry


def make_service(scripted: Any, plans: list[str], replies: list[str] | None = None,
                 chat: Any = None) -> AgentService:
    registry = make_registry()
    planner = Planner(scripted(plans, "scripted-planner"), list(registry.tools.values()),
                      set(), style="fewshot")
    return AgentService(registry=registry, db=Database(), planner=planner, now=NOW,
                        chat_backend=chat or scripted(replies or [], "scripted-chat"))


@contextmanager
def running(app: Any, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve ``app`` with uvicorn on a free port; yields the base URL (always 127.0.0.1)."""
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "server did not start"
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def client(url: str, key: str = "unused", **kwargs: Any) -> openai.OpenAI:
    return openai.OpenAI(base_url=url + "/v1", api_key=key, max_retries=0, timeout=60, **kwargs)


def ask(oa: openai.OpenAI, text: str, **kwargs: Any) -> Any:
    return oa.chat.completions.create(
        model="calvados", messages=[{"role": "user", "content": text}], **kwargs
    )


def test_plain_reply_and_session_persists(scripted: Any) -> None:
    service = make_service(scripted, [], ["Hello! How can I help?", "Still here."])
    with running(create_app(service)) as url:
        oa = client(url)
        first = ask(oa, "hi there")
        assert first.choices[0].message.content == "Hello! How can I help?"
        ext = first.model_extra["calvados"]
        assert ext["where"] == "on-device: scripted-chat" and ext["tools"] == []
        raw = oa.chat.completions.with_raw_response.create(
            model="calvados", messages=[{"role": "user", "content": "you there?"}],
            extra_headers={"X-Calvados-Session": ext["session"]},
        )
        assert raw.headers["x-calvados-session"] == ext["session"]
        assert raw.parse().choices[0].message.content == "Still here."
    session = Session.load(Database(), ext["session"])
    assert [m["content"] for m in session.messages()] == [
        "hi there", "Hello! How can I help?", "you there?", "Still here."]


def test_streamed_reply(scripted: Any) -> None:
    reply = "Once upon a time, a small apple grew into brandy."
    service = make_service(scripted, [], [reply])
    with running(create_app(service)) as url:
        chunks = list(ask(client(url), "tell me something", stream=True))
    pieces = [c.choices[0].delta.content or "" for c in chunks if c.choices]
    assert len([p for p in pieces if p]) > 3  # really streamed, piece by piece
    assert "".join(pieces) == reply
    assert chunks[0].choices[0].delta.role == "assistant"
    last = chunks[-1]
    assert last.choices[0].finish_reason == "stop"
    session_id = last.model_extra["calvados"]["session"]
    assert Session.load(Database(), session_id).history()[-1]["content"] == reply


def test_tool_using_reply_streamed_and_not(scripted: Any) -> None:
    plan = 'weather(city="Paris")\nweather(city="Lyon")'
    service = make_service(scripted, [plan, plan])
    with running(create_app(service)) as url:
        oa = client(url)
        whole = ask(oa, "weather in Paris and Lyon?")
        chunks = list(ask(oa, "weather in Paris and Lyon?", stream=True))
    text = whole.choices[0].message.content
    assert text == "Sunny in Paris, 21°C.\n\nSunny in Lyon, 21°C."
    tools = whole.model_extra["calvados"]["tools"]
    assert [(t["tool"], t["arguments"], t["status"]) for t in tools] == [
        ("weather", {"city": "Paris"}, "ok"), ("weather", {"city": "Lyon"}, "ok")]
    assert tools[0]["result"]["celsius"] == 21
    streamed = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert streamed == text
    live = [c.model_extra["calvados"]["tool"]["tool"] for c in chunks[:-1]
            if "calvados" in (c.model_extra or {})]
    assert live == ["weather", "weather"]
    assert [t["tool"] for t in chunks[-1].model_extra["calvados"]["tools"]] == ["weather"] * 2


def test_confirmation_needed_unless_the_request_confirms(scripted: Any) -> None:
    plan = 'book_table(name="Chez Anne")'
    service = make_service(scripted, [plan, plan])
    with running(create_app(service)) as url:
        oa = client(url)
        refused = ask(oa, "book Chez Anne")
        done = ask(oa, "book Chez Anne", extra_body={"calvados": {"confirm": True}})
    ext = refused.model_extra["calvados"]
    assert ext["tools"][0]["status"] == "not_confirmed"
    assert ext["confirmation_needed"][0]["tool"] == "book_table"
    assert "Confirmation needed" in refused.choices[0].message.content
    assert '"confirm": true' in refused.choices[0].message.content
    assert done.choices[0].message.content == "Booked a table at Chez Anne."
    assert done.model_extra["calvados"]["tools"][0]["status"] == "ok"


def test_consent_refused_with_a_clear_error_unless_given(
    scripted: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A skill's own cloud request (``ctx.models.complete``) asks the request's consent."""
    from calvados.config import Settings
    from gemini_server import FakeGemini, Reply

    plan = 'ask_cloud(question="why is the sky blue")'
    with FakeGemini([Reply("Cloud says: WHY IS THE SKY BLUE")]) as fake:
        monkeypatch.setenv("CALVADOS_GEMINI_BASE_URL", fake.url)
        service = make_service(scripted, [plan, plan, plan], ["A local answer."] * 3)
        service.settings = Settings(gemini_api_key="k-0123456789", gemini_timeout=5)
        with running(create_app(service)) as url:
            oa = client(url)
            with pytest.raises(openai.PermissionDeniedError) as refused:
                ask(oa, "why is the sky blue? ask the cloud")
            with pytest.raises(openai.PermissionDeniedError):
                list(ask(oa, "why is the sky blue? ask the cloud", stream=True))
            assert fake.requests == []  # refused: nothing was sent
            allowed = ask(oa, "why is the sky blue?", extra_body={"calvados": {"consent": True}})
        assert len(fake.requests) == 1
    body = refused.value.body
    assert isinstance(body, dict) and body["code"] == "consent_required"
    assert "gemini-2.5-flash" in body["message"] and '"consent": true' in body["message"]
    assert refused.value.response.json()["calvados"]["consent_needed"][0]["data_classes"] == [
        "chat"]
    session = refused.value.response.headers["x-calvados-session"]
    assert Session.load(Database(), session).history()[0]["content"].startswith("why is")
    assert allowed.choices[0].message.content == "Cloud says: WHY IS THE SKY BLUE"


def test_api_key_required_off_loopback(scripted: Any) -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.4")
    with pytest.raises(ConfigError, match="--api-key"):
        check_bind("0.0.0.0", None)
    taken = bind("127.0.0.1", 0)
    taken.listen()
    with pytest.raises(ConfigError, match="cannot listen on 127.0.0.1 port"):
        bind("127.0.0.1", taken.getsockname()[1])
    taken.close()
    env = {k: v for k, v in os.environ.items() if k != "CALVADOS_API_KEY"}
    refused = subprocess.run([CALVADOS, "serve", "--host", "0.0.0.0", "--port", "1", "--no-auth"],
                             capture_output=True, text=True, env=env, timeout=60)
    assert refused.returncode == 1
    assert refused.stderr.startswith("error: refusing to listen on 0.0.0.0 without an API key")
    service = make_service(scripted, [], ["Welcome."])
    with running(create_app(service, api_key=KEY), host="0.0.0.0") as url:
        with pytest.raises(openai.AuthenticationError):
            ask(client(url), "hi", extra_headers={"Authorization": openai.Omit()})  # no key
        with pytest.raises(openai.AuthenticationError):
            ask(client(url, "wrong-key"), "hi")
        with pytest.raises(openai.AuthenticationError):
            client(url, "wrong-key").models.list()
        bare = httpx.post(url + "/v1/chat/completions", json={"messages": []})
        assert bare.status_code == 401 and bare.headers["www-authenticate"] == "Bearer"
        assert ask(client(url, KEY), "hi").choices[0].message.content == "Welcome."
        assert [m.id for m in client(url, KEY).models.list()] == ["calvados"]


class GatedBackend(Backend):
    """A chat model that holds every reply until the test opens the gate."""

    model_name = "gated"

    def __init__(self) -> None:
        self.gate = threading.Event()

    def complete(self, prompt: str, **kwargs: Any) -> Iterator[str]:
        assert self.gate.wait(30)
        yield "done"


def test_overload_gets_429_with_retry_after(scripted: Any) -> None:
    gated = GatedBackend()
    service = make_service(scripted, [], chat=gated)
    work = WorkQueue(pending=1)
    with running(create_app(service, queue=work)) as url:
        oa = client(url)
        answers: list[str] = []
        threads = [threading.Thread(target=lambda: answers.append(
            ask(oa, "hello").choices[0].message.content)) for _ in range(2)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 20
        while work.in_flight < 2:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        with pytest.raises(openai.RateLimitError) as full:
            ask(oa, "one more")
        with pytest.raises(openai.RateLimitError):
            list(ask(oa, "one more, streamed", stream=True))
        gated.gate.set()
        for t in threads:
            t.join(30)
        assert ask(oa, "after the rush").choices[0].message.content == "done"
    assert int(full.value.response.headers["retry-after"]) >= 1
    assert full.value.body["code"] == "queue_full"
    assert answers == ["done", "done"]  # the admitted requests were all answered
    assert work.refused == 2


def test_bad_requests(scripted: Any) -> None:
    service = make_service(scripted, [], ["unused"])
    with running(create_app(service)) as url:
        oa = client(url)
        with pytest.raises(openai.BadRequestError, match="last message"):
            oa.chat.completions.create(
                model="x", messages=[{"role": "assistant", "content": "hi"}])
        with pytest.raises(openai.NotFoundError, match="no session"):
            ask(oa, "hi", extra_body={"session": "doesnotexist"})
        broken = httpx.post(url + "/v1/chat/completions", content=b"{not json",
                            headers={"Content-Type": "application/json"})
        assert broken.status_code == 400 and "JSON" in broken.json()["error"]["message"]


def test_openapi_document_is_valid(scripted: Any) -> None:
    from openapi_spec_validator import validate

    with running(create_app(make_service(scripted, []))) as url:
        doc = httpx.get(url + "/openapi.json").json()
    validate(doc)
    assert doc["openapi"].startswith("3.")
    assert {"/v1/models", "/v1/chat/completions"} <= set(doc["paths"])


@pytest.mark.slow
def test_real_model_answers(smollm2: Any) -> None:
    planner = Planner(smollm2, [], set(), style="fewshot")
    service = AgentService(registry=Registry(), db=Database(), planner=planner,
                           chat_backend=smollm2, now=NOW)
    with running(create_app(service)) as url:
        answer = ask(client(url), "Say hello in one short sentence.", max_tokens=40)
    ext = answer.model_extra["calvados"]
    assert answer.choices[0].message.content.strip()
    assert ext["where"] == "on-device: smollm2-135m" and ext["tools"] == []


def test_new_session_is_seeded_with_the_conversation_sent(scripted: Any) -> None:
    service = make_service(scripted, ["none"], ["Your name is Ann."])
    with running(create_app(service)) as url:
        reply = client(url).chat.completions.create(model="calvados", messages=[
            {"role": "system", "content": "ignored"},
            {"role": "user", "content": "My name is Ann."},
            {"role": "assistant", "content": "Nice to meet you, Ann."},
            {"role": "user", "content": [{"type": "text", "text": "What is my name?"}]},
        ])
    session = Session.load(Database(), reply.model_extra["calvados"]["session"])
    assert [(m["role"], m["content"]) for m in session.messages()] == [
        ("user", "My name is Ann."), ("assistant", "Nice to meet you, Ann."),
        ("user", "What is my name?"), ("assistant", "Your name is Ann.")]
    planner_prompt = service._planner.backend.prompts[0]  # type: ignore[union-attr]
    assert "My name is Ann." in planner_prompt  # the planner saw the earlier turns


def test_the_python_sample_in_docs_runs(scripted: Any) -> None:
    (code,) = blocks("serving.md")
    service = make_service(scripted, ['weather(city="Paris")', 'weather(city="Lyon")'])
    with running(create_app(service)) as url:
        code = code.replace("http://127.0.0.1:8765", url)
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        "Sunny in Paris, 21°C.", "on-device: scripted-planner ['weather']",
        "Sunny in Lyon, 21°C."]


def test_policy_ask_needs_the_request_to_consent(
    scripted: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real privacy gate against a local Gemini-speaking server: nothing leaves unasked."""
    from calvados.config import Settings
    from gemini_server import FakeGemini, Reply

    with FakeGemini([Reply("Rayleigh scattering.")]) as fake:
        monkeypatch.setenv("CALVADOS_GEMINI_BASE_URL", fake.url)
        service = make_service(scripted, [], ["A local answer."] * 3)
        service.settings = Settings(gemini_api_key="k-0123456789", gemini_timeout=5)
        with running(create_app(service)) as url:
            oa = client(url)
            question = "ask gemini why the sky is blue"
            with pytest.raises(openai.PermissionDeniedError) as refused:
                ask(oa, question)
            assert fake.requests == []  # refused: nothing was sent
            allowed = ask(oa, question, extra_body={"calvados": {"consent": True}})
        assert len(fake.requests) == 1
    assert refused.value.body["code"] == "consent_required"
    needed = refused.value.response.json()["calvados"]["consent_needed"][0]
    assert needed["data_classes"] == ["chat"] and question in needed["text"]
    assert allowed.choices[0].message.content == "Rayleigh scattering."
    assert allowed.model_extra["calvados"]["where"].startswith("cloud:")


@pytest.mark.slow
def test_warm_loads_the_configured_models_without_leaving_a_session() -> None:
    from calvados.config import Settings
    from calvados.storage import list_sessions
    from calvados.student import shared_planner

    settings, registry = Settings(planner="prompt"), make_registry()
    service = AgentService(settings=settings, registry=registry)
    service.warm()
    assert service.chat_model == "smollm2-135m"
    assert list_sessions(Database()) == []
    warmed = shared_planner(settings, registry)  # what warm() loaded, from the one cache
    assert warmed.style == "fewshot" and service.agent(None).planner is warmed


# ---------------------------------------------------------------------------- access log

def test_one_access_log_line_per_request_without_message_text(
    scripted: Any, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "my tulip password is hunter2"
    service = make_service(scripted, ['weather(city="Paris")'], ["Noted."])
    caplog.set_level(logging.INFO, logger="calvados.server")
    with running(create_app(service)) as url:
        oa = client(url)
        first = oa.chat.completions.create(model="my-model", messages=[
            {"role": "user", "content": f"weather in Paris? {secret}"}])
        session = first.model_extra["calvados"]["session"]
        list(ask(oa, secret, stream=True, extra_body={"session": session}))
        httpx.get(url + "/health?token=abc")
        httpx.post(url + "/v1/chat/completions", json={"messages": [
            {"role": "assistant", "content": secret}]})
        httpx.get(url + "/no/such/route")
    # read after the server stopped: every request has finished and been logged
    lines = [r.getMessage() for r in caplog.records if r.name == "calvados.server"]
    assert len(lines) == 5, lines
    chat, streamed, health, bad, missing = lines
    assert re.fullmatch(r'127\.0\.0\.1:\d+ "POST /v1/chat/completions" 200 \d+\.\d ms '
                        rf'session={session} model=my-model where="on-device: scripted-planner"',
                        chat), chat
    assert streamed.startswith('127.0.0.1:') and '"POST /v1/chat/completions" 200 ' in streamed
    assert f"session={session} model=calvados" in streamed and "scripted-chat" in streamed
    assert re.search(r'"GET /health" 200 \d+\.\d ms$', health)  # never the query string
    assert '"POST /v1/chat/completions" 400 ' in bad and "session=" not in bad
    assert '"GET /no/such/route" 404 ' in missing
    assert not any(word in line for line in lines for word in ("tulip", "hunter2", "Paris",
                                                               "abc", "Noted"))


def test_serve_logs_requests_on_stderr_unless_quiet(home: Path) -> None:
    for quiet in (False, True):
        command = [CALVADOS, "serve", "--no-auth", "--port", "0", "--no-warm"]
        proc = subprocess.Popen(command + (["--quiet"] if quiet else []),
                                stderr=subprocess.PIPE, text=True)
        assert proc.stderr is not None
        banner = ""
        while not (found := re.search(r"http://127\.0\.0\.1:(\d+)/v1", banner)):
            line = proc.stderr.readline()
            assert line, f"the server exited: {banner}"
            banner += line
        url = f"http://127.0.0.1:{found.group(1)}"
        deadline = time.monotonic() + 60
        while True:  # the banner comes before uvicorn listens
            try:
                assert httpx.get(url + "/health").status_code == 200
                break
            except httpx.ConnectError:
                assert time.monotonic() < deadline and proc.poll() is None
                time.sleep(0.1)
        assert httpx.get(url + "/v1/models").status_code == 200
        proc.send_signal(signal.SIGINT)
        logged = proc.communicate(timeout=60)[1]
        requests = [line for line in logged.splitlines() if '" 200 ' in line]
        if quiet:
            assert requests == [], logged
        else:
            assert len(requests) == 2, logged  # ours only: uvicorn's access log is off
            assert re.fullmatch(r'\d{4}-\d\d-\d\d \d\d:\d\d:\d\d 127\.0\.0\.1:\d+ '
                                r'"GET /health" 200 \d+\.\d ms', requests[0]), requests
            assert '"GET /v1/models" 200 ' in requests[1]
