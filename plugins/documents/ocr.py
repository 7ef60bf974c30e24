"""Reading files into pages of text: PDF text layers, Tesseract OCR for images and scans.

Pages are produced one at a time (a generator), so a 300-page scan never holds more than
one rendered page image in memory.
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from calvados import ToolError
from PIL import Image, ImageChops, ImageFilter, ImageOps, ImageStat

SUPPORTED = "PDF, PNG, JPEG, TIFF, WebP, BMP, plain text, Markdown, HTML"
TEXT_SUFFIXES = {".txt": "text", ".text": "text", ".md": "text", ".markdown": "text",
                 ".html": "html", ".htm": "html", ".xhtml": "html"}
RENDER_DPI = 300
MAX_RENDER_PIXELS = 40_000_000  # a page rendered or upscaled for OCR never gets bigger
MAX_TEXT_BYTES = 20_000_000  # a text, Markdown or HTML file larger than this is refused
MIN_LAYER_CHARS = 20  # fewer characters than this in a PDF text layer: OCR the page instead
BLANK_STDDEV = 4.0
NOISE_LEVEL = 3.0
SMALL_LINE_PX = 24  # text lines shorter than this are upscaled before OCR
GOOD_CONFIDENCE = 75.0  # below this, ask Tesseract's OSD whether the page is rotated
TEXT_PAGE_CHARS = 3000


@dataclass
class Page:
    """One page of a document: its text, how it was read, and the OCR confidence (0-100)."""

    number: int
    text: str
    method: str  # "text" (text layer or text file), "ocr", or "blank"
    confidence: float | None = None

    @property
    def blank(self) -> bool:
        return self.method == "blank"


# --------------------------------------------------------------------------- file types

def detect_kind(path: Path) -> str:
    """``pdf``, ``image`` or ``text`` from the file's first bytes (and suffix for text)."""
    with path.open("rb") as fh:
        head = fh.read(2048)
    suffix = path.suffix.lower()
    if head.lstrip(b"\x00\t\r\n ").startswith(b"%PDF"):
        return "pdf"
    if _is_image(head):
        return "image"
    if suffix == ".pdf":
        raise ToolError(f"{path.name} is not a valid PDF (no PDF header; corrupt or mislabelled)")
    utf16 = head[:2] in (b"\xff\xfe", b"\xfe\xff")
    if suffix in TEXT_SUFFIXES and (utf16 or b"\x00" not in head):
        return "html" if TEXT_SUFFIXES[suffix] == "html" else "text"
    if suffix in {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".webp", ".bmp"}:
        raise ToolError(f"{path.name} is not a readable image (corrupt or mislabelled)")
    what = f"'{suffix}'" if suffix else "without a known extension"
    raise ToolError(f"{path.name}: unsupported file type {what} (supported: {SUPPORTED})")


def _is_image(head: bytes) -> bool:
    return (
        head.startswith(b"\x89PNG\r\n\x1a\n")
        or head.startswith(b"\xff\xd8\xff")
        or head[:4] in (b"II*\x00", b"MM\x00*")
        or (head.startswith(b"RIFF") and head[8:12] == b"WEBP")
        or (head.startswith(b"BM") and head[6:10] == b"\x00\x00\x00\x00")
    )


# --------------------------------------------------------------------------- sources

class Source(ABC):
    """An opened document: how many pages it has, and its pages one by one."""

    kind = "text"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.page_count = 0

    @abstractmethod
    def pages(self) -> Iterator[Page]:
        """The pages, read one at a time."""

    def close(self) -> None:  # noqa: B027  (optional for subclasses)
        """Release file handles and native resources."""


class TextSource(Source):
    """Plain text, Markdown or HTML: form feeds (or every ~3000 characters) make pages."""

    def __init__(self, path: Path, html: bool = False) -> None:
        super().__init__(path)
        size = path.stat().st_size
        if size > MAX_TEXT_BYTES:
            raise ToolError(f"{path.name} is {size / 1e6:.0f} MB of text: the limit is "
                            f"{MAX_TEXT_BYTES // 1_000_000} MB (split it, or scan a part)")
        text = _decode(path.read_bytes())
        self._texts = text_pages(html_to_text(text) if html else text)
        self.page_count = len(self._texts)

    def pages(self) -> Iterator[Page]:
        for i, text in enumerate(self._texts, 1):
            yield Page(i, text, "text" if text.strip() else "blank")


