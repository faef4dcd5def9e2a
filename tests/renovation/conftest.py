"""Renovation fixtures: an owner with an ID in the resident file, files, and helpers that walk a renovation
through its stages on a frozen clock."""

from datetime import date, datetime, timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.validators import id_check_char
from estates.models import Resident
from renovation import services as svc
from renovation.models import ChecklistItem, Document

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 23, 10, 0, tzinfo=TZ)  # a Monday


def id_number(body17: str = "11010519491231002") -> str:
    return body17 + id_check_char(body17)


OWNER_ID = id_number("44030519800101123")
WORKER_ID = id_number("11010519491231002")
WORKER2_ID = id_number("32010219900515331")


def png(name: str = "p.png") -> SimpleUploadedFile:
    buf = BytesIO()
    Image.new("RGB", (20, 20), (200, 30, 30)).save(buf, "PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def pdf(name: str = "d.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
                              content_type="application/pdf")


def owner_of(ns):
    r = ns.residents[0]
    Resident.objects.filter(pk=r.pk).update(kind=Resident.Kind.OWNER, id_number=OWNER_ID, is_active=True)
    r.refresh_from_db()
    return r


def register(ns, now=T0, **kw):
    data = dict(unit=ns.units[0], owner=owner_of(ns), owner_id_number=OWNER_ID, contractor="深圳美家装饰有限公司",
                contractor_licence="91440300MA5F000001", lead_name="王工", lead_phone="13812345678",
                start_date=date(2026, 11, 25), end_date=date(2026, 12, 31), scope="厨房、卫生间翻新;客厅吊顶",
                materials="轻钢龙骨石膏板", actor=ns.users["front_desk"], now=now)
    data.update(kw)
    return svc.renovation_register(**data)


def submitted(ns, now=T0):
    ren = register(ns, now=now)
    for kind in Document.REQUIRED_FOR_SUBMISSION:
        svc.document_attach(renovation=ren, kind=kind, file=pdf(), actor=ns.users["front_desk"], now=now)
    svc.worker_add(renovation=ren, name="李四", id_number=WORKER_ID, photo=png(), actor=ns.users["front_desk"], now=now)
    return svc.renovation_submit(renovation=ren, actor=ns.users["front_desk"], now=now)


def all_pass(failed: dict | None = None) -> dict:
    failed = failed or {}
    return {i.pk: (i.code not in failed, failed.get(i.code, "")) for i in ChecklistItem.objects.filter(is_active=True)}


def reviewed(ns, now=T0):
    ren = submitted(ns, now=now)
    svc.renovation_review(renovation=ren, results=all_pass(), actor=ns.users["dept_supervisor"], now=now)
    ren.refresh_from_db()
    return ren


def pledges() -> dict:
    return {k: pdf() for k in Document.PLEDGES}


def approved(ns, now=T0):
    ren = reviewed(ns, now=now)
    return svc.renovation_approve(renovation=ren, pledges=pledges(), actor=ns.users["center_head"], now=now)


def active(ns, now=T0, amount="2000.00"):
    ren = approved(ns, now=now)
    return svc.renovation_deposit_take(renovation=ren, amount=amount, actor=ns.users["front_desk"], now=now)


@pytest.fixture
def ns(site_a):
    return site_a


def later(days=0, hours=0):
    return T0 + timedelta(days=days, hours=hours)

