"""Documents skill: real Tesseract on rendered pages, real PDFs, SQLite FTS5, the CLI."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from calvados import (
    Agent,
    Database,
    LocalModels,
    Session,
    ToolArgumentError,
    ToolContext,
    ToolError,
)
from calvados.plugins import documents
from calvados.plugins.documents import ask_document, ocr, scan_document, summarize
from calvados.plugins.documents.library import ScanCancelled
from calvados.plugins.documents.store import DocumentStore
from conftest import NOW
from docs_blocks import blocks
from fixtures.documents import builders as b

pytestmark = pytest.mark.skipif(
    not b.FONT.exists(), reason="fonts-dejavu-core is needed to render fixtures"
)


# --------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every fixture file, rendered once for the module."""
    d = tmp_path_factory.mktemp("docs")
    invoice, letter = b.render(b.INVOICE), b.render(b.LETTER)
    return {
        "clean": b.save_png(invoice, d / "invoice.png"),
        "rotated": b.save_png(b.rotated(invoice), d / "invoice-sideways.png"),
        "noisy": b.save_png(b.noisy(invoice), d / "invoice-noisy.png"),
        "french": b.save_png(b.render(b.FRENCH), d / "lettre.png"),
        "notice": b.save_png(b.render(b.NOTICE), d / "notice.png"),
        "blank": b.save_png(b.Image.new("L", (1200, 900), 255), d / "blank.png"),
        "scan_pdf": b.image_pdf([invoice, b.Image.new("L", invoice.size, 255), letter],
                                d / "scanned.pdf"),
        "text_pdf": b.text_pdf([b.INVOICE, b.LETTER], d / "typed.pdf"),
        "locked_pdf": b.text_pdf([b.LETTER], d / "locked.pdf", password="tulip42"),
        "report": b.text_pdf(b.report_pages(300), d / "report.pdf"),
    }


def context(session: Session | None = None, model: Any = None, **services: Any) -> ToolContext:
    return ToolContext(now=NOW, session=session, models=LocalModels(model) if model else None,
                       **services)


@pytest.fixture
def session() -> Session:
    return Session.create(Database())


def run(tool: Any, ctx: ToolContext, **arguments: Any) -> Any:
    """Run a tool like the agent does: validate, call, drain a stream into (chunks, result)."""
    result = tool.run(arguments, ctx)
    if isinstance(result, dict):
        return result
    chunks, final = [], None
    for item in result:
        if isinstance(item, str):
            chunks.append(item)
        else:
            final = item
    return chunks, final


# --------------------------------------------------------------------------- OCR quality

@pytest.mark.parametrize(
    ("name", "limit"), [("clean", 0.02), ("rotated", 0.05), ("noisy", 0.05)]
)
def test_ocr_character_error_rate(files: dict[str, Path], session: Session, name: str,
                                  limit: float) -> None:
    result = run(scan_document, context(session), path=str(files[name]))
    page = result["pages"][0]
    assert page["method"] == "ocr" and page["confidence"] > 50
    assert b.cer(b.INVOICE, page["text"]) <= limit


def test_ocr_in_french_with_a_language_name(files: dict[str, Path], session: Session) -> None:
    result = run(scan_document, context(session), path=str(files["french"]), language="français")
    assert result["document"]["language"] == "fra"
    assert b.cer(b.FRENCH, result["pages"][0]["text"]) <= 0.02


def test_image_only_pdf_is_ocrd_page_by_page(files: dict[str, Path], session: Session) -> None:
    result = run(scan_document, context(session), path=str(files["scan_pdf"]))
    first, blank, third = result["pages"]
    assert first["method"] == third["method"] == "ocr"
    assert b.cer(b.INVOICE, first["text"]) <= 0.02
    assert b.cer(b.LETTER, third["text"]) <= 0.02
    assert blank["method"] == "blank" and result["blank_pages"] == [2]
    assert "Blank page: 2" in result["text"]


def test_text_pdf_uses_the_text_layer(files: dict[str, Path], session: Session) -> None:
    result = run(scan_document, context(session), path=str(files["text_pdf"]))
    assert [p["method"] for p in result["pages"]] == ["text", "text"]
    assert b.cer(b.INVOICE, result["pages"][0]["text"]) <= 0.01
    assert result["document"]["confidence"] is None


