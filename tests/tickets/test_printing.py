"""The printed form rendered ahead and stored (SPEC T-02)."""

import io
import os
import time

import pytest
from django.core.files.storage import default_storage
from django.test import TestCase
from pypdf import PdfReader

from core import pdf
from tests.tickets.helpers import complete, dispatch, register
from tickets import printing

pytestmark = pytest.mark.django_db


@pytest.fixture
def renders(monkeypatch, settings, tmp_path):
    """Count WeasyPrint renders; stored forms go to a fresh folder."""
    settings.MEDIA_ROOT = str(tmp_path)
    calls = []
    real = printing.html_to_pdf

    def counted(html, **kw):
        calls.append(html)
        return real(html, **kw)

    monkeypatch.setattr(printing, "html_to_pdf", counted)
    real_batch = printing.html_to_pdfs_by_anchor

    def counted_batch(html, starts, **kw):  # a batch lays out several forms in one pass: one render each
        calls.extend(starts)
        return real_batch(html, starts, **kw)

    monkeypatch.setattr(printing, "html_to_pdfs_by_anchor", counted_batch)
    return calls


def stored(order):
    return sorted(printing._files(printing.stored_form_dir(order.pk)))


def fonts(data: bytes) -> set[str]:
    names = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    return names


# SPEC T-02: an unchanged order is read back; any printed change renders a new form
def test_stored_form_is_reused_until_the_order_changes(site_a, renders):
    order = dispatch(site_a, register(site_a))
    first = printing.work_orders_pdf([order])
    assert printing.work_orders_pdf([order]) == first and len(renders) == 1
    assert len(stored(order)) == 1
    order = complete(site_a, order)  # work done, materials: the form must show them
    second = printing.work_orders_pdf([order])
    assert len(renders) == 2 and second != first
    assert "疏通下水道" in PdfReader(io.BytesIO(second)).pages[2].extract_text()
    assert len(stored(order)) == 1  # the outdated form is gone


# SPEC T-02: the language is part of what is printed
def test_each_language_has_its_own_form(site_a, renders):
    from django.utils import translation

    order = dispatch(site_a, register(site_a))
    printing.work_orders_pdf([order])
    with translation.override("en"):
        text = PdfReader(io.BytesIO(printing.work_orders_pdf([order]))).pages[0].extract_text()
    assert len(renders) == 2 and "Received" in text
    printing.work_orders_pdf([order])  # the Chinese form is still stored
    assert len(renders) == 2 and len(stored(order)) == 2


# SPEC T-02: dispatch renders the form ahead in the worker; printing then renders nothing
def test_dispatch_renders_the_form_ahead(site_a, renders, settings):
    settings.PROPSERV_PDF_PRERENDER = True
    order = register(site_a)
    with TestCase.captureOnCommitCallbacks(execute=True):
        order = dispatch(site_a, order)
    assert len(stored(order)) == 1 and len(renders) == 1
    data = printing.work_orders_pdf([order])
    assert len(renders) == 1 and len(PdfReader(io.BytesIO(data)).pages) == 3


# SPEC T-02: closed and cancelled orders are not rendered ahead (nobody prints them)
def test_no_render_ahead_for_orders_nobody_prints(site_a, renders, settings):
    from tickets.services import work_order_cancel

    settings.PROPSERV_PDF_PRERENDER = True
    order = register(site_a)
    with TestCase.captureOnCommitCallbacks(execute=True):
        work_order_cancel(order=order, actor=site_a.users["front_desk"], reason="住户自行修好")
    assert renders == [] and stored(order) == []


# SPEC T-02 / D-04: a batch is the stored forms one after another; Chinese font only, no fallback font
def test_batch_merges_stored_forms(site_a, renders):
    orders = [dispatch(site_a, register(site_a, unit=i)) for i in range(3)]
    printing.work_orders_pdf(orders[:1])
    data = printing.work_orders_pdf(orders)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 9 and len(renders) == 3  # the first order was not rendered again
    for i, order in enumerate(orders):
        assert order.number in reader.pages[3 * i + 2].extract_text()
    assert fonts(data) == {f"{pdf.SUBSET_FAMILY.replace(' ', '-')}", f"{pdf.SUBSET_FAMILY.replace(' ', '-')}-Bold"}


# stored forms not rewritten for two weeks are pruned
def test_prune_stored_forms(site_a, renders):
    old, new = (dispatch(site_a, register(site_a, unit=i)) for i in range(2))
    printing.work_orders_pdf([old, new])
    path = default_storage.path(f"{printing.stored_form_dir(old.pk)}/{stored(old)[0]}")
    stamp = time.time() - 15 * 86400
    os.utime(path, (stamp, stamp))
    assert printing.prune_stored_forms() == 1
    assert stored(old) == [] and len(stored(new)) == 1


def pdftotext_pages(data: bytes, tmp_path) -> list[str]:
    import subprocess

    path = tmp_path / "batch.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return out.split("\f")[:-1]  # pdftotext ends every page with a form feed


