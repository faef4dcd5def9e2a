"""The lean user-agent stylesheet of core.pdf_worker (issue 21.4) draws the printed forms as
WeasyPrint's full HTML stylesheet does."""

import subprocess

import pytest

from core import pdf_worker
from tests.tickets.helpers import complete, dispatch, evaluate, register
from tickets import printing

pytestmark = pytest.mark.django_db


def raster(data: bytes, tmp_path, name: str) -> list[bytes]:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(path), str(tmp_path / name)], check=True)
    return [p.read_bytes() for p in sorted(tmp_path.glob(f"{name}-*.png"))]


# SPEC T-02 / D-04: the work order printed with the lean stylesheet is the same, page for page
def test_lean_user_agent_stylesheet_draws_the_form_unchanged(site_a, settings, tmp_path):
    order = evaluate(site_a, complete(site_a, dispatch(site_a, register(site_a))))
    _item, html, _name = printing._form(printing.print_queryset().get(pk=order.pk))
    base = str(settings.BASE_DIR)
    lean = raster(pdf_worker.html_to_pdf(html, base_url=base, lean=True), tmp_path, "lean")
    full = raster(pdf_worker.html_to_pdf(html, base_url=base, lean=False), tmp_path, "full")
    assert len(lean) == 3 and lean == full


# SPEC T-02 (issue 21.4): the dispatch copy, made from the stub page's layout with the sheet's captions
# moved into place, is drawn exactly as the stub page laid out on its own with those captions
def test_copy_of_a_page_draws_as_if_laid_out_with_its_captions(site_a, settings, tmp_path):
    order = evaluate(site_a, complete(site_a, dispatch(site_a, register(site_a))))
    _item, html, _name = printing._form(printing.print_queryset().get(pk=order.pk))
    base = str(settings.BASE_DIR)
    copied = raster(pdf_worker.html_to_pdf(html, base_url=base, lean=True), tmp_path, "copied")
    stub_start = html.index('data-copies="dispatch"')
    own = (html[:stub_start] + html[stub_start:html.index('data-part="receipt"')]
           .replace('data-copies="dispatch"', "").replace(">前台留存<", ">交部门<").replace(">存根联<", ">派工联<")
           .replace(">第一联 · 存根联<", ">第二联 · 派工联<") + html[html.index('data-part="receipt"'):])
    own = own[:own.index("<div class=\"page\" data-copy-sheet")] + "</body></html>"
    laid_out = raster(pdf_worker.html_to_pdf(own, base_url=base, lean=True), tmp_path, "own")
    assert len(copied) == 3 and len(laid_out) == 2
    assert copied[1] == laid_out[0] and copied[0] != copied[1]


# issue 21.4: jobs given to worker processes come back in the order given
def test_render_jobs_in_processes_keep_the_order(settings):
    html = "".join(f'<div id="d{i}" style="page-break-after: always">文档 {i}</div>' for i in range(4))
    jobs = [(html, [f"d{i}" for i in range(k, 4)], str(settings.BASE_DIR), True) for k in range(3)]
    results = list(pdf_worker.render_jobs(jobs, processes=2))
    assert [len(pdfs) for pdfs in results] == [4, 3, 2]


def _render_in_celery_child(base_url: str) -> list[int]:
    html = "".join(f'<div id="d{i}" style="page-break-after: always">文档 {i}</div>' for i in range(4))
    jobs = [(html, ["d0", "d2"], base_url, True) for _ in range(3)]
    return [len(pdfs) for pdfs in pdf_worker.render_jobs(jobs, processes=2)]


# issue 21.4: a large batch is built by a Celery task, in a prefork child (a daemonic billiard
# process): its render workers start there too
def test_render_jobs_in_a_celery_prefork_child(settings):
    import billiard

    with billiard.Pool(1) as pool:
        assert pool.apply(_render_in_celery_child, (str(settings.BASE_DIR),)) == [2, 2, 2]
