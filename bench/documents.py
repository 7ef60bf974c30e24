"""Documents: OCR speed and accuracy, text-layer speed, memory on long scans, and the time
to summarize a 20-page document with the on-device model.

Nothing is asserted: read the numbers (docs/documents.md records a run).

    python bench/documents.py              # everything
    python bench/documents.py --no-model   # skip the model (extractive summary only)
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

os.environ.setdefault("CALVADOS_HOME", tempfile.mkdtemp(prefix="calvados-bench-"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from calvados import Database, Session, ToolContext  # noqa: E402
from calvados.plugins.documents import scan_document, summarize  # noqa: E402
from fixtures.documents import builders as b  # noqa: E402

NOW = datetime(2026, 11, 27, 10, 0)


def context(agent: Any = None, **extras: Any) -> ToolContext:
    return ToolContext(now=NOW, session=Session.create(Database()), agent=agent, extras=extras)


class Clock:
    """Wall time and CPU time (this process plus its children, i.e. Tesseract).

    On a shared machine the wall time depends on the load; CPU time mostly does not.
    """

    def __enter__(self) -> Clock:
        self.wall, self.cpu = time.perf_counter(), _cpu()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall, _cpu() - self.cpu

    def __str__(self) -> str:
        return f"{self.wall:.1f} s wall, {self.cpu:.1f} s CPU"


def _cpu() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(
        resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def timed_scan(path: Path, **arguments: Any) -> tuple[Clock, dict[str, Any]]:
    with Clock() as clock:
        result = scan_document.run({"path": str(path), **arguments}, context())
    return clock, result


def bench_ocr(tmp: Path, pages: int) -> None:
    """Full A4 pages (12 pt DejaVu Sans, 300 dpi) in an image-only PDF."""
    texts = ["\n".join(_wrap(" ".join(b.report_pages(3, seed=n)), 70)[:40]) for n in range(pages)]
    images = [b.render(t) for t in texts]
    pdf = b.image_pdf(images, tmp / "scan.pdf")
    clock, result = timed_scan(pdf)
    cers = [b.cer(t, p["text"]) for t, p in zip(texts, result["pages"], strict=True)]
    chars = sum(len(t) for t in texts)
    print(f"OCR, image-only PDF: {pages} A4 pages ({chars} chars) in {clock}: "
          f"{pages / clock.wall:.2f} pages/s ({pages / clock.cpu:.2f} per CPU-second); "
          f"mean CER {100 * sum(cers) / len(cers):.2f}%")
    invoice = b.render(b.INVOICE)
    for name, image in [("clean", invoice), ("rotated 90°", b.rotated(invoice)),
                        ("noisy/low-contrast", b.noisy(invoice))]:
        png = b.save_png(image, tmp / f"{name.split()[0].replace('/', '-')}.png")
        clock, result = timed_scan(png)
        print(f"OCR, {name} PNG ({image.width}x{image.height}): {clock}, "
              f"CER {100 * b.cer(b.INVOICE, result['pages'][0]['text']):.2f}%")


def bench_text_layer(tmp: Path) -> None:
    pdf = b.text_pdf(b.report_pages(300), tmp / "report.pdf")
    clock, result = timed_scan(pdf)
    print(f"text layer: 300-page PDF in {clock}: {300 / clock.wall:.0f} pages/s "
          f"({result['document']['words']} words stored and indexed)")


def bench_memory(tmp: Path) -> None:
    """Peak memory (VmHWM) of a fresh process scanning 10 vs 300 image-only pages."""
    page = b.render("Harbour log entry", width_in=4)
    blank = b.Image.new("L", (1240, 1754), 255)  # A6-ish at 300 dpi, rendered and checked
    peaks = {}
    for count in (10, 300):
        pdf = b.image_pdf([page] + [blank] * (count - 1), tmp / f"log{count}.pdf")
        script = (
            "import re; from datetime import datetime; from calvados import ToolContext; "
            "from calvados.plugins.documents import scan_document; "
            f"scan_document.run({{'path': {str(pdf)!r}}}, ToolContext(now=datetime.now())); "
            "print(re.search(r'VmHWM:\\s*(\\d+)', open('/proc/self/status').read())[1])"
        )
        start = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                             check=True)
        peaks[count] = (int(out.stdout.split()[-1]) / 1024, time.perf_counter() - start)
    (m10, _), (m300, s300) = peaks[10], peaks[300]
    print(f"memory: peak {m10:.0f} MB for 10 image pages, {m300:.0f} MB for 300 "
          f"(+{m300 - m10:.0f} MB; one rendered page is "
          f"{blank.width * blank.height / 2**20:.1f} MB); 300 pages in {s300:.1f} s")


def bench_summary(tmp: Path, use_model: bool) -> None:
    pages = b.report_pages(20, sentences=24)
    pdf = b.text_pdf(pages, tmp / "twenty.pdf")
    chars = sum(len(p) for p in pages)
    scan_document.run({"path": str(pdf)}, context())
    agents: list[tuple[str, Any]] = [("extractive (no model)", None)]
    if use_model:
        from types import SimpleNamespace

        from calvados.models import load_backend

        start = time.perf_counter()
        backend = load_backend("smollm2-135m")
        print(f"model: smollm2-135m loaded in {time.perf_counter() - start:.1f} s")
        agents.append(("smollm2-135m map-reduce", SimpleNamespace(chat_backend=backend)))
    for label, agent in agents:
        parts: list[int] = []
        ctx = context(agent, progress=lambda done, total, _, seen=parts: seen.append(total))
        first = None
        result: dict[str, Any] = {}
        with Clock() as clock:
            for item in summarize.run({"path": str(pdf), "length": "medium"}, ctx):
                if isinstance(item, str) and first is None:
                    first = time.perf_counter() - clock.wall
                elif isinstance(item, dict):
                    result = item
        print(f"summarize 20 pages ({chars} chars), {label}: {clock}, first sentence "
              f"after {first or 0:.1f} s, {parts[-1] if parts else 1} part(s) mapped, "
              f"method {result.get('method')}, {result.get('items')} sentences")


def _wrap(text: str, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = ""
        line = f"{line} {word}".strip()
    return [*lines, line] if line else lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=5, help="A4 pages to OCR (default 5)")
    parser.add_argument("--no-model", action="store_true", help="skip the model summary")
    parser.add_argument("--only", choices=["ocr", "text", "memory", "summary"], action="append",
                        help="run only these parts (repeatable)")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} CPUs, load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}; tesseract "
          f"{_tesseract_version()}")
    parts = args.only or ["ocr", "text", "memory", "summary"]
    with tempfile.TemporaryDirectory() as tmp:
        if "ocr" in parts:
            bench_ocr(Path(tmp), args.pages)
        if "text" in parts:
            bench_text_layer(Path(tmp))
        if "memory" in parts:
            bench_memory(Path(tmp))
        if "summary" in parts:
            bench_summary(Path(tmp), not args.no_model)


def _tesseract_version() -> str:
    import pytesseract

    match = re.search(r"[\d.]+", str(pytesseract.get_tesseract_version()))
    return match.group(0) if match else "?"


if __name__ == "__main__":
    main()
