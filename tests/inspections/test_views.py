"""Pages of the inspections app: the phone checklist, site isolation (404), refusals shown."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.roles import Role
from inspections.models import Inspection, Kind, Rectification
from inspections.services import inspection_record
from tests.factories import make_staff
from tests.inspections.conftest import entries

pytestmark = pytest.mark.django_db


def _png(name="p.png"):
    buf = io.BytesIO()
    Image.new("RGB", (20, 20), (0, 120, 0)).save(buf, format="PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def _start(checklist, zone):
    return f"/inspections/new/?kind=zone_manager&template={checklist.pk}&zone={zone.pk}"


# SPEC A-01: entered on a phone — the checklist page, a failed item with a photo and an owner
def test_checklist_post_records_with_photo(client, site_a, checklist):
    client.force_login(site_a.users["zone_manager"])
    r = client.get(_start(checklist, site_a.zone))
    assert r.status_code == 200
    assert 'capture="environment"' in r.content.decode()
    i1, i2 = checklist.items.order_by("position")
    r = client.post(_start(checklist, site_a.zone), {
        f"i{i1.pk}_result": "fail", f"i{i1.pk}_score": "3", f"i{i1.pk}_note": "垃圾",
        f"i{i1.pk}_photos": _png(), f"i{i1.pk}_owner": site_a.staff["dept_staff"].pk,
        f"i{i2.pk}_result": "pass", f"i{i2.pk}_score": "5"})
    assert r.status_code == 302, r.content.decode()[:2000]
    insp = Inspection.objects.get()
    assert insp.photos.count() == 1 and insp.rectifications.count() == 1
    photo = insp.photos.get()
    assert client.get(f"/inspections/photo/{photo.pk}/").status_code == 200


# SPEC A-01 bad input: a score outside the range is refused with the item named
def test_checklist_score_out_of_range(client, site_a, checklist):
    client.force_login(site_a.users["zone_manager"])
    i1, i2 = checklist.items.order_by("position")
    r = client.post(_start(checklist, site_a.zone), {
        f"i{i1.pk}_result": "pass", f"i{i1.pk}_score": "11", f"i{i2.pk}_result": "pass", f"i{i2.pk}_score": "5"})
    assert r.status_code == 422
    assert "楼道地面" in r.content.decode()
    assert not Inspection.objects.exists()


# another site's inspection, photo and rectification → 404
def test_other_site_404(client, site_a, site_b, checklist):
    insp = inspection_record(site=site_b.site, kind=Kind.ZONE_MANAGER, template=checklist,
                             actor=site_b.users["zone_manager"], zone=site_b.zone,
                             entries=entries(checklist, [2, 5], failed=(0,), owner=site_b.staff["dept_staff"]))
    rect = Rectification.objects.get(inspection=insp)
    client.force_login(site_a.users["cs_supervisor"])
    assert client.get(f"/inspections/{insp.pk}/").status_code == 404
    assert client.get(f"/inspections/rectifications/{rect.pk}/").status_code == 404
    assert client.post(f"/inspections/rectifications/{rect.pk}/verify/", {"passed": "1"}).status_code == 404
    client.force_login(site_a.users["zone_manager"])
    assert client.get(f"/inspections/new/?site={site_b.site.pk}").status_code == 404


# SPEC A-02 pages: draft, adjust, lock (director), the table
def test_ranking_pages(client, site_a, time_machine):
    from tests.inspections.conftest import at

    time_machine.move_to(at(2026, 12, 1, 9, 0), tick=False)
    client.force_login(site_a.users["cs_supervisor"])
    r = client.post("/inspections/rankings/draft/", {"month": "2026-11"})
    assert r.status_code == 302
    page = client.get(r["Location"])
    assert site_a.zone.name in page.content.decode()
    director = make_staff(site_a.site, Role.SITE_DIRECTOR)
    client.force_login(director.user)
    r = client.post(r["Location"].rstrip("/") + "/lock/")
    assert r.status_code == 302


# SPEC A-05: the appraisal page, scoring in one's own login, the missing list, XLSX export and print
def test_appraisal_pages(client, site_a, time_machine):
    from openpyxl import load_workbook

    from inspections.models import AppraisalPart, Part
    from tests.inspections.conftest import at

    time_machine.move_to(at(2026, 12, 2, 9, 0), tick=False)
    client.force_login(site_a.users["cs_supervisor"])
    r = client.post("/inspections/appraisals/prepare/", {"month": "2026-11"})
    assert r.status_code == 302
    url = r["Location"]
    page = client.get(url).content.decode()
    assert site_a.staff["front_desk"].name in page and 'id="missing"' in page
    part = AppraisalPart.objects.get(appraisal__staff=site_a.staff["front_desk"], part=Part.SUPERVISOR)
    assert client.post(f"/inspections/appraisals/part/{part.pk}/score/", {"score": "88"}).status_code == 302
    part.refresh_from_db()
    assert part.score == 88
    own = AppraisalPart.objects.get(appraisal__staff=site_a.staff["front_desk"], part=Part.SELF)
    client.post(f"/inspections/appraisals/part/{own.pk}/score/", {"score": "99"})  # not his part
    own.refresh_from_db()
    assert own.score is None
    x = client.get(url.rstrip("/") + "/xlsx/")
    assert x.status_code == 200
    ws = load_workbook(io.BytesIO(x.content)).active
    assert any(site_a.staff["front_desk"].name in str(c.value) for row in ws.iter_rows() for c in row)
    p = client.get(url.rstrip("/") + "/print/")
    assert p.status_code == 200 and p.content.startswith(b"%PDF")
    client.force_login(site_a.users["front_desk"])  # sees only his own row
    page = client.get(url).content.decode()
    assert site_a.staff["zone_staff"].name not in page



# SPEC A-05, issue 14.1: the appraisal lock is the month's declared step: the form only for the site director,
# a refusal (parts still missing) said above the page, the generic view at the same URL
def test_appraisal_lock_is_a_declared_step(client, site_a, time_machine):
    from datetime import date

    from django.contrib import messages
    from django.urls import reverse

    from inspections import appraisal
    from inspections.models import AssessmentMonth
    from tests.inspections.conftest import at

    time_machine.move_to(at(2026, 12, 2, 9, 0), tick=False)
    month = appraisal.appraisal_prepare(site=site_a.site, month=date(2026, 11, 1))
    url = reverse("inspections:appraisal_lock", args=[month.pk])
    client.force_login(site_a.users["cs_supervisor"])
    month_url = reverse("inspections:appraisal", args=[month.pk])
    assert f'action="{url}"' not in client.get(month_url).content.decode()
    client.post(url)
    assert AssessmentMonth.objects.get(pk=month.pk).appraisal_locked_at is None
    client.force_login(make_staff(site_a.site, Role.SITE_DIRECTOR).user)
    assert f'action="{url}"' in client.get(month_url).content.decode()
    r = client.post(url)
    assert r.status_code == 200  # parts still missing: the page again, the refusal said above it
    assert [m.level for m in r.context["messages"]] == [messages.ERROR]
    assert AssessmentMonth.objects.get(pk=month.pk).appraisal_locked_at is None


# SPEC A-06: the spot-check page draws residents and records the answers
def test_recognition_page(client, site_a):
    from inspections.models import RecognitionAnswer

    client.force_login(site_a.users["zone_manager"])
    r = client.get(f"/inspections/recognition/?zone={site_a.zone.pk}")
    assert r.status_code == 200
    seed = r.context["seed"]
    residents, members = r.context["residents"], r.context["members"]
    data = {"zone": site_a.zone.pk, "seed": seed}
    data.update({f"k_{x.pk}_{m.pk}": "1" for x in residents for m in members})
    assert client.post("/inspections/recognition/", data).status_code == 302
    assert RecognitionAnswer.objects.filter(knew=True).count() == len(residents) * len(members)