def test_plain_text_markdown_and_html_are_read_directly(tmp_path: Path, session: Session) -> None:
    (tmp_path / "a.md").write_text("# Notes\n\nThe boiler needs a service in May.\fPage two.")
    (tmp_path / "b.html").write_text(
        "<html><head><style>p{}</style><script>var x=1;</script></head>"
        "<body><h1>Menu</h1><p>Soup &amp; bread: 4 euros.</p></body></html>"
    )
    md = run(scan_document, context(session), path=str(tmp_path / "a.md"))
    assert [p["text"] for p in md["pages"]] == [
        "# Notes\n\nThe boiler needs a service in May.", "Page two."]
    html = run(scan_document, context(session), path=str(tmp_path / "b.html"))
    assert html["pages"][0]["text"] == "Menu\n\nSoup & bread: 4 euros."



def test_image_formats_are_recognised_by_content(tmp_path: Path) -> None:
    image = b.render("Ferry timetable", width_in=2)
    for fmt, suffix in [("PNG", ".png"), ("JPEG", ".jpg"), ("TIFF", ".tif"), ("WEBP", ".webp"),
                        ("BMP", ".bmp")]:
        path = tmp_path / f"scan{suffix}"
        image.save(path, fmt)
        assert ocr.detect_kind(path) == "image"
        renamed = path.rename(tmp_path / "scan.dat")  # the suffix does not matter for images
        assert ocr.detect_kind(renamed) == "image"


def test_a_multi_page_tiff_is_one_page_per_frame(tmp_path: Path, session: Session) -> None:
    first = b.render("Platform 4: the 08:15 to Exeter is delayed.", width_in=5)
    second = b.render("Platform 2: the 09:40 to Penzance is on time.", width_in=5)
    tiff = tmp_path / "notices.tiff"
    first.save(tiff, save_all=True, append_images=[second], dpi=(300, 300))
    result = run(scan_document, context(session), path=str(tiff))
    texts = [p["text"] for p in result["pages"]]
    assert len(texts) == 2 and b.cer("Platform 2: the 09:40 to Penzance is on time.",
                                     texts[1]) <= 0.05

# --------------------------------------------------------------------------- arguments

@pytest.mark.parametrize(
    ("given", "code"),
    [("French", "fra"), ("fr", "fra"), ("français", "fra"), ("Spanish", "spa"), ("es", "spa"),
     ("German", "deu"), ("de", "deu"), ("English", "eng"), ("eng", "eng"), ("fr-CA", "fra"),
     ("English and French", "eng+fra"), ("deu+eng", "deu+eng")],
)
def test_language_is_normalized_to_tesseract_codes(given: str, code: str) -> None:
    args = scan_document.validate({"path": "x.png", "language": given}, context())
    assert args.language == code  # type: ignore[attr-defined]


def test_unknown_language_lists_the_supported_ones() -> None:
    with pytest.raises(ToolArgumentError) as err:
        scan_document.validate({"path": "x.png", "language": "Klingon"}, context())
    message = str(err.value)
    assert "\n" not in message and "Klingon" in message
    assert all(code in message for code in ("eng", "fra", "deu", "spa"))


def test_validation_checks_form_only(tmp_path: Path) -> None:
    missing = str(tmp_path / "nowhere" / "passport.png")
    assert scan_document.validate({"path": missing}, context()).path == missing  # type: ignore[attr-defined]
    assert scan_document.validate({"path": "~/Documents/passport.png"}, context())
    args = summarize.validate({"length": "Brief", "format": "bullet points"}, context())
    assert (args.length, args.format, args.path) == ("short", "bullets", None)  # type: ignore[attr-defined]
    with pytest.raises(ToolArgumentError, match="path"):
        scan_document.validate({"path": "  "}, context())
    with pytest.raises(ToolArgumentError, match="question"):
        ask_document.validate({"question": ""}, context())


def test_every_example_validates() -> None:
    for tool in (scan_document, ask_document, summarize):
        assert len(tool.examples) >= 4
        for example in tool.examples:
            tool.validate(example.arguments, context())


