"""WeasyPrint without Django: what a process rendering PDFs runs (issue 21.4).

`core.pdf` renders the HTML (Django templates, the database) and hands it here; a batch of forms is
split into jobs laid out in worker processes (`render_jobs`), which import this module only — no
Django set-up, no database connection — through a `forkserver` that has WeasyPrint imported once.

Measured on one three-page work order (CPU ms, medians of 15, issue 21.4 in docs/performance.md):
the user-agent stylesheet below instead of WeasyPrint's full HTML one saves ~9 ms of ~135 (fewer
selectors to match per element, no presentational-hint sheet); the output is the same page for
page (`tests/core/test_pdf_worker.py` compares the rasterised pages).
"""

from __future__ import annotations

import gc
import io
import multiprocessing
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from functools import cache, lru_cache
from multiprocessing import forkserver
from typing import Any
from urllib.parse import quote, unquote

import segno
from weasyprint import CSS, HTML
from weasyprint.document import Page
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

# What the printed forms use of WeasyPrint's html5_ua.css (tables, blocks, <br>, bold, hidden head).
# A form that needs more (lists, headings' margins, forms) is rendered with the full sheet (lean=False).
LEAN_UA_CSS = """
head, style, title, meta, script, link, template, [hidden] { display: none }
html, body, div, p, h1, h2, h3, section, header, footer { display: block }
table { display: table; box-sizing: border-box; text-indent: initial; border-spacing: 2px;
        border-collapse: separate; border-color: gray }
colgroup { display: table-column-group }
col { display: table-column }
thead { display: table-header-group; vertical-align: middle }
tbody { display: table-row-group; vertical-align: middle }
tfoot { display: table-footer-group; vertical-align: middle }
tr { display: table-row; vertical-align: inherit }
td, th { display: table-cell; vertical-align: inherit; padding: 1px; border-color: gray }
b, strong, th { font-weight: bold }
br::before { content: "\\A"; white-space: pre-line }
img, svg { overflow: hidden }
body { margin: 8px }
@page { margin: 75px }
"""


@cache
def font_config() -> Any:
    """One FontConfiguration per process: the @font-face fonts are loaded once."""
    return FontConfiguration()


@cache
def _lean_ua() -> Any:
    return CSS(string=LEAN_UA_CSS)


class LeanHTML(HTML):
    """An HTML document with the small user-agent stylesheet above."""

    def _ua_stylesheets(self, forms=False):
        return [_lean_ua()]

    def _ph_stylesheets(self):
        return []


@contextmanager
def gc_off() -> Iterator[None]:
    """Keep the garbage collector off for a render or a batch (measured: 7–10 s → ~5 s for 50 orders)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


# QR codes made where the PDF is laid out (issue 21.4): a form's <img src="qr:<quoted text>"> is a PNG of
# one pixel a module (printed 24 mm wide with `image-rendering: crisp-edges`), made by the URL fetcher
# below, so a batch's worker processes make them in parallel instead of the process that renders
# the forms' HTML (~10 ms a form there). The text is quoted, so the src names exactly what is encoded.
QR_SCHEME = "qr:"


def qr_src(text: str) -> str:
    """The `src` of an <img> showing `text` as a QR code (error correction M, one pixel a module)."""
    return QR_SCHEME + quote(text, safe="")


def qr_text(src: str) -> str:
    """What a `qr_src` encodes."""
    return unquote(src.removeprefix(QR_SCHEME))


@lru_cache(maxsize=256)
def qr_png(text: str) -> bytes:
    buf = io.BytesIO()
    segno.make(text, error="m").save(buf, kind="png", scale=1, border=1)
    return buf.getvalue()


class FormFetcher(URLFetcher):
    """WeasyPrint's fetcher, which also answers `qr:` sources with the QR code's PNG."""

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if url.startswith(QR_SCHEME):
            return URLFetcherResponse(url, qr_png(qr_text(url)), {"Content-Type": "image/png"})
        return super().fetch(url, headers)


def _document(html: str, base_url: str, lean: bool) -> HTML:
    return (LeanHTML if lean else HTML)(string=html, base_url=base_url, url_fetcher=FormFetcher())


# Copies of a page that differ only in a few captions (the 一式三联 form: the dispatch copy is the stub
# with its own part name, note and footer label) are laid out once. The page to copy says which
# copies follow it (`data-copies="dispatch"`); a "copy sheet" at the end of the document
# (`<div class="page" data-copy-sheet="dispatch">`, its own page, dropped from the output) holds each
# copy's captions in elements marked `data-slot="<name>"`, styled like the page's own slots. After
# layout, each copy is the page's box tree with every slot box replaced by the sheet's box of that
# slot, moved to where the page's slot box is; nothing else is laid out again and the boxes that did
# not change are shared (drawing only reads them). A slot must not change the layout around it: the
# same width whatever its text (or at the end of its line) and one line (`white-space: nowrap`).
COPIES = "data-copies"
COPY_SHEET = "data-copy-sheet"
SLOT = "data-slot"


def _attr(box: Any, name: str) -> str | None:
    element = getattr(box, "element", None)
    return element.get(name) if element is not None and hasattr(element, "get") else None


def _slots(box: Any, found: dict[str, Any]) -> dict[str, Any]:
    """The outermost box of each slot under `box`."""
    name = _attr(box, SLOT)
    if name:
        found.setdefault(name, box)
        return found
    for child in getattr(box, "children", ()):
        _slots(child, found)
    return found


def _with_slots(box: Any, sheet: dict[str, Any]) -> Any:
    """`box` with its slot boxes replaced by the sheet's (moved into place); only the boxes on the way
    to a slot are copied. Returns `box` itself when it holds no slot."""
    name = _attr(box, SLOT)
    if name:
        if name not in sheet:
            return box
        new = sheet[name].deepcopy()
        new.translate(box.position_x - new.position_x, box.position_y - new.position_y)
        return new
    children = getattr(box, "children", None)
    if not children:
        return box
    new_children = [_with_slots(child, sheet) for child in children]
    if all(a is b for a, b in zip(new_children, children, strict=True)):
        return box
    copy = box.copy()
    copy.children = new_children
    return copy


def _page_attr(page: Any, name: str) -> str | None:
    """`name` of the page's own element (a <div> child of <body>), looked for down to that depth."""
    level = [page._page_box]
    for _depth in range(4):  # page, <html>, <body>, the page's <div>
        for box in level:
            value = _attr(box, name)
            if value is not None:
                return value
        level = [child for box in level for child in getattr(box, "children", ())]
    return None


