"""Issue 13 item 1 (SPEC X-03): uploads judged by content, stored under a generated name, and served
only through site-checked views with the server's own type, nosniff, and as an attachment unless a
verified image or PDF."""

import io
import re
import zipfile
from datetime import datetime

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from complaints.models import Complaint, ComplaintPhoto
from complaints.services import complaint_receive
from core import uploads
from core.errors import DomainError
from tests.tickets.helpers import cat, register
from tickets.models import WorkOrder, WorkOrderPhoto

pytestmark = pytest.mark.django_db

HTML = b"<!doctype html><html><body><script>fetch('/admin/')</script></body></html>"
SVG = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.domain)">'
       b"<script>alert(1)</script></svg>")
PE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"PE\x00\x00" + b"\x00" * 1000
GENERATED = re.compile(r"(^|/)[0-9a-f]{32}\.(jpg|png|pdf|docx|xlsx|csv)$")


@pytest.fixture(autouse=True)
def working_wednesday():
    import time_machine

    with time_machine.travel(timezone.make_aware(datetime(2026, 11, 18, 10, 0)), tick=True):
        yield


def jpeg_with_exif(size=(64, 48)) -> bytes:
    img = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "EvilCam"  # Make
    exif[0x0131] = "secret-software"  # Software
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to view
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif.tobytes())
    return buf.getvalue()


def png_bytes() -> bytes:
    buf = io.BytesIO()
    Image.new("RGBA", (10, 10), (0, 0, 0, 0)).save(buf, "PNG")
    return buf.getvalue()


def as_photo(name: str, body: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, body, content_type="image/jpeg")  # the browser's type lies


# ---- the module -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "body"), [("x.html", HTML), ("x.jpg", HTML), ("x.svg", SVG), ("evil.jpg", PE),
                                             ("a.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 64),  # JPEG magic, no image
                                             ("a.pdf", b"%PDF-1.4\n")])
def test_check_image_refuses_what_is_not_a_picture(name, body):
    with pytest.raises(DomainError) as err:
        uploads.check_image(as_photo(name, body))
    assert err.value.code == "photo_type"


def test_check_image_reencodes_without_exif_under_a_generated_name():
    checked = uploads.check_image(as_photo("IMG_0001.JPG", jpeg_with_exif()))
    assert GENERATED.search(checked.name) and "IMG_0001" not in checked.name
    assert checked.content_type == "image/jpeg" and checked.original_name == "IMG_0001.JPG"
    data = checked.read()
    assert b"EvilCam" not in data and b"secret-software" not in data and b"Exif" not in data
    with Image.open(io.BytesIO(data)) as img:
        assert img.format == "JPEG" and not img.getexif()
        assert img.size == (48, 64)  # the EXIF orientation was applied before it was dropped


def test_check_image_keeps_transparency_as_png():
    checked = uploads.check_image(SimpleUploadedFile("sig.png", png_bytes()))
    assert checked.name.endswith(".png") and checked.content_type == "image/png"


def test_size_refused_before_reading(settings):
    settings.UPLOAD_LIMITS = {"image": 1000}

    class Unreadable:
        name, size = "big.jpg", 1001

        def read(self, *a):  # pragma: no cover - must never be called
            raise AssertionError("read before the size check")

        seek = read

    with pytest.raises(DomainError) as err:
        uploads.check_image(Unreadable())
    assert err.value.code == "photo_size"


def test_pixel_bomb_refused(settings):
    settings.UPLOAD_IMAGE_MAX_PIXELS = 100 * 100
    buf = io.BytesIO()
    Image.new("L", (200, 200)).save(buf, "PNG")
    with pytest.raises(DomainError) as err:
        uploads.check_image(SimpleUploadedFile("a.png", buf.getvalue()))
    assert err.value.code == "photo_size"


def _zip(names) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for n in names:
            zf.writestr(n, "<x/>")
    return buf.getvalue()


@pytest.mark.parametrize(("body", "accept", "ext"), [
    (b"%PDF-1.7\n%%EOF", uploads.DOCUMENT_KINDS, "pdf"),
    (_zip(["[Content_Types].xml", "word/document.xml"]), uploads.DOCUMENT_KINDS, "docx"),
    (_zip(["[Content_Types].xml", "xl/workbook.xml"]), uploads.TABLE_KINDS, "xlsx"),
    ("楼栋,单元,房号\n3,2,1502\n".encode("gb18030"), uploads.TABLE_KINDS, "csv"),
])
def test_check_file_by_content(body, accept, ext):
    checked = uploads.check_file(SimpleUploadedFile("whatever.bin", body), accept)
    assert checked.ext == ext and GENERATED.search(checked.name)