class ImageSource(Source):
    """An image file; multi-frame TIFFs are one page per frame."""

    kind = "image"

    def __init__(self, path: Path, language: str) -> None:
        super().__init__(path)
        self.language = language
        try:
            self._image = Image.open(path)
            self._image.load()
        except (OSError, ValueError, Image.DecompressionBombError) as exc:
            raise ToolError(f"{path.name} is not a readable image ({_short(exc)})") from exc
        self.page_count = getattr(self._image, "n_frames", 1)

    def pages(self) -> Iterator[Page]:
        for index in range(self.page_count):
            try:
                self._image.seek(index)
                frame = ImageOps.exif_transpose(self._image) if index == 0 else self._image.copy()
            except (OSError, ValueError, EOFError) as exc:
                raise ToolError(f"page {index + 1} of {self.path.name} could not be read "
                                f"({_short(exc)})") from exc
            yield ocr_page(index + 1, frame, self.language)

    def close(self) -> None:  # noqa: B027  (optional for subclasses)
        self._image.close()


class PdfSource(Source):
    """A PDF: each page's text layer through pypdf; pages without one rendered and OCR'd."""

    kind = "pdf"

    def __init__(self, path: Path, language: str, password: str | None) -> None:
        super().__init__(path)
        self.language = language
        self.password = password
        self._reader = self._open_reader()
        self._pdfium: Any = None
        try:
            self.page_count = len(self._reader.pages)
        except Exception as exc:  # pypdf raises many types on damaged files
            raise _corrupt(path, exc) from exc
        if self.page_count == 0:
            raise ToolError(f"{path.name} has no pages")

    def _open_reader(self) -> Any:
        from pypdf import PdfReader
        from pypdf.errors import DependencyError

        try:
            reader = PdfReader(self.path)
        except Exception as exc:
            raise _corrupt(self.path, exc) from exc
        if not reader.is_encrypted:
            return reader
        try:
            ok = reader.decrypt(self.password or "")
        except DependencyError as exc:
            raise ToolError(f"{self.path.name}: its encryption needs the 'cryptography' "
                            "package (pip install cryptography)") from exc
        except Exception as exc:
            raise _corrupt(self.path, exc) from exc
        if not ok:
            if self.password:
                raise ToolError(f"wrong password for {self.path.name}")
            raise ToolError(f"{self.path.name} is password-protected: scan it with its "
                            "password (scan_document path=... password=...)")
        return reader

    def pages(self) -> Iterator[Page]:
        for index in range(self.page_count):
            yield self._page(index)

    def _page(self, index: int) -> Page:
        try:
            layer = self._reader.pages[index].extract_text() or ""
        except Exception as exc:
            raise _corrupt(self.path, exc, page=index + 1) from exc
        if len(re.sub(r"\s", "", layer)) >= MIN_LAYER_CHARS:
            return Page(index + 1, layer.strip(), "text")
        image = self._render(index)
        try:
            page = ocr_page(index + 1, image, self.language)
        finally:
            image.close()
        if page.blank and layer.strip():
            return Page(index + 1, layer.strip(), "text")
        return page

    def _render(self, index: int) -> Image.Image:
        import pypdfium2 as pdfium

        try:
            if self._pdfium is None:
                self._pdfium = pdfium.PdfDocument(str(self.path), password=self.password)
            page = self._pdfium[index]
            try:
                width, height = page.get_size()
                scale = min(RENDER_DPI / 72, (MAX_RENDER_PIXELS / max(1.0, width * height)) ** 0.5)
                bitmap = page.render(scale=scale, grayscale=True)
                image = bitmap.to_pil().copy()
                bitmap.close()
            finally:
                page.close()
        except pdfium.PdfiumError as exc:
            raise _corrupt(self.path, exc, page=index + 1) from exc
        return image

    def close(self) -> None:  # noqa: B027  (optional for subclasses)
        if self._pdfium is not None:
            self._pdfium.close()
            self._pdfium = None


def open_source(path: Path, language: str, password: str | None = None) -> Source:
    """Open ``path`` for reading page by page (raises ToolError on unreadable input)."""
    kind = detect_kind(path)
    if kind == "pdf":
        return PdfSource(path, language, password)
    if kind == "image":
        check_language(language)
        return ImageSource(path, language)
    return TextSource(path, html=kind == "html")


def _corrupt(path: Path, exc: BaseException, page: int | None = None) -> ToolError:
    where = f"page {page} of {path.name}" if page else path.name
    return ToolError(f"{where} could not be read: the PDF looks corrupt or truncated "
                     f"({_short(exc)})")


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 120 else text[:117] + "..."


# --------------------------------------------------------------------------- text files

