"""Issue 22.2 / SPEC P-02, T-01, C-01: an online report waits in the front desk's queue as channel
"resident online" with no clock; the clocks start when the front desk confirms and classifies it."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from complaints.models import Complaint
from core.errors import DomainError
from core.models import Deadline
from portal import services
from portal.models import OnlineReport
from tests.portal.conftest import png
from tests.tickets.helpers import T0, cat
from tickets.models import WorkOrder

pytestmark = pytest.mark.django_db


def _submit(h, kind="repair", photos=(), now=T0):
    return services.report_submit(account=h.account, kind=kind, content="卫生间天花板漏水", preferred_time="晚上",
                                  photos=photos, now=now)


def test_report_waits_without_a_clock_then_the_clock_starts_on_confirmation(household):
    # SPEC T-01 / T-04 — P-02: pending → no order, no deadline; confirmed at T1 → received and clocked at T1
    report = _submit(household, photos=[png()])
    assert report.status == OnlineReport.Status.PENDING and report.photos.count() == 1
    assert WorkOrder.objects.count() == 0 and Deadline.objects.count() == 0
    t1 = T0 + timedelta(hours=3)
    with time_machine.travel(t1, tick=False):
        services.report_confirm(report=report, actor=household.s.users["front_desk"], category=cat("drain"), now=t1)
    report.refresh_from_db()
    order = report.work_order
    assert order.channel == WorkOrder.Channel.RESIDENT == "resident"
    assert order.received_at == t1 and order.unit == household.unit and order.resident == household.resident
    assert order.photos.count() == 1 and "晚上" in order.content
    clocks = Deadline.objects.filter(subject_type=ContentType.objects.get_for_model(WorkOrder), subject_id=order.pk)
    assert clocks.count() == 1
    assert clocks.get().started_at == t1 and order.due_at == clocks.get().due_at  # SPEC T-04 from confirmation


def test_complaint_report_becomes_a_complaint_with_its_clocks_from_confirmation(household):
    # SPEC C-01, C-12, C-02: taken by the front desk on confirmation: contact, reply and dispatch clocks start then
    report = _submit(household, kind="complaint")
    t1 = T0 + timedelta(hours=1)
    services.report_confirm(report=report, actor=household.s.users["front_desk"], subject="楼上漏水", now=t1)
    report.refresh_from_db()
    c = report.complaint
    assert c.channel == Complaint.Channel.RESIDENT and c.unit == household.unit
    assert c.status == Complaint.Status.REGISTERED
    started = set(Deadline.objects.filter(subject_type=ContentType.objects.get_for_model(Complaint), subject_id=c.pk)
                  .values_list("code", "started_at"))
    assert ("complaint.first_contact", t1) in started and ("complaint.dispatch", t1) in started


def test_suggestion_is_recorded_with_only_the_directors_decision_clock_from_confirmation(household):
    # SPEC C-15: recorded like a complaint without a handling deadline; the director decides within 5 working days
    report = _submit(household, kind="suggestion")
    assert Deadline.objects.count() == 0
    t1 = T0 + timedelta(hours=2)
    services.report_confirm(report=report, actor=household.s.users["front_desk"], subject="增加充电桩", now=t1)
    report.refresh_from_db()
    sug = report.suggestion
    assert report.status == OnlineReport.Status.CONFIRMED and sug.unit == household.unit
    assert list(Deadline.objects.values_list("code", "started_at")) == [("suggestion.decision", t1)]


def test_more_than_six_photos_or_a_non_image_is_refused(household, resident_client):
    with pytest.raises(DomainError):
        _submit(household, photos=[png(f"{i}.png") for i in range(7)])
    with pytest.raises(DomainError):
        _submit(household, photos=[SimpleUploadedFile("x.png", b"MZ\x90\x00 not an image", content_type="image/png")])
    resp = resident_client.post(reverse("portal:report_new"), {
        "kind": "repair", "content": "漏水", "photos": [png(f"{i}.png") for i in range(7)]})
    assert resp.status_code == 200 and "最多" in resp.content.decode()
    resp = resident_client.post(reverse("portal:report_new"), {
        "kind": "repair", "content": "漏水",
        "photos": [SimpleUploadedFile("x.png", b"%PDF-1.4 not an image", content_type="image/png")]})
    assert resp.status_code == 200 and OnlineReport.objects.count() == 0


def test_report_form_on_the_phone_page(household, resident_client):
    resp = resident_client.post(reverse("portal:report_new"), {"kind": "repair", "content": "厨房漏水",
                                                               "preferred_time": "周末", "photos": [png()]})
    report = OnlineReport.objects.get()
    assert resp.status_code == 302 and report.unit == household.unit and report.photos.count() == 1
    photo = report.photos.get()
    assert resident_client.get(reverse("portal:report_photo", args=[report.pk, photo.pk])).status_code == 200


def test_front_desk_queue_and_confirmation_page(client, household):
    report = _submit(household)
    client.force_login(household.s.users["front_desk"])
    assert report.content in client.get(reverse("portal:desk_queue")).content.decode()
    resp = client.post(reverse("portal:desk_report", args=[report.pk]),
                       {"action": "confirm", "category": cat("drain").pk})
    assert resp.status_code == 302
    report.refresh_from_db()
    assert report.work_order is not None and report.handled_by == household.s.users["front_desk"]


def test_another_site_does_not_see_the_queue(client, household, site_b):
    report = _submit(household)
    client.force_login(site_b.users["front_desk"])
    assert report.content not in client.get(reverse("portal:desk_queue")).content.decode()
    assert client.get(reverse("portal:desk_report", args=[report.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        services.report_confirm(report=report, actor=site_b.users["front_desk"], category=cat("drain"))