def expand_copies(doc: Any) -> list[Any]:
    """The document's pages with each page marked `data-copies` followed by its copies, and without
    the copy sheets."""
    marks = [(_page_attr(page, COPY_SHEET), _page_attr(page, COPIES)) for page in doc.pages]
    sheets = {sheet: _slots(page._page_box, {}) for page, (sheet, _c) in zip(doc.pages, marks, strict=True)
              if sheet}
    pages = []
    for page, (sheet, copies) in zip(doc.pages, marks, strict=True):
        if sheet:
            continue
        pages.append(page)
        for name in (copies or "").split():
            copy = Page(_with_slots(page._page_box, sheets[name]))
            copy.anchors = {}  # the page's ids (its anchor) stay with the page itself
            pages.append(copy)
    return pages


def _render(html: str, base_url: str, lean: bool) -> Any:
    doc = _document(html, base_url, lean).render(font_config=font_config())
    if COPY_SHEET in html:
        doc.pages = expand_copies(doc)
    return doc


def html_to_pdf(html: str, *, base_url: str, lean: bool = False) -> bytes:
    buf = io.BytesIO()
    with gc_off():
        _render(html, base_url, lean).write_pdf(buf)
    return buf.getvalue()


def html_to_pdfs_by_anchor(html: str, starts: list[str], *, base_url: str, lean: bool = False) -> list[bytes]:
    """Lay out `html` once and write one PDF per document it holds: document i runs from the page
    holding the anchor (element id) `starts[i]` to the page before the next one."""
    with gc_off():
        doc = _render(html, base_url, lean)
        first: dict[str, int] = {}
        for number, page in enumerate(doc.pages):
            for anchor in page.anchors:
                first.setdefault(anchor, number)
        bounds = [first[a] for a in starts] + [len(doc.pages)]
        return [doc.copy(doc.pages[bounds[i]:bounds[i + 1]]).write_pdf() for i in range(len(starts))]


def render_job(job: tuple[str, list[str], str, bool]) -> list[bytes]:
    html, starts, base_url, lean = job
    return html_to_pdfs_by_anchor(html, starts, base_url=base_url, lean=lean)


def render_jobs(jobs: list[tuple[str, list[str], str, bool]], *, processes: int) -> Iterator[list[bytes]]:
    """Each job (html, anchors, base_url, lean) laid out in one pass; with `processes` > 1 and more
    than one job, in that many worker processes at once (forked from a server that imported this
    module, so a worker starts in milliseconds and shares WeasyPrint's pages). The pool lives for
    this batch only: an idle web or Celery process keeps no renderer in memory. Results are yielded
    in job order as they arrive (the caller stores them and reports progress meanwhile)."""
    if processes <= 1 or len(jobs) <= 1:
        yield from (render_job(job) for job in jobs)
        return
    if multiprocessing.current_process().daemon:  # a Celery prefork child: see _may_start_processes
        ctx = multiprocessing.get_context("fork")
    else:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload([__name__])
    with ProcessPoolExecutor(max_workers=min(processes, len(jobs)), mp_context=ctx) as pool:
        with _may_start_processes():
            results = pool.map(render_job, jobs)  # submits every job: the workers start here
        yield from results


def start_server() -> None:
    """Start the forkserver of `render_jobs` now (it imports WeasyPrint, ~0.4 s the first time in a
    process) so that it gets ready while the caller is still preparing the batch's HTML (issue 21.4).
    Nothing to do when it runs already, or in a Celery prefork child (which forks its workers)."""
    if multiprocessing.current_process().daemon:
        return
    multiprocessing.get_context("forkserver").set_forkserver_preload([__name__])
    forkserver.ensure_running()


@contextmanager
def _may_start_processes() -> Iterator[None]:
    """A Celery prefork child is a daemonic process, which multiprocessing forbids to start processes
    (so that none outlives it). The pool above lives for one batch and is shut down before the call
    returns; if the child is killed meanwhile, its render workers read EOF on their queue and exit.
    So the flag is lifted while the workers start. Such a child forks its workers directly (it runs
    one task at a time, no other thread; a forkserver would have to be sent billiard's process
    configuration, which refuses to be pickled)."""
    config = multiprocessing.current_process()._config
    daemon = config.get("daemon")
    config["daemon"] = False
    try:
        yield
    finally:
        if daemon is None:
            config.pop("daemon", None)
        else:
            config["daemon"] = daemon