def _decode(data: bytes) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def text_pages(text: str, size: int = TEXT_PAGE_CHARS) -> list[str]:
    """Split a text into pages: at form feeds, else at paragraph breaks every ~size chars."""
    if "\f" in text:
        return [p.strip() for p in text.split("\f")] or [""]
    pages: list[str] = []
    current = ""
    for para in re.split(r"\n\s*\n", text):
        if current and len(current) + len(para) > size:
            pages.append(current.strip())
            current = ""
        current += para + "\n\n"
    if current.strip() or not pages:
        pages.append(current.strip())
    return pages


class _HTMLText(HTMLParser):
    BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section",
              "article", "header", "footer", "blockquote", "pre", "table", "ul", "ol", "title"}
    SKIP = {"script", "style", "noscript", "template"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in self.SKIP:
            self._skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self._skipping = max(0, self._skipping - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """The visible text of an HTML page, one paragraph per block element."""
    parser = _HTMLText()
    parser.feed(markup)
    parser.close()
    text = "".join(parser.parts)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# --------------------------------------------------------------------------- OCR

@functools.lru_cache(maxsize=1)
def installed_languages() -> frozenset[str]:
    """Tesseract language packs on this machine (ToolError if Tesseract is missing)."""
    import pytesseract

    try:
        return frozenset(pytesseract.get_languages(config=""))
    except (pytesseract.TesseractNotFoundError, pytesseract.TesseractError, OSError) as exc:
        raise ToolError("Tesseract OCR is not installed; install tesseract-ocr "
                        "(see docs/documents.md) to scan images") from exc


def check_language(language: str) -> None:
    """Fail early, in one line, when a requested language pack is not installed."""
    have = installed_languages()
    missing = [code for code in language.split("+") if code not in have]
    if missing:
        shown = ", ".join(sorted(have - {"osd"})) or "none"
        raise ToolError(f"Tesseract language pack {'+'.join(missing)!r} is not installed "
                        f"(installed: {shown}); install tesseract-ocr-{missing[0]}")


def ocr_page(number: int, image: Image.Image, language: str) -> Page:
    """OCR one page image: preprocess, recognise, and retry upright if OSD says it is rotated."""
    check_language(language)
    gray = prepare(image)
    if gray is None:
        return Page(number, "", "blank")
    text, confidence = recognise(gray, language)
    if confidence < GOOD_CONFIDENCE or len(text.split()) < 3:
        angle = rotation(gray)
        if angle:
            upright = gray.rotate(-angle, expand=True, fillcolor=255)
            text2, confidence2 = recognise(upright, language)
            if confidence2 > confidence or not text.strip():
                text, confidence = text2, confidence2
    if not text.strip():
        return Page(number, "", "blank")
    return Page(number, text, "ocr", round(confidence, 1))


def prepare(image: Image.Image) -> Image.Image | None:
    """Grayscale, denoise when noisy, stretch contrast. ``None`` for a blank page."""
    gray = _grayscale(image)
    if ImageStat.Stat(gray).stddev[0] < BLANK_STDDEV:
        return None
    if _speckled(gray):
        gray = gray.filter(ImageFilter.MedianFilter(3))
    return ImageOps.autocontrast(gray, cutoff=1)


def _speckled(gray: Image.Image, side: int = 800) -> bool:
    """Salt-and-pepper noise, judged on a central crop (filtering a whole page is slow)."""
    left, top = max(0, (gray.width - side) // 2), max(0, (gray.height - side) // 2)
    crop = gray.crop((left, top, min(gray.width, left + side), min(gray.height, top + side)))
    smooth = crop.filter(ImageFilter.MedianFilter(3))
    return ImageStat.Stat(ImageChops.difference(crop, smooth)).mean[0] > NOISE_LEVEL


def _grayscale(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(white, rgba)
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        image = ImageOps.autocontrast(image.convert("I").point(lambda v: v / 256).convert("L"))
    return image.convert("L")


def binarize(gray: Image.Image) -> Image.Image:
    """Black text on white with Otsu's threshold."""
    cut = otsu_threshold(gray)
    return gray.point(lambda v: 255 if v > cut else 0)


def otsu_threshold(gray: Image.Image) -> int:
    hist = gray.histogram()[:256]
    total = sum(hist)
    weighted = sum(i * h for i, h in enumerate(hist))
    below = below_sum = 0
    best, cut = -1.0, 127
    for level, count in enumerate(hist):
        below += count
        if below == 0:
            continue
        above = total - below
        if above == 0:
            break
        below_sum += level * count
        gap = below_sum / below - (weighted - below_sum) / above
        spread = below * above * gap * gap
        if spread > best:
            best, cut = spread, level
    return cut


def line_height(binary: Image.Image) -> float | None:
    """Median height in pixels of the horizontal text lines (row profile of the ink)."""
    profile = binary.resize((1, binary.height), Image.Resampling.BOX).tobytes()
    runs, run = [], 0
    for value in profile:
        if value < 250:
            run += 1
        elif run:
            runs.append(run)
            run = 0
    if run:
        runs.append(run)
    runs = sorted(r for r in runs if r >= 3)
    return float(runs[len(runs) // 2]) if runs else None


def recognise(gray: Image.Image, language: str) -> tuple[str, float]:
    """Tesseract on a prepared page, upscaling small text first; (text, mean confidence)."""
    binary = binarize(gray)
    height = line_height(binary)
    if height and height < SMALL_LINE_PX:
        budget = (MAX_RENDER_PIXELS / max(1, gray.width * gray.height)) ** 0.5
        factor = min(4.0, 2 * SMALL_LINE_PX / height, budget)
        if factor > 1.05:  # within the pixel budget, or not at all
            size = (round(gray.width * factor), round(gray.height * factor))
            binary = binarize(gray.resize(size, Image.Resampling.LANCZOS))
    return _tesseract(binary, language)


def _tesseract(image: Image.Image, language: str) -> tuple[str, float]:
    tsv = run_tesseract(image, ["-l", language, "--psm", "3", "tsv"])
    return words_to_text(parse_tsv(tsv))


def run_tesseract(image: Image.Image, args: list[str]) -> str:
    """Run the Tesseract binary (pytesseract's, so its configured path is honoured) on one
    image, single-threaded: OpenMP threads make it several times slower on a busy CPU."""
    import pytesseract

    env = {**os.environ, "OMP_THREAD_LIMIT": os.environ.get("OMP_THREAD_LIMIT", "1")}
    with tempfile.TemporaryDirectory(prefix="calvados-ocr-") as tmp:
        file = os.path.join(tmp, "page.png")
        image.save(file, compress_level=1)
        try:
            proc = subprocess.run([pytesseract.pytesseract.tesseract_cmd, file, "stdout", *args],
                                  capture_output=True, env=env, check=False)
        except OSError as exc:
            raise ToolError("Tesseract OCR is not installed; install tesseract-ocr "
                            "(see docs/documents.md) to scan images") from exc
    if proc.returncode != 0:
        raise TesseractFailed(_short(RuntimeError(proc.stderr.decode("utf-8", "replace"))))
    return proc.stdout.decode("utf-8", "replace")


class TesseractFailed(ToolError):
    """Tesseract exited with an error (the message is its own)."""


def parse_tsv(tsv: str) -> dict[str, list[Any]]:
    """Tesseract's TSV output as columns (the shape of pytesseract's image_to_data dict)."""
    rows = [line.split("\t") for line in tsv.splitlines() if line]
    if not rows:
        return {"text": [], "conf": [], "block_num": [], "par_num": [], "line_num": []}
    header, body = rows[0], [r for r in rows[1:] if len(r) == len(rows[0])]
    data: dict[str, list[Any]] = {name: [] for name in header}
    for row in body:
        for name, value in zip(header, row, strict=True):
            data[name].append(value if name == "text" else float(value))
    return data


def words_to_text(data: dict[str, list[Any]]) -> tuple[str, float]:
    """Rebuild text (lines, blank lines between paragraphs) and a length-weighted confidence."""
    lines: dict[tuple[int, int, int], list[str]] = {}
    weight = score = 0.0
    for i, word in enumerate(data["text"]):
        word = (word or "").strip()
        conf = float(data["conf"][i])
        if not word or conf < 0:
            continue
        key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        lines.setdefault(key, []).append(word)
        weight += len(word)
        score += conf * len(word)
    out: list[str] = []
    last_par: tuple[int, int] | None = None
    for (block, par, _), line_words in lines.items():
        if last_par is not None and (block, par) != last_par:
            out.append("")
        out.append(" ".join(line_words))
        last_par = (block, par)
    return "\n".join(out), (score / weight if weight else 0.0)


def rotation(gray: Image.Image) -> int:
    """Clockwise degrees that make the page upright, from Tesseract's OSD (0 if unsure)."""
    try:
        osd = run_tesseract(binarize(gray), ["--psm", "0"])
    except TesseractFailed:
        return 0  # too little text to tell
    angle = re.search(r"Rotate:\s*(\d+)", osd)
    confidence = re.search(r"Orientation confidence:\s*([\d.]+)", osd)
    if not angle or not confidence or float(confidence.group(1)) < 1.0:
        return 0
    return int(angle.group(1)) % 360
