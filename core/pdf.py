"""PDF rendering with WeasyPrint and a Chinese font (SPEC D-04).

Measured (shared notes, pdf-fonts): the cost of a Chinese PDF is font subsetting. So:
- Noto Sans CJK SC Regular + Bold are pre-subset once to GB2312 (`static/fonts/`, OFL licence beside
  them) and declared first in `font-family`; the full system Noto font follows for rare characters
  (李昇, 赵堃);
- one FontConfiguration per process;
- libharfbuzz-subset must be loaded (else WeasyPrint subsets in Python: ~8 s per order) — checked at
  start-up by a system check (`pdf_system_check`);
- `gc.disable()` around a render (and around a whole batch, see `batch`).
A template under `<app>/templates/<app>/print/` extends `print/base_a4.html`.
"""

from __future__ import annotations

import ctypes.util
import gc
import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

import segno
from django.conf import settings
from django.core.checks import Warning as CheckWarning
from django.template.loader import render_to_string
from pypdf import PdfReader, PdfWriter
from weasyprint import HTML
from weasyprint.text import ffi as wffi
from weasyprint.text.fonts import FontConfiguration

log = logging.getLogger(__name__)

SUBSET_FAMILY = "Propserv SC"  # our name for the GB2312 subset (OFL: not the reserved original name)
FONT_DIR = settings.BASE_DIR / "static" / "fonts"
FONT_FILES = {"normal": "NotoSansSC-GB2312-Regular.otf", "bold": "NotoSansSC-GB2312-Bold.otf"}


@cache
def font_config() -> Any:

    return FontConfiguration()


def harfbuzz_subset_available() -> bool:
    """Without libharfbuzz-subset WeasyPrint subsets fonts in Python: ~8 s per order (shared/notes)."""
    return ctypes.util.find_library("harfbuzz-subset") is not None


def harfbuzz_subset_loaded() -> bool:
    """True when WeasyPrint's own binding found hb-subset (not only when the file exists)."""
    try:

        return bool(getattr(wffi, "harfbuzz_subset", None)) or harfbuzz_subset_available()
    except Exception:
        return False


def pdf_system_check(app_configs=None, **kwargs) -> list:
    """Django system check: warn at start-up when PDFs would be 30× slower or lack the subset font."""

    problems = []
    if not harfbuzz_subset_loaded():
        problems.append(CheckWarning("libharfbuzz-subset is not loaded: PDFs take seconds each.",
                                     hint="Install the Debian package libharfbuzz-subset0.", id="core.W101"))
    for name in FONT_FILES.values():
        if not (FONT_DIR / name).exists():
            problems.append(CheckWarning(f"PDF font subset {name} missing in static/fonts.", id="core.W102"))
    return problems


def font_face_css() -> str:
    rules = []
    for weight, name in FONT_FILES.items():
        path = FONT_DIR / name
        if path.exists():
            rules.append(f'@font-face {{ font-family: "{SUBSET_FAMILY}"; font-weight: {weight}; '
                         f'src: url("{path.as_uri()}"); }}')
    return "\n".join(rules)


def font_family() -> str:
    return f'"{SUBSET_FAMILY}", {settings.PDF_FONT_FAMILY}'


def qr_svg_data_uri(text: str, *, scale: int = 3) -> str:
    return segno.make(text, error="m").svg_data_uri(scale=scale, border=1)


def qr_png_data_uri(text: str, *, scale: int = 10) -> str:
    """A PNG QR code: drawn once per PDF (an SVG path is re-drawn on every page); 10 px a module is
    ~300 dpi at 24 mm; print it with `image-rendering: crisp-edges`."""
    return segno.make(text, error="m").png_data_uri(scale=scale, border=1)


def render_html(template: str, context: dict[str, Any]) -> str:
    return render_to_string(template, {"pdf_font_family": font_family(), "pdf_font_face": font_face_css(),
                                       **context})


@contextmanager
def batch() -> Iterator[None]:
    """Keep the garbage collector off for a whole batch (measured: 7–10 s → ~5 s for 50 orders)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def html_to_pdf(html: str, *, base_url: str | None = None) -> bytes:

    buf = io.BytesIO()
    with batch():
        HTML(string=html, base_url=base_url or str(settings.BASE_DIR)).write_pdf(buf, font_config=font_config())
    return buf.getvalue()


def html_to_pdfs_by_anchor(html: str, starts: list[str]) -> list[bytes]:
    """Lay out `html` once and write one PDF per document it holds: document i runs from the page
    holding the anchor (element id) `starts[i]` to the page before the next one (issue 21.4: a batch
    laid out in one pass — one style computation and font set-up instead of one per order)."""
    with batch():
        doc = HTML(string=html, base_url=str(settings.BASE_DIR)).render(font_config=font_config())
        first = {}
        for number, page in enumerate(doc.pages):
            for anchor in page.anchors:
                first.setdefault(anchor, number)
        bounds = [first[a] for a in starts] + [len(doc.pages)]
        return [doc.copy(doc.pages[bounds[i]:bounds[i + 1]]).write_pdf() for i in range(len(starts))]


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    return html_to_pdf(render_html(template, context))


def merge_pdfs(parts: list[bytes]) -> bytes:
    """Concatenate PDFs (a batch of stored work orders: ~0.6 s for 50 three-page orders)."""

    writer = PdfWriter()
    for part in parts:
        writer.append(PdfReader(io.BytesIO(part)))
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()