@pytest.mark.parametrize(("body", "accept"), [
    (HTML, uploads.TABLE_KINDS), (PE, uploads.DOCUMENT_KINDS), (SVG, uploads.DOCUMENT_KINDS),
    (_zip(["evil.exe"]), uploads.DOCUMENT_KINDS), (b"%PDF-1.4", uploads.TABLE_KINDS),
])
def test_check_file_refuses_other_content(body, accept):
    with pytest.raises(DomainError) as err:
        uploads.check_file(SimpleUploadedFile("a.pdf", body, content_type="application/pdf"), accept)
    assert err.value.code == "file_type"


# ---- the forms: a field error in Chinese, nothing typed is lost --------------------------------------

BAD_PHOTOS = [("x.html", HTML), ("evil.svg", SVG), ("setup.jpg", PE)]


@pytest.mark.parametrize(("name", "body"), BAD_PHOTOS)
def test_order_form_refuses_non_pictures(client, site_a, name, body):
    client.force_login(site_a.users["front_desk"])
    r = client.post(reverse("tickets:order_create"), {
        "unit_code": "3-2-1502", "channel": "phone", "category": cat("drain").pk, "content": "卫生间下水道堵塞",
        "reporter_name": "李秀英", "phone": "13800000001", "photos": [as_photo(name, body)]})
    assert r.status_code == 200
    assert not WorkOrder.objects.exists() and not WorkOrderPhoto.objects.exists()
    assert r.context["form"].errors["photos"]
    html = r.content.decode()
    assert "不是图片" in html and "卫生间下水道堵塞" in html and "李秀英" in html


@pytest.mark.parametrize(("name", "body"), BAD_PHOTOS)
def test_complaint_form_refuses_non_pictures(client, site_a, name, body):
    client.force_login(site_a.users["front_desk"])
    r = client.post(reverse("complaints:complaint_create"), {
        "kind": "complaint", "received_at": "2026-11-18T09:30", "channel": "visit", "severity": "normal",
        "unit_code": site_a.units[0].code, "phone": "13800000000", "subject": "车库积水",
        "photos": [as_photo(name, body)]})
    assert r.status_code == 200
    assert not Complaint.objects.exists() and not ComplaintPhoto.objects.exists()
    assert r.context["form"].errors["photos"]
    html = r.content.decode()
    assert "不是图片" in html and "车库积水" in html


def test_ten_mib_executable_named_jpg_is_refused_on_both_forms(client, site_a):
    exe = PE + b"\x00" * (10 * 1024 * 1024 - len(PE))
    client.force_login(site_a.users["front_desk"])
    r = client.post(reverse("tickets:order_create"), {
        "unit_code": "3-2-1502", "channel": "phone", "category": cat("drain").pk, "content": "漏水",
        "photos": [as_photo("setup.jpg", exe)]})
    assert r.status_code == 200 and r.context["form"].errors["photos"] and not WorkOrder.objects.exists()
    r = client.post(reverse("complaints:complaint_create"), {
        "kind": "complaint", "received_at": "2026-11-18T09:30", "channel": "visit", "severity": "normal",
        "unit_code": site_a.units[0].code, "subject": "车库积水", "photos": [as_photo("setup.jpg", exe)]})
    assert r.status_code == 200 and r.context["form"].errors["photos"] and not Complaint.objects.exists()


def test_oversized_photo_refused_with_the_limit(client, site_a, settings):
    settings.UPLOAD_LIMITS = {"image": 2000}
    client.force_login(site_a.users["front_desk"])
    r = client.post(reverse("tickets:order_create"), {
        "unit_code": "3-2-1502", "channel": "phone", "category": cat("drain").pk, "content": "漏水",
        "photos": [as_photo("big.jpg", jpeg_with_exif((400, 400)) + b"\x00" * 3000)]})
    assert r.status_code == 200 and "文件过大" in r.content.decode()