def test_tilde_paths_are_expanded_when_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           session: Session) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "memo.txt").write_text("Remember to water the ferns on Friday.")
    result = run(scan_document, context(session), path="~/memo.txt")
    assert result["document"]["path"] == str(tmp_path / "memo.txt")


# --------------------------------------------------------------------------- bad input

def _error(agent: Agent, tool: str, **arguments: Any) -> str:
    result = agent.run_tool(tool, arguments)
    assert result.error is not None and "\n" not in result.error
    return result.error


def test_bad_input_gives_one_line_messages_and_keeps_the_session(
    files: dict[str, Path], tmp_path: Path
) -> None:
    agent = Agent(now=NOW)
    agent.session.add_message("user", "hello, keep me")
    (tmp_path / "report.docx").write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.7\n" + os.urandom(3000))
    (tmp_path / "cut.pdf").write_bytes(files["text_pdf"].read_bytes()[:700])
    (tmp_path / "fake.pdf").write_text("this is not a pdf at all")
    (tmp_path / "fake.png").write_text("this is not an image either")
    assert "no such file" in _error(agent, "scan_document", path=str(tmp_path / "nope.pdf"))
    assert "unsupported file type '.docx'" in _error(
        agent, "scan_document", path=str(tmp_path / "report.docx"))
    assert "corrupt" in _error(agent, "scan_document", path=str(tmp_path / "broken.pdf"))
    assert "corrupt" in _error(agent, "scan_document", path=str(tmp_path / "cut.pdf"))
    assert "not a valid PDF" in _error(agent, "scan_document", path=str(tmp_path / "fake.pdf"))
    assert "not a readable image" in _error(
        agent, "scan_document", path=str(tmp_path / "fake.png"))
    assert "folder" in _error(agent, "scan_document", path=str(tmp_path))
    assert "blank" in _error(agent, "scan_document", path=str(files["blank"]))
    assert "password" in _error(agent, "scan_document", path=str(files["locked_pdf"]))
    assert "wrong password" in _error(
        agent, "scan_document", path=str(files["locked_pdf"]), password="daisy")
    assert "no document yet" in _error(agent, "ask_document", question="what is the total?")
    ok = agent.run_tool("scan_document", {"path": str(files["locked_pdf"]),
                                          "password": "tulip42"})
    assert ok.error is None and "Riverside Rowing Club" in ok.result["pages"][0]["text"]
    assert agent.session.messages()[0]["content"] == "hello, keep me"
    statuses = [c["status"] for c in agent.session.tool_calls()]
    assert statuses.count("error") == 11 and statuses[-1] == "ok"
    recorded = json.dumps([c["arguments"] for c in agent.session.tool_calls()])
    assert "tulip42" not in recorded and "daisy" not in recorded  # secrets are masked
    assert json.loads(agent.session.tool_calls()[-1]["arguments"])["password"] == "***"


def test_missing_language_pack_is_a_clear_error(files: dict[str, Path],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr, "installed_languages", lambda: frozenset({"eng", "osd"}))
    with pytest.raises(ToolError, match=r"'fra' is not installed \(installed: eng\)"):
        run(scan_document, context(), path=str(files["french"]), language="fra")


# --------------------------------------------------------------------------- storage

