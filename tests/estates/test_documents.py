"""SPEC O-02, X-03: documents in the resident file — type by content, size limit, access-checked download."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.errors import DomainError
from estates.models import RegistryEvent, UnitDocument
from estates.services import unit_document_add, unit_document_void

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _image(fmt: str) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buf, fmt)
    return buf.getvalue()


PNG = _image("PNG")
JPEG = _image("JPEG")


def _docx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


@pytest.mark.parametrize(("name", "body"), [("入住交接单.pdf", PDF), ("id.png", PNG), ("协议.docx", _docx()),
                                             ("photo.JPEG", JPEG)])
def test_allowed_types_are_stored(site_a, name, body):
    # SPEC O-02; issue 13: pictures are re-encoded, so the stored size is the stored file's
    doc = unit_document_add(unit=site_a.units[0], doc_type="move_in", upload=SimpleUploadedFile(name, body),
                            actor=site_a.users["front_desk"])
    assert doc.original_name == name and doc.size == doc.file.size and doc.site_id == site_a.site.pk
    assert name not in doc.file.name  # stored under a random name


@pytest.mark.parametrize(("name", "body"), [
    ("evil.pdf", b"MZ\x90\x00 not a pdf"),          # extension lies
    ("script.exe", b"MZ\x90\x00"),
    ("image.png", PDF),                              # a PDF named .png
    ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 16),  # JPEG magic bytes but no picture (issue 13)
    ("page.pdf", b"<html><script>alert(1)</script></html>"),
    ("notes.docx", b"PK\x03\x04garbage"),
    ("x.zip", _docx()),
])
def test_wrong_type_is_refused(site_a, name, body):
    # SPEC X-03: checked by the first bytes, not only the name
    with pytest.raises(DomainError) as err:
        unit_document_add(unit=site_a.units[0], doc_type="other", upload=SimpleUploadedFile(name, body),
                          actor=site_a.users["front_desk"])
    assert err.value.code == "file_type"
    assert not UnitDocument.objects.exists()


def test_too_large_is_refused(site_a, settings):
    # SPEC X-03
    settings.UPLOAD_MAX_BYTES = 100
    with pytest.raises(DomainError) as err:
        unit_document_add(unit=site_a.units[0], doc_type="other",
                          upload=SimpleUploadedFile("big.pdf", PDF + b"0" * 200), actor=site_a.users["front_desk"])
    assert err.value.code == "file_size"


def test_upload_page_shows_field_error_and_keeps_other_fields(client, site_a):
    # SPEC X-03: error next to the field, what was typed is kept
    client.force_login(site_a.users["front_desk"])
    unit = site_a.units[0]
    r = client.post(reverse("estates:document_add", args=[unit.pk]),
                    {"doc_type": "agreement", "title": "物业服务协议", "upload": SimpleUploadedFile("a.pdf", b"MZ")})
    assert r.status_code == 400
    form = r.context["doc_form"]
    assert form.errors["upload"]
    assert form["title"].value() == "物业服务协议" and form["doc_type"].value() == "agreement"
    html = r.content.decode()
    assert 'value="物业服务协议"' in html and "invalid-feedback" in html


def test_upload_download_and_void_through_the_page(client, site_a, site_b):
    # SPEC O-02
    client.force_login(site_a.users["front_desk"])
    unit = site_a.units[0]
    r = client.post(reverse("estates:document_add", args=[unit.pk]),
                    {"doc_type": "move_in", "title": "", "upload": SimpleUploadedFile("交接单.pdf", PDF)})
    assert r.status_code == 302
    doc = UnitDocument.objects.get()
    r = client.get(reverse("estates:document_download", args=[doc.pk]))
    assert r.status_code == 200 and b"".join(r.streaming_content) == PDF
    assert "attachment" in r["Content-Disposition"]
    client.force_login(site_b.users["front_desk"])
    assert client.get(reverse("estates:document_download", args=[doc.pk])).status_code == 404  # SPEC X-02
    client.force_login(site_a.users["front_desk"])
    client.post(reverse("estates:document_void", args=[doc.pk]), {"reason": "上传错了"})
    doc.refresh_from_db()
    assert doc.voided and doc.void_reason == "上传错了"  # SPEC X-01: voided, never deleted
    assert RegistryEvent.objects.filter(kind="document_voided", object_id=unit.pk).exists()


def test_void_needs_a_reason(site_a):
    doc = unit_document_add(unit=site_a.units[0], doc_type="other", upload=SimpleUploadedFile("a.pdf", PDF),
                            actor=site_a.users["front_desk"])
    with pytest.raises(DomainError):
        unit_document_void(document=doc, actor=site_a.users["front_desk"], reason=" ")