def test_valid_photo_stored_reencoded_under_a_generated_name(client, site_a):
    client.force_login(site_a.users["front_desk"])
    r = client.post(reverse("tickets:order_create"), {
        "unit_code": "3-2-1502", "channel": "phone", "category": cat("drain").pk, "content": "漏水",
        "photos": [as_photo("IMG_0001.jpg", jpeg_with_exif())]})
    assert r.status_code == 302
    photo = WorkOrderPhoto.objects.get()
    assert GENERATED.search(photo.file.name) and "IMG_0001" not in photo.file.name
    with photo.file.open("rb") as fh:
        stored = fh.read()
    assert b"EvilCam" not in stored
    with Image.open(io.BytesIO(stored)) as img:
        assert img.format == "JPEG" and not img.getexif()
    r = client.get(reverse("tickets:photo", args=[photo.order_id, photo.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "image/jpeg"
    assert r["X-Content-Type-Options"] == "nosniff" and "attachment" not in r.get("Content-Disposition", "")
    assert b"".join(r.streaming_content) == stored


def test_complaint_photo_stored_reencoded(site_a):
    c = complaint_receive(site=site_a.site, actor=site_a.staff["front_desk"], subject="x", address="东门",
                          photos=[as_photo("p.jpg", jpeg_with_exif())])
    photo = c.photos.get()
    assert GENERATED.search(photo.file.name)
    with photo.file.open("rb") as fh:
        assert b"EvilCam" not in fh.read()


def test_service_refuses_even_without_the_form(site_a):
    with pytest.raises(DomainError):
        register(site_a, photos=[as_photo("x.html", HTML)])
    with pytest.raises(DomainError):
        complaint_receive(site=site_a.site, actor=site_a.staff["front_desk"], subject="x", address="东门",
                          photos=[as_photo("x.svg", SVG)])
    assert not WorkOrder.objects.exists() and not Complaint.objects.exists()


# ---- serving --------------------------------------------------------------------------------------

def _stored_before_the_fix(name: str, body: bytes) -> str:
    return default_storage.save(name, ContentFile(body))


@pytest.mark.parametrize(("name", "body"), [("tickets/photos/2026/11/x.html", HTML),
                                             ("tickets/photos/2026/11/x.svg", SVG),
                                             ("tickets/photos/2026/11/x.jpg", HTML)])
def test_bad_file_already_stored_is_served_as_an_attachment(client, site_a, name, body):
    order = register(site_a)
    photo = WorkOrderPhoto.objects.create(order=order, file=_stored_before_the_fix(name, body))
    client.force_login(site_a.users["site_director"])
    r = client.get(reverse("tickets:photo", args=[order.pk, photo.pk]))
    assert r.status_code == 200
    assert r["Content-Type"] == "application/octet-stream"
    assert r["Content-Disposition"].startswith("attachment")
    assert r["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in r["Content-Security-Policy"]


def test_bad_complaint_photo_already_stored_is_an_attachment(client, site_a):
    c = complaint_receive(site=site_a.site, actor=site_a.staff["front_desk"], subject="x", address="东门")
    photo = ComplaintPhoto.objects.create(complaint=c, file=_stored_before_the_fix("complaints/x.html", HTML))
    client.force_login(site_a.users["front_desk"])
    r = client.get(reverse("complaints:complaint_photo", args=[c.pk, photo.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "application/octet-stream"
    assert r["Content-Disposition"].startswith("attachment") and r["X-Content-Type-Options"] == "nosniff"


def test_another_sites_file_is_404(client, site_a, site_b):
    order = register(site_a, photos=[as_photo("p.jpg", jpeg_with_exif())])
    photo = order.photos.get()
    c = complaint_receive(site=site_a.site, actor=site_a.staff["front_desk"], subject="x", address="东门",
                          photos=[as_photo("p.jpg", jpeg_with_exif())])
    cphoto = c.photos.get()
    client.force_login(site_b.users["site_director"])
    assert client.get(reverse("tickets:photo", args=[order.pk, photo.pk])).status_code == 404
    assert client.get(reverse("complaints:complaint_photo", args=[c.pk, cphoto.pk])).status_code == 404
    # and a photo id of another order is not reachable through one's own order
    own = register(site_b)
    assert client.get(reverse("tickets:photo", args=[own.pk, photo.pk])).status_code == 404
    client.force_login(site_a.users["site_director"])
    assert client.get(reverse("tickets:photo", args=[order.pk, photo.pk])).status_code == 200


def test_media_url_is_not_served(client, site_a):
    name = _stored_before_the_fix("tickets/photos/x.html", HTML)
    client.force_login(site_a.users["site_director"])
    assert client.get(f"/media/{name}").status_code == 404


def test_oversized_request_refused_unread(client, site_a, settings):
    # more than any form's files together: 400 before the body is read or spooled, nothing written
    settings.UPLOAD_REQUEST_MAX_BYTES = 50_000
    client.force_login(site_a.users["front_desk"])
    r = client.post(reverse("tickets:order_create"), {
        "unit_code": "3-2-1502", "channel": "phone", "category": cat("drain").pk, "content": "漏水",
        "photos": [as_photo("big.jpg", b"\xff\xd8\xff" + b"\x00" * 60_000)]})
    assert r.status_code == 400 and not WorkOrder.objects.exists()


def test_document_stored_before_the_checks_is_never_inline(client, site_a):
    # the stored type said PDF, the bytes are HTML: the server's own judgement wins, as an attachment
    from estates.models import UnitDocument

    doc = UnitDocument.objects.create(unit=site_a.units[0], site=site_a.site, doc_type="other",
                                      original_name="协议.pdf", content_type="application/pdf",
                                      file=_stored_before_the_fix("unit_documents/x", HTML),
                                      uploaded_by=site_a.users["front_desk"])
    client.force_login(site_a.users["front_desk"])
    r = client.get(reverse("estates:document_download", args=[doc.pk]), {"inline": "1"})
    assert r.status_code == 200 and r["Content-Type"] == "application/octet-stream"
    assert r["Content-Disposition"].startswith("attachment") and r["X-Content-Type-Options"] == "nosniff"
