"""Uploads and rendered forms through the storage API, against an S3 API server (issue 13.13).

moto's server mode runs a real S3 HTTP endpoint on 127.0.0.1 (a random port) in this process; the
storage backend is built from the production settings module with the environment variables an
operator would set, so the code under test talks HTTP to it exactly as to MinIO or AWS.
"""

import io
import logging
import os
import re
import runpy
from pathlib import Path

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from tests.tickets.helpers import dispatch, register
from tickets import printing

pytestmark = pytest.mark.django_db
BASE = Path(__file__).resolve().parents[2] / "propserv" / "settings" / "base.py"
BUCKET = "propserv-media"


def _settings_with(monkeypatch, **env) -> dict:
    """propserv/settings/base.py evaluated with these environment variables."""
    monkeypatch.delenv("AWS_STORAGE_BUCKET_NAME", raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    return runpy.run_path(str(BASE))


@pytest.fixture(scope="module")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per S3 request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(s3_endpoint, monkeypatch, settings, tmp_path):
    """The media storage is the S3 backend of the production settings, pointed at the moto server."""
    creds = {"AWS_ACCESS_KEY_ID": "propserv-test", "AWS_SECRET_ACCESS_KEY": "propserv-test-secret",
             "AWS_DEFAULT_REGION": "us-east-1"}
    prod = _settings_with(monkeypatch, AWS_STORAGE_BUCKET_NAME=BUCKET, AWS_S3_ENDPOINT_URL=s3_endpoint,
                          AWS_S3_REGION_NAME="us-east-1", AWS_LOCATION="media", **creds)
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1",
                          aws_access_key_id=creds["AWS_ACCESS_KEY_ID"],
                          aws_secret_access_key=creds["AWS_SECRET_ACCESS_KEY"])
    client.create_bucket(Bucket=BUCKET)
    settings.MEDIA_ROOT = str(tmp_path)  # must stay empty: nothing may bypass the storage
    with override_settings(STORAGES={**settings.STORAGES, "default": prod["STORAGES"]["default"]}):
        yield client
    objects = client.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    for obj in objects:
        client.delete_object(Bucket=BUCKET, Key=obj["Key"])
    client.delete_bucket(Bucket=BUCKET)
    assert list(tmp_path.rglob("*")) == []


def keys(client, prefix="media/") -> list[str]:
    return sorted(o["Key"] for o in client.list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", []))


@pytest.fixture
def renders(monkeypatch):
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


def jpeg() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buf, "JPEG")
    return buf.getvalue()


# issue 13.13: the filesystem by default, S3 selected by the environment, with client timeouts
def test_backend_is_chosen_by_the_environment(monkeypatch):
    assert _settings_with(monkeypatch)["STORAGES"]["default"]["BACKEND"] == "core.storage.AtomicFileSystemStorage"
    media = _settings_with(monkeypatch, AWS_STORAGE_BUCKET_NAME="b", AWS_S3_ENDPOINT_URL="https://s3.example.com",
                           AWS_S3_CONNECT_TIMEOUT="3")["STORAGES"]["default"]
    assert media["BACKEND"] == "storages.backends.s3.S3Storage"
    opts = media["OPTIONS"]
    assert opts["bucket_name"] == "b" and opts["endpoint_url"] == "https://s3.example.com"
    assert opts["client_config"].connect_timeout == 3 and opts["client_config"].read_timeout == 30
    assert opts["default_acl"] is None and opts["file_overwrite"] is False


# issue 13.13: a photo posted with an order is stored in the bucket and served back through the view
def test_order_photo_is_stored_in_s3_and_served(s3, site_a, client):
    order = register(site_a, photos=[ContentFile(jpeg(), name="leak.jpg")])
    photo = order.photos.get()
    assert keys(s3) == [f"media/{photo.file.name}"]
    stored = s3.get_object(Bucket=BUCKET, Key=f"media/{photo.file.name}")["Body"].read()
    assert stored[:3] == b"\xff\xd8\xff"
    client.force_login(site_a.users["front_desk"])
    resp = client.get(reverse("tickets:photo", args=[order.pk, photo.pk]))
    assert resp.status_code == 200 and resp["Content-Type"] == "image/jpeg"
    assert b"".join(resp.streaming_content) == stored


