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
The WeasyPrint side (fonts, gc, one-pass layout, worker processes for a batch) is `core.pdf_worker`,
which does not import Django, so a worker process starts without it.
"""

from __future__ import annotations

import ctypes.util
import io
import logging
import os
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import segno
from django.conf import settings
from django.core.checks import Warning as CheckWarning
from django.template.loader import render_to_string
from pypdf import PdfReader, PdfWriter
from weasyprint.text import ffi as wffi

from core import pdf_worker
from core.pdf_worker import font_config  # noqa: F401 (re-exported: callers use core.pdf)
from core.pdf_worker import gc_off as batch  # noqa: F401 (re-exported: fees renders notices in one batch)

log = logging.getLogger(__name__)

SUBSET_FAMILY = "Propserv SC"  # our name for the GB2312 subset (OFL: not the reserved original name)
FONT_DIR = settings.BASE_DIR / "static" / "fonts"
FONT_FILES = {"normal": "NotoSansSC-GB2312-Regular.otf", "bold": "NotoSansSC-GB2312-Bold.otf"}


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


@lru_cache(maxsize=512)
def qr_png_data_uri(text: str, *, scale: int = 10) -> str:
    """A PNG QR code: drawn once per PDF (an SVG path is re-drawn on every page); 10 px a module is
    ~300 dpi at 24 mm. With `image-rendering: crisp-edges` in the template (the PDF then says not to
    interpolate) one pixel a module prints as sharp and is cheaper to make, embed and parse (issue 21.4:
    ~9 ms less per work order)."""
    return segno.make(text, error="m").png_data_uri(scale=scale, border=1)


def render_html(template: str, context: dict[str, Any]) -> str:
    return render_to_string(template, {"pdf_font_family": font_family(), "pdf_font_face": font_face_css(),
                                       **context})


def _base_url(base_url: str | None) -> str:
    return base_url or str(settings.BASE_DIR)


def html_to_pdf(html: str, *, base_url: str | None = None, lean: bool = False) -> bytes:
    """`lean`: WeasyPrint's user-agent stylesheet reduced to what the forms use (core.pdf_worker)."""
    return pdf_worker.html_to_pdf(html, base_url=_base_url(base_url), lean=lean)


def html_to_pdfs_by_anchor(html: str, starts: list[str], *, lean: bool = False) -> list[bytes]:
    """Lay out `html` once and write one PDF per document it holds: document i runs from the page
    holding the anchor (element id) `starts[i]` to the page before the next one (issue 21.4: a batch
    laid out in one pass — one style computation and font set-up instead of one per order)."""
    return pdf_worker.html_to_pdfs_by_anchor(html, starts, base_url=_base_url(None), lean=lean)


def pdf_processes() -> int:
    """Worker processes for a batch: settings.PROPSERV_PDF_PROCESSES, else one per CPU up to 4."""
    return int(getattr(settings, "PROPSERV_PDF_PROCESSES", 0) or min(4, os.cpu_count() or 1))


def start_pdf_workers() -> None:
    """Have the batch's worker processes' server get ready meanwhile (see `pdf_worker.start_server`)."""
    if pdf_processes() > 1:
        pdf_worker.start_server()


def html_to_pdfs_parallel(jobs: list[tuple[str, list[str]]], *, lean: bool = False) -> Iterator[list[bytes]]:
    """Several `html_to_pdfs_by_anchor` jobs at once in worker processes (issue 21.4); results in job order."""
    base_url = _base_url(None)
    return pdf_worker.render_jobs([(html, starts, base_url, lean) for html, starts in jobs],
                                  processes=pdf_processes())


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