def test_scanning_the_same_content_twice_reuses_it(
    files: dict[str, Path], tmp_path: Path, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = run(scan_document, context(session), path=str(files["clean"]))
    copy = tmp_path / "same-invoice.png"
    copy.write_bytes(files["clean"].read_bytes())

    def no_ocr(*args: Any) -> Any:
        raise AssertionError("OCR ran again")

    monkeypatch.setattr(ocr, "recognise", no_ocr)
    again = run(scan_document, context(session), path=str(copy))
    assert again["reused"] and not first["reused"]
    assert again["document"]["id"] == first["document"]["id"]
    assert again["pages"][0]["text"] == first["pages"][0]["text"]
    assert again["text"].startswith("Already scanned")
    count = session.db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    assert count == 1


def test_store_links_documents_to_sessions_and_ranks_with_bm25(files: dict[str, Path]) -> None:
    db = Database()
    one, two = Session.create(db), Session.create(db)
    run(scan_document, context(one), path=str(files["text_pdf"]))
    report = run(scan_document, context(two), path=str(files["report"]))
    store = DocumentStore(db)
    assert store.latest(one.id).name == "typed.pdf"  # type: ignore[union-attr]
    assert store.latest(two.id).name == "report.pdf"  # type: ignore[union-attr]
    hits = store.search(report["document"]["id"], "research vessel 1217 berth")
    assert hits[0].page == 217 and hits[0].score >= hits[-1].score


# --------------------------------------------------------------------------- long documents

def test_300_page_pdf_reports_progress_and_answers_from_the_right_page(
    files: dict[str, Path], session: Session
) -> None:
    seen: list[tuple[int, int]] = []
    ctx = context(session, progress=lambda done, total, label: seen.append((done, total)))
    result = run(scan_document, ctx, path=str(files["report"]))
    assert result["document"]["pages"] == 300 and len(result["pages"]) == 300
    assert seen == [(n, 300) for n in range(1, 301)]
    answer = run(ask_document, ctx, question="Which vessel was assigned to berth 217?")
    assert "1217" in answer["text"] and "[p. 217]" in answer["text"]
    assert answer["method"] == "extractive" and answer["citations"][0]["page"] == 217


def test_a_long_scan_can_be_cancelled_between_pages(files: dict[str, Path],
                                                    session: Session) -> None:
    cancel = threading.Event()

    def progress(done: int, total: int, label: str) -> None:
        if done == 40:
            cancel.set()

    ctx = context(session, progress=progress, cancel=cancel)
    with pytest.raises(ScanCancelled, match="after 40 of 300 pages; nothing was stored"):
        run(scan_document, ctx, path=str(files["report"]))
    assert DocumentStore(session.db).latest(session.id) is None


def test_image_pdf_pages_are_rendered_one_at_a_time(
    files: dict[str, Path], session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[str] = []
    render, ocr_page = ocr.PdfSource._render, ocr.ocr_page

    def spy_render(self: Any, index: int) -> Any:
        events.append(f"render {index + 1}")
        return render(self, index)

    def spy_ocr(number: int, image: Any, language: str) -> Any:
        events.append(f"ocr {number}")
        return ocr_page(number, image, language)

    monkeypatch.setattr(ocr.PdfSource, "_render", spy_render)
    monkeypatch.setattr(ocr, "ocr_page", spy_ocr)
    cancel = threading.Event()
    ctx = context(session, cancel=cancel, progress=lambda done, *_: done == 2 and cancel.set())
    with pytest.raises(ScanCancelled, match="after 2 of 3 pages"):
        run(scan_document, ctx, path=str(files["scan_pdf"]))
    assert events == ["render 1", "ocr 1", "render 2", "ocr 2"]


def test_memory_stays_flat_from_10_to_300_image_pages(tmp_path: Path) -> None:
    """Peak memory of scanning a 300-page image-only PDF is no higher than a 10-page one."""
    page = b.render("Harbour log entry", width_in=2.5)
    blank = b.Image.new("L", (750, 1000), 255)  # 2.5 x 3.3 inches, rendered at 300 dpi
    peaks = {}
    for count in (10, 300):
        pdf = b.image_pdf([page] + [blank] * (count - 1), tmp_path / f"log{count}.pdf")
        script = (
            "import re, sys; from calvados import ToolContext; "
            "from calvados.plugins.documents import scan_document; "
            "from datetime import datetime; "
            f"r = scan_document.run({{'path': {str(pdf)!r}}}, ToolContext(now=datetime.now())); "
            "assert len(r['pages']) == int(sys.argv[1]), r['text']; "
            "print(re.search(r'VmHWM:\\s*(\\d+)', open('/proc/self/status').read())[1])"
        )
        out = subprocess.run([sys.executable, "-c", script, str(count)], capture_output=True,
                             text=True, check=True)
        peaks[count] = int(out.stdout.strip().splitlines()[-1])
    # kept page images would add 290 x 0.7 MB = 200 MB; measured: +10-25 MB (PDF object caches)
    assert peaks[300] - peaks[10] < 60_000, peaks


# --------------------------------------------------------------------------- answers

def test_ask_quotes_the_document_without_a_model(files: dict[str, Path],
                                                 session: Session) -> None:
    run(scan_document, context(session), path=str(files["text_pdf"]))
    answer = run(ask_document, context(session), question="What is the total due?")
    assert answer["method"] == "extractive"
    assert "375.00" in answer["text"] and "[p. 1]" in answer["text"]
    club = run(ask_document, context(session), question="When is the annual regatta held?")
    assert "12 June" in club["text"] and "[p. 2]" in club["text"]
    none = run(ask_document, context(session), question="zebra giraffe?")
    assert none["method"] == "not_found" and none["citations"] == []


def _scripted_model(scripted: Any, replies: list[str]) -> Any:
    return scripted(replies)


def test_model_answers_are_kept_only_when_the_text_supports_them(
    files: dict[str, Path], session: Session, scripted: Any
) -> None:
    run(scan_document, context(session), path=str(files["text_pdf"]))
    question = {"question": "What is the total due?"}
    good = _scripted_model(scripted, ["The total due is 375.00 pounds [p. 1]."])
    answer = run(ask_document, context(session, model=good), **question)
    assert answer["method"] == "model"
    assert answer["text"] == "The total due is 375.00 pounds [p. 1]."
    uncited = _scripted_model(scripted, ["The total due is 375.00 pounds."])
    assert run(ask_document, context(session, model=uncited), **question)["text"].endswith(
        "[p. 1].")
    for invented in ("The total due is 999.00 pounds [p. 1].",
                     "The total due is 375.00 pounds [p. 7].",
                     "Payment goes to the royal treasury in gold coins [p. 1].", "NOT FOUND"):
        model = _scripted_model(scripted, [invented])
        answer = run(ask_document, context(session, model=model), **question)
        assert answer["method"] == "extractive" and "375.00" in answer["text"], invented
        assert "not supported" in answer["note"]


# --------------------------------------------------------------------------- summaries

def test_extractive_summary_honours_length_and_format_and_streams(
    files: dict[str, Path], session: Session
) -> None:
    run(scan_document, context(session), path=str(files["report"]))
    chunks, short = run(summarize, context(session), length="short")
    assert short["method"] == "extractive" and short["items"] == 3
    assert "".join(chunks) == short["text"] and len(chunks) == 3
    _, medium = run(summarize, context(session))
    _, long = run(summarize, context(session), length="long", format="bullets")
    lines = long["text"].splitlines()
    assert short["items"] < medium["items"] == 6 < long["items"] == len(lines) <= 12
    assert all(line.startswith("- ") for line in lines) and len(set(lines)) == len(lines)
    assert long["document"]["name"] == "report.pdf"


def test_map_reduce_summary_checks_every_sentence(
    files: dict[str, Path], session: Session, scripted: Any
) -> None:
    pages = b.report_pages(6)
    pdf = b.text_pdf(pages, files["report"].parent / "six.pdf")
    run(scan_document, context(session), path=str(pdf))
    final = ("- The harbour authority approved a new ferry schedule for the winter months.\n"
             "- Dragons attacked the harbour and stole 900 boats.\n"
             "- Volunteers cleaned the beach and collected two tonnes of plastic.\n")

    class SmallModel(scripted):  # type: ignore[misc,valid-type]
        """Maps each part to its first sentence (faithfully); the final pass invents one line."""

        context_window = 700

        def complete(self, prompt: str, **kwargs: Any) -> Any:
            self.prompts.append(prompt)
            first = re.search(r"Section \d+\. ([^.]+\.)", prompt)
            text = final if "bullet points" in prompt else (first.group(1) if first else "")
            yield from (text[i : i + 5] for i in range(0, len(text), 5))

    model = SmallModel()
    seen: list[tuple[int, int]] = []
    ctx = context(session, model=model, progress=lambda d, t, label: seen.append((d, t)))
    chunks, result = run(summarize, ctx, path=str(pdf), length="short", format="bullets")
    assert result["method"] == "model+extractive"  # one invented line dropped, one quoted
    assert "Dragons" not in result["text"] and result["items"] == 3
    lines = result["text"].splitlines()
    assert lines[:2] == ["- The harbour authority approved a new ferry schedule for the winter "
                         "months.", "- Volunteers cleaned the beach and collected two tonnes "
                         "of plastic."]
    parts = seen[-1][1]
    assert parts >= 2 and seen[-parts:] == [(n, parts) for n in range(1, parts + 1)]
    notes = model.prompts[-1]
    assert "bullet points" in notes and "Section 1." not in notes  # reads notes, not pages
    assert len(model.prompts) == parts + 1
    cancel = threading.Event()
    ctx = context(session, model=model, cancel=cancel, progress=lambda *_: cancel.set())
    with pytest.raises(ScanCancelled, match=f"summary of six.pdf cancelled after 1 of {parts}"):
        run(summarize, ctx, path=str(pdf))



def test_long_documents_are_condensed_before_the_model_reads_them(
    files: dict[str, Path], session: Session, scripted: Any
) -> None:
    run(scan_document, context(session), path=str(files["report"]))

    class SmallModel(scripted):  # type: ignore[misc,valid-type]
        context_window = 700  # 300 pages would be 300 windows

    line = "Volunteers cleaned the beach and collected two tonnes of plastic."
    backend = SmallModel([line] * 20)
    ctx = context(session, model=backend)
    _, result = run(summarize, ctx, length="short")
    assert result["method"] == "model+extractive" and result["text"].startswith(line)
    assert len(backend.prompts) in range(1, 10)  # at most 8 parts, then the final pass

def test_summary_of_the_conversation_when_there_is_no_document(session: Session) -> None:
    with pytest.raises(ToolError, match="nothing to summarize"):
        run(summarize, context(session))
    session.add_message("user", "I want to plan a trip to Lisbon in April with my sister.")
    session.add_message("assistant", "Lisbon in April is mild; flights from Bristol are direct.")
    session.add_message("user", "We would like a hotel near the river for three nights.")
    session.add_message("user", "summarize our conversation")
    _, result = run(summarize, context(session), length="short")
    assert result["conversation"] and "Lisbon" in result["text"]
    assert "summarize our conversation" not in result["text"]


# --------------------------------------------------------------------------- command line

def calvados(*args: str) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("calvados")
    return subprocess.run([str(exe), *args], capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_cli_scan_ask_and_summarize(files: dict[str, Path]) -> None:
    """The acceptance commands, each in its own process with the real SmolLM2."""
    pdf = str(files["text_pdf"])
    scanned = calvados("run", "scan_document", f"path={pdf}", "--json")
    assert scanned.returncode == 0, scanned.stderr
    pages = json.loads(scanned.stdout)["result"]["pages"]
    assert [p["page"] for p in pages] == [1, 2] and "Riverside" in pages[1]["text"]
    asked = calvados("run", "ask_document", "question=When is the annual regatta?",
                     f"path={pdf}", "--json")
    assert asked.returncode == 0, asked.stderr
    answer = json.loads(asked.stdout)  # through the real local model, checked or quoted
    assert answer["error"] is None and "[p. 2]" in answer["text"]
    assert answer["result"]["method"] in ("model", "extractive")
    document = " ".join(p["text"] for p in pages)
    assert all(n in document for n in documents.text.numbers(answer["text"]))
    summary = calvados("run", "summarize", f"path={pdf}", "length=short", "--json")
    assert summary.returncode == 0, summary.stderr
    result = json.loads(summary.stdout)["result"]
    assert result["summary"] and result["length"] == "short" and 1 <= result["items"] <= 3
    assert all(n in document for n in documents.text.numbers(result["summary"]))


def test_cli_streams_and_shows_progress_for_long_documents(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("\f".join(b.report_pages(8)))
    out = calvados("run", "scan_document", f"path={notes}")
    assert out.returncode == 0 and "scanning notes.txt: 8/8" in out.stderr
    missing = calvados("run", "scan_document", "path=/no/such/file.pdf")
    assert missing.returncode == 1
    assert missing.stderr.strip() == "error: scan_document: no such file: /no/such/file.pdf"



def test_run_streams_a_summary_and_shows_its_progress(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, scripted: Any
) -> None:
    from calvados import models
    from calvados.cli import cli
    from calvados.cli import skills as _  # noqa: F401  (registers `run`)
    from click.testing import CliRunner

    class Model(scripted):  # type: ignore[misc,valid-type]
        context_window = 700  # small, so 8 pages take several map steps

        def complete(self, prompt: str, **kwargs: Any) -> Any:
            first = re.search(r"Section \d+\. ([^.]+\.)", prompt)
            text = first.group(1) if first else (
                "The sailing school doubled its number of young members this year. "
                "Fishing quotas were reduced by ten percent after the spring survey.")
            for i in range(0, len(text), 7):
                sys.stdout.flush()
                printed.append(sys.stdout.buffer.getvalue().decode())  # type: ignore[attr-defined]
                yield text[i : i + 7]

    printed: list[str] = []

    monkeypatch.setattr(models, "load_backend", lambda name, **options: Model())
    notes = tmp_path / "notes.txt"
    notes.write_text("\f".join(b.report_pages(8)))
    out = CliRunner().invoke(cli, ["run", "summarize", f"path={notes}", "length=short"])
    assert out.exit_code == 0, out.output
    assert out.stdout == ("The sailing school doubled its number of young members this year. "
                          "Fishing quotas were reduced by ten percent after the spring survey. "
                          "The harbour authority approved a new ferry schedule for the winter "
                          "months.\n")  # two sentences from the model, the third quoted
    assert any(p.startswith("The sailing school") and "Fishing" not in p for p in printed)
    assert "scanning notes.txt: 8/8" in out.stderr
    assert re.search(r"summarizing notes.txt: (\d+)/\1", out.stderr)

def test_the_python_sample_in_the_docs_runs(files: dict[str, Path], tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    (code,) = blocks("documents.md")
    (tmp_path / "invoice.pdf").write_bytes(files["text_pdf"].read_bytes())
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "docs/documents.md", "exec"), {})  # noqa: S102
    out = capsys.readouterr().out
    assert "2 pages," in out and "375.00" in out and "[p. 1]" in out


def test_a_summary_never_changes_an_email_address(
    files: dict[str, Path], session: Session, scripted: Any, tmp_path: Path
) -> None:
    from calvados.plugins.documents.summarize import grounded_item

    source = ("Write to office@example.org for refunds. The office opens at nine. "
              "Complaints go to the board, whose members meet monthly.")
    assert grounded_item("Refunds: write to office@example.com.", source) == (
        "Refunds: write to office@example.org.")
    assert grounded_item("Write to sales@example.net.", source) is None  # no such address
    note = tmp_path / "notice.txt"
    note.write_text(source * 3, "utf-8")
    run(scan_document, context(session), path=str(note))
    changed = ("Refunds are handled by writing to office@example.com for the office. "
               "The office opens at nine for visitors. "
               "Contact billing@example.com about complaints to the board.")
    model = scripted([changed])
    _, result = run(summarize, context(session, model=model), path=str(note), length="short")
    assert "example.com" not in result["text"] and "billing@" not in result["text"]
    assert "office@example.org" in result["text"]


# --------------------------------------------------------------------------- follow-ups

def test_a_follow_up_names_its_document(tmp_path: Path, session: Session) -> None:
    from calvados.plugins.documents.refs import document_kinds, typed_paths, within

    assert document_kinds(b.INVOICE) == ("invoice",)
    assert document_kinds(b.NOTICE) == ("notice",)
    assert document_kinds(b.LETTER) == ("letter",)  # by its salutation
    assert typed_paths("in ~/work/spec.pdf what voltage? and notes.txt, not 24/7 and/or") == [
        "~/work/spec.pdf", "notes.txt"]
    assert within("when does the lease end?", "when does the lease in lease.pdf end?")
    assert not within("what is the total due?", "when is the water off, says the notice?")

    (tmp_path / "scan-0041.txt").write_text(b.INVOICE)  # names that say nothing: the
    (tmp_path / "scan-0042.txt").write_text(b.LETTER)  # kinds come from the text
    for name in ("scan-0041.txt", "scan-0042.txt"):
        run(scan_document, context(session), path=str(tmp_path / name))
    invoice, letter = (str(tmp_path / n) for n in ("scan-0041.txt", "scan-0042.txt"))

    def resolved(tool: Any, message: str, **raw: Any) -> dict[str, Any]:
        ctx = ToolContext(now=NOW, session=session, message=message)
        once = tool.prepared(raw, ctx)
        assert tool.prepared(once, ctx) == once  # it runs again when the call is validated
        return once

    asked = resolved(ask_document, "what is the total on the bill?", question="the total")
    assert asked == {"question": "the total", "path": invoice}  # a span of the message stays
    assert resolved(ask_document, "who signed the letter?",
                    question="what is the total on the bill?") == {
        "question": "who signed the letter?", "path": letter}  # an earlier question: replaced
    assert resolved(ask_document, "what is in scan-0041.txt?", question="what is in it",
                    path="scan-0042.txt")["path"] == invoice  # the typed name wins
    assert resolved(ask_document, "and in ~/other/lease.pdf?", question="and in")["path"] == (
        "~/other/lease.pdf")  # not scanned yet: scanned when the tool runs
    assert "path" not in resolved(ask_document, "who wrote it?", question="who wrote it",
                                  path=invoice)  # copied from the history: the latest
    assert resolved(summarize, "summarize the invoice", length="short") == {
        "length": "short", "path": invoice}
    assert resolved(summarize, "sum up what we talked about") == {}
    direct = ToolContext(now=NOW, session=session)  # no message: the caller's arguments
    assert ask_document.prepared({"question": "x", "path": letter}, direct) == {
        "question": "x", "path": letter}


def _documents_agent(scripted: Any, plans: list[str], replies: list[str]) -> Agent:
    from calvados.planner import Planner
    from calvados.registry import Registry

    registry = Registry()
    for t in (scan_document, ask_document, summarize):
        registry.add(t)
    planner = Planner(scripted(plans), list(registry.tools.values()), set(), "fewshot")
    return Agent(registry=registry, planner=planner, chat_backend=scripted(replies), now=NOW)


def _result(agent: Agent, message: str) -> Any:
    from calvados import ToolResultEvent

    results = [e for e in agent.chat(message) if isinstance(e, ToolResultEvent)]
    assert len(results) == 1 and results[0].error is None, results
    return results[0]


def test_follow_ups_about_two_scanned_documents_use_the_one_named(
    files: dict[str, Path], scripted: Any
) -> None:
    """Real OCR of an invoice and a notice, then questions naming each (scripted planner)."""
    invoice, notice = str(files["clean"]), str(files["notice"])
    stale = 'question="what is the total due on the invoice?"'
    plans = [f'scan_document(path="{invoice}")', "none",  # each scan is observed: done
             f'scan_document(path="{notice}")', "none",
             f'ask_document(question="what should I store before the work starts?", '
             f'path="{invoice}")',  # a path copied from the history
             'ask_document(question="what is the total due on the invoice?")',
             f'ask_document({stale}, path="{invoice}")',  # the previous question, again
             f'ask_document(question="who do questions about the order go to", '
             f'path="{notice}")',
             'summarize(length="short")']
    replies = ["NOT FOUND", "The total due is 375.00 pounds [p. 1]."]
    agent = _documents_agent(scripted, plans, replies)
    _result(agent, f"scan {invoice}")
    _result(agent, f"scan {notice}")

    latest = _result(agent, "what should I store before the work starts?")  # names none
    assert latest.result["document"]["name"] == "notice.png"
    assert latest.text.startswith("From notice.png:") and "drinking water" in latest.text

    total = _result(agent, "what is the total due on the invoice?")
    assert total.arguments["path"] == str(files["clean"].resolve())
    assert total.result["method"] == "model"  # which document answered is said
    assert total.text == "From invoice.png: The total due is 375.00 pounds [p. 1]."

    message = "when will the water be turned off, according to the notice?"
    water = _result(agent, message)
    assert water.result["document"]["name"] == "notice.png"
    assert water.result["question"] == message  # not the previous one
    assert "9 March" in water.text and "375" not in water.text

    mail = _result(agent, "who do questions about the order go to, in invoice.png?")
    assert mail.result["document"]["name"] == "invoice.png"  # the typed file name wins
    assert "orders@harbourlights.example" in mail.text

    summary = _result(agent, "give me a short summary of the notice")
    assert summary.result["document"]["name"] == "notice.png"
    assert "water" in summary.text.lower() and "375" not in summary.text
