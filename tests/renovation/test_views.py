"""Renovation screens: another site's renovation is 404, each step through its view, the permit PDF (R-03)
in Chinese with unit, dates, hours and QR, the public status page without personal data, the board."""

from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader

from renovation.models import Renovation
from tests.renovation.conftest import WORKER_ID, active, pdf, png, register, submitted

pytestmark = pytest.mark.django_db


def _client(client, ns, role):
    client.force_login(ns.users[role])
    return client


def test_other_site_is_404(client, ns, site_b):  # SPEC X-02, issue 17 bad input
    ren = active(ns)
    _client(client, site_b, "center_head")
    for name in ("detail", "timeline", "permit_pdf", "passes_pdf"):
        assert client.get(reverse(f"renovation:{name}", args=[ren.pk])).status_code == 404
    assert client.post(reverse("renovation:patrol", args=[ren.pk]), {"checked": "x"}).status_code == 404


def test_application_form_and_bad_worker_id(client, ns):  # SPEC R-01
    from tests.renovation.conftest import OWNER_ID, owner_of

    owner = owner_of(ns)
    c = _client(client, ns, "front_desk")
    data = {"unit_code": ns.units[0].code, "owner_name": owner.name, "owner_id_number": "110105194912310029",
            "contractor": "美家装饰", "contractor_licence": "91440300", "lead_name": "王工",
            "lead_phone": "13812345678", "start_date": "2026-11-25", "end_date": "2026-12-31", "scope": "厨卫翻新"}
    r = c.post(reverse("renovation:create"), data)
    assert r.status_code == 200 and "resident file" in r.content.decode() or "住户档案" in r.content.decode()
    data["owner_id_number"] = OWNER_ID
    r = c.post(reverse("renovation:create"), data)
    ren = Renovation.objects.get()
    assert r.status_code == 302 and r.url == ren.get_absolute_url()
    r = c.post(reverse("renovation:worker_add", args=[ren.pk]),
               {"name": "李四", "id_number": WORKER_ID[:-1] + "0" if WORKER_ID[-1] != "0" else WORKER_ID[:-1] + "1",
                "photo": png()})
    assert r.status_code == 200 and not ren.workers.exists()
    r = c.post(reverse("renovation:worker_add", args=[ren.pk]), {"name": "李四", "id_number": WORKER_ID,
                                                                  "photo": pdf()})
    assert r.status_code == 200 and not ren.workers.exists()  # not a picture
    r = c.post(reverse("renovation:submit", args=[ren.pk]), {})
    assert r.status_code == 200
    ren.refresh_from_db()
    assert ren.status == "draft"


def test_detail_renders_in_each_state(client, ns):
    ren = submitted(ns)
    for role in ("front_desk", "dept_supervisor", "center_head", "security_officer", "finance"):
        client.force_login(ns.users[role])
        assert client.get(reverse("renovation:detail", args=[ren.pk])).status_code == 200
    ren2 = active(ns)
    for role in ("front_desk", "security_officer", "finance", "zone_staff"):
        client.force_login(ns.users[role])
        r = client.get(reverse("renovation:detail", args=[ren2.pk]))
        assert r.status_code == 200
        assert WORKER_ID not in r.content.decode()  # masked on screen
    client.force_login(ns.users["center_head"])
    r = client.get(reverse("renovation:board"))
    assert r.status_code == 200 and "board-active" in r.content.decode()
    r = client.get(reverse("renovation:list") + "?state=active")
    assert ren2.number in r.content.decode() and ren.number not in r.content.decode()


def test_permit_pdf_in_chinese_with_unit_dates_hours_qr(client, ns):  # SPEC R-03, D-04
    ren = active(ns)
    client.force_login(ns.users["front_desk"])
    r = client.get(reverse("renovation:permit_pdf", args=[ren.pk]))
    assert r["Content-Type"] == "application/pdf"
    reader = PdfReader(BytesIO(r.content))
    text = "".join(p.extract_text() for p in reader.pages)
    assert len(reader.pages) == 1
    assert "开工证" in text and ren.unit.code in text
    assert "2026年11月25日" in text and "2026年12月31日" in text
    assert "08:00" in text and "14:00" in text
    assert any("/Image" in str(p["/Resources"].get("/XObject", {})) or p["/Resources"].get("/XObject")
               for p in reader.pages)  # the QR code
    r = client.get(reverse("renovation:passes_pdf", args=[ren.pk]))
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(r.content)).pages)
    assert "李四" in text and ren.workers.get().pass_number in text