# SPEC T-02 (issue 21.4): a batch from nothing is laid out in worker processes, several chunks at
# once; the merged PDF holds every order's three parts once, in the order asked
def test_batch_rendered_in_parallel_holds_every_order_once_in_order(site_a, renders, settings, tmp_path,
                                                                     monkeypatch):
    settings.PROPSERV_PDF_PROCESSES = 2
    jobs = []
    real = printing.html_to_pdfs_parallel
    monkeypatch.setattr(printing, "html_to_pdfs_parallel", lambda j, **kw: jobs.extend(j) or real(j, **kw))
    orders = [dispatch(site_a, register(site_a, unit=i % 3)) for i in range(8)]
    asked = orders[3:] + orders[:3]  # not in the order of their ids
    data = printing.work_orders_pdf(asked)
    assert len(jobs) == 4 and sorted(len(starts) for _html, starts in jobs) == [2, 2, 2, 2]
    pages = pdftotext_pages(data, tmp_path)
    assert len(pages) == 3 * len(asked)
    numbers = [o.number for o in asked]
    for i, order in enumerate(asked):
        for part, label in enumerate(["存根联", "派工联", "回执联"]):
            text = pages[3 * i + part]
            assert [n for n in numbers if n in text] == [order.number] and label in text
    # each order stored as one form of its own, read back by the next print without a render
    assert all(len(stored(o)) == 1 for o in orders)
    assert printing.work_orders_pdf(asked) == data and len(jobs) == 4


# SPEC T-02 (issue 21.4): the dispatch copy is the stub page printed again with its own captions; each
# of the three parts names itself (part, note, footer) and carries no other part's caption
def test_each_part_prints_its_own_caption(site_a, renders, tmp_path):
    order = dispatch(site_a, register(site_a))
    pages = pdftotext_pages(printing.work_orders_pdf([order]), tmp_path)
    captions = {"stub": ("存根联", "前台留存", "第一联 · 存根联"), "dispatch": ("派工联", "交部门", "第二联 · 派工联"),
                "receipt": ("回执联", "业主签字后交回前台", "第三联 · 回执联")}
    assert len(pages) == 3 and len(renders) == 1
    for text, (key, own) in zip(pages, captions.items(), strict=True):
        assert order.number in text and "报事单" in text
        assert all(c in text for c in own), key
        assert not any(c in text for other, cs in captions.items() if other != key for c in cs), key
    # the stub and its copy say the same apart from the captions
    def without_captions(text: str) -> list[str]:
        for caption in sorted((c for cs in captions.values() for c in cs), key=len, reverse=True):
            text = text.replace(caption, "")
        return text.split()

    assert without_captions(pages[0]) == without_captions(pages[1])


# issue 21.4: a batch's document is the forms' own HTML joined: the same text as the template rendered
# with all of them, so stored forms and a batch's forms are laid out from the same HTML
def test_batch_document_is_the_forms_html_joined(site_a):
    orders = printing.print_queryset().filter(pk__in=[dispatch(site_a, register(site_a, unit=i)).pk
                                                      for i in range(3)]).order_by("pk")
    forms = [printing._form(o) for o in orders]
    rendered = printing.render_html(printing.TEMPLATE, {"items": [f[0] for f in forms], "parts": printing.PARTS})
    assert printing._joined(forms) == rendered
    assert rendered.count('data-copies="dispatch"') == 3 and rendered.count("data-copy-sheet") == 1


def printed_qr(data: bytes, page: int) -> list[list[int]]:
    """The QR code drawn on a page (the one image its content draws; the pages share one resource
    dictionary) as rows of modules (1 dark), its one-module border left off."""
    import re

    pdf_page = PdfReader(io.BytesIO(data)).pages[page]
    (drawn,) = re.findall(rb"/(\w+) Do", pdf_page.get_contents().get_data())
    image = next(i for i in pdf_page.images if i.name.rsplit(".", 1)[0] == drawn.decode()).image.convert("L")
    return [[int(image.getpixel((x, y)) < 128) for x in range(1, image.width - 1)] for y in range(1, image.height - 1)]


def qr_modules(text: str) -> list[list[int]]:
    import segno

    return [[int(bool(v)) for v in row] for row in segno.make(text, error="m").matrix]


# SPEC T-02 / issue 22.1 (issue 21.4: the QR codes are made where the form is laid out): the stub and
# the dispatch copy carry the order's QR, the receipt the public status page's, one pixel a module
def test_printed_qr_codes_encode_the_order_and_its_public_status_page(site_a, renders):
    order = printing.print_queryset().get(pk=dispatch(site_a, register(site_a)).pk)
    ctx = printing.order_context(order)
    data = printing.work_orders_pdf([order])
    assert printed_qr(data, 0) == printed_qr(data, 1) == qr_modules(ctx["url"])
    assert printed_qr(data, 2) == qr_modules(ctx["status_url"]) != qr_modules(ctx["url"])