# issue 13.13 / SPEC T-02: a rendered form is stored in S3, read back, replaced when the order changes
def test_work_order_form_is_stored_and_read_back_from_s3(s3, site_a, renders):
    order = dispatch(site_a, register(site_a))
    first = printing.work_orders_pdf([order])
    (key,) = keys(s3, f"media/tickets/print/{order.pk}/")
    assert s3.get_object(Bucket=BUCKET, Key=key)["Body"].read() == first
    assert printing.work_orders_pdf([order]) == first and len(renders) == 1  # read back, not rendered
    order.content = "卫生间漏水"
    order.save(update_fields=["content"])
    second = printing.work_orders_pdf([order])
    assert second != first and len(renders) == 2
    (new_key,) = keys(s3, f"media/tickets/print/{order.pk}/")  # the outdated form is deleted
    assert new_key != key


# issue 13.13 / SPEC T-02: the day's batch merges the stored forms from S3 and is stored there itself
def test_batch_merges_stored_forms_from_s3(s3, site_a, renders):
    from tickets.tasks import batch_print_task

    orders = [dispatch(site_a, register(site_a, unit=i, now=timezone.now()), now=timezone.now()) for i in range(3)]
    printing.work_orders_pdf(orders[:1])
    result = batch_print_task.apply(kwargs={"user_id": site_a.users["front_desk"].pk,
                                            "day": timezone.localdate().isoformat()}, task_id="s3-batch")
    assert result.get() == "s3-batch" and len(renders) == 3  # the first order's form came from S3
    assert "media/tickets/batches/s3-batch.pdf" in keys(s3)
    reader = PdfReader(io.BytesIO(printing.batch_file_read("s3-batch")))
    assert len(reader.pages) == 9
    numbers = {o.number for o in orders}
    assert {n for n in numbers if any(n in p.extract_text() for p in reader.pages)} == numbers


# issue 13.13: pruning works on the object store (list, modified time, delete)
def test_prune_on_s3(s3, site_a, renders):
    order = dispatch(site_a, register(site_a))
    printing.work_orders_pdf([order])
    printing.batch_file_store("old-batch", b"%PDF-1.4 test")
    assert printing.prune_stored_forms(days=14) == 0
    assert printing.prune_stored_forms(days=-1) == 1  # the form counts as older than "tomorrow"
    assert keys(s3, "media/tickets/print/") == [] and "media/tickets/batches/old-batch.pdf" in keys(s3)
    assert default_storage.exists("tickets/batches/old-batch.pdf")


# issue 13.13 / SPEC D-02: the monthly report's PDF and XLSX are stored in S3, downloaded through the
# view, and replaced (not kept twice) when generated again
def test_monthly_report_files_in_s3(s3, site_a, client):
    from datetime import date, datetime

    from core.worktime import TZ
    from reports.models import MonthlyReport
    from reports.services import monthly_report_generate

    report = MonthlyReport.objects.create(site=site_a.site, month=date(2026, 10, 1))
    report = monthly_report_generate(report_id=report.pk, now=datetime(2026, 11, 1, 6, tzinfo=TZ))
    first = keys(s3, "media/reports/monthly/")
    assert first == sorted([f"media/{report.pdf.name}", f"media/{report.xlsx.name}"])
    client.force_login(site_a.users["cs_supervisor"])
    resp = client.get(reverse("reports:monthly_download", args=[report.pk, "pdf"]))
    assert resp.status_code == 200
    assert b"".join(resp.streaming_content) == s3.get_object(Bucket=BUCKET, Key=f"media/{report.pdf.name}")[
        "Body"].read()
    report = monthly_report_generate(report_id=report.pk, now=datetime(2026, 11, 2, 6, tzinfo=TZ))
    assert len(keys(s3, "media/reports/monthly/")) == 2


# issue 13.13: no application code reaches around the storage API to the media folder
def test_no_code_builds_media_paths():
    root = Path(__file__).resolve().parents[2]
    skip = {"tests", "bench", ".venv", "var", "migrations", "node_modules"}
    allowed = {root / "core" / "storage.py", *(root / "propserv" / "settings").glob("*.py")}
    pattern = re.compile(r"MEDIA_ROOT|\.path\(|\b(file|pdf|xlsx|photo|signature)\.path\b|write_bytes\(|read_bytes\(")
    offenders = []
    files = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d not in skip and not d.startswith(".")]
        files += [Path(folder) / n for n in names if n.endswith(".py")]
    for path in files:
        if path in allowed:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if pattern.search(code) and "os.path.join" not in code and "request.path" not in code:
                offenders.append(f"{path.relative_to(root)}:{n}: {line.strip()}")
    assert offenders == []