def test_public_status_has_no_personal_data(client, ns):  # SPEC R-03 (QR target)
    ren = active(ns)
    r = client.get(reverse("renovation:public", args=[ren.public_token]))
    body = r.content.decode()
    assert r.status_code == 200 and ren.unit.code in body and 'data-valid="1"' in body
    for private in (ren.owner.name, ren.owner.id_number, ren.lead_phone, "李四", WORKER_ID):
        assert private not in body


def test_unit_file_lists_renovations(client, ns):  # issue 17 part 8, O-02
    ren = register(ns)
    client.force_login(ns.users["front_desk"])
    r = client.get(reverse("estates:unit_detail", args=[ns.units[0].pk]))
    assert ren.number in r.content.decode()


# SPEC, issue 14.1: the steps on a renovation's rows (a violation, a change, a gate entry) are
# declared on core.actions and run by its generic view at their URLs `<renovation>/…/<row>/…`
def test_row_steps_through_the_generic_view(client, ns):
    from datetime import timedelta
    from decimal import Decimal

    from renovation import services as svc
    from renovation.models import Change, Violation
    from tests.renovation.conftest import later

    ren, other = active(ns), register(ns)
    v = svc.violation_record(renovation=ren, rule="common_area", description="电梯厅堆放装修材料",
                             measure="deduction", deduction_amount=Decimal("300"), actor=ns.users["zone_staff"],
                             now=later(1))
    follow, deduct = (reverse(f"renovation:{n}", args=[ren.pk, v.pk]) for n in ("follow_up", "deduct"))
    _client(client, ns, "zone_staff")
    assert client.post(reverse("renovation:follow_up", args=[other.pk, v.pk]), {"note": "x"}).status_code == 404
    page = client.get(ren.get_absolute_url()).content.decode()
    assert f'action="{follow}"' in page and f'action="{deduct}"' not in page  # the page asks the predicates
    r = client.post(follow, {"note": "已清理完毕", "closes": "on"})  # closed before finance took the deduction
    assert r.status_code == 200 and "已清理完毕" in r.content.decode()  # the error by the row, typed text kept
    assert Violation.objects.get(pk=v.pk).status == Violation.Status.OPEN
    client.post(deduct, {})  # not finance: refused by the predicate and by the service
    assert Violation.objects.get(pk=v.pk).deducted_at is None
    _client(client, ns, "finance")
    r = client.post(deduct, {})
    assert r.status_code == 302 and r["Location"] == ren.get_absolute_url()
    assert Violation.objects.get(pk=v.pk).deducted_at is not None

    ch = svc.change_apply(renovation=ren, kind="extension", reason="材料延期到货",
                          new_end_date=ren.end_date + timedelta(days=10),
                          actor=ns.users["front_desk"], now=later(1))
    decide = reverse("renovation:decide", args=[ren.pk, ch.pk])
    assert f'action="{decide}"' not in client.get(ren.get_absolute_url()).content.decode()  # finance: not theirs
    _client(client, ns, "center_head")
    assert f'action="{decide}"' in client.get(ren.get_absolute_url()).content.decode()
    assert client.post(decide, {"decision": "approve", "note": ""}).status_code == 302
    assert Change.objects.get(pk=ch.pk).status == Change.Status.APPROVED

    entry = svc.gate_enter(renovation=ren, pass_number=ren.workers.get().pass_number, tools="电锤",
                           actor=ns.users["security_officer"], now=later(2, 1))
    leave = reverse("renovation:gate_leave", args=[ren.pk, entry.pk])
    assert client.post(leave, {}).status_code == 200  # the head does not log the gate
    _client(client, ns, "security_officer")
    assert f'action="{leave}"' in client.get(ren.get_absolute_url()).content.decode()
    assert client.post(leave, {}).status_code == 302
    entry.refresh_from_db()
    assert entry.left_at is not None and entry.left_logged_by == ns.users["security_officer"]
