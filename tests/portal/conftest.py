"""Resident-page fixtures: a household of site A with an account whose password is set (issue 22)."""

import io
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from portal import services

PASSWORD = "Gz-portal-2026"


def png(name: str = "leak.png") -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (24, 24), (20, 90, 200)).save(buf, "PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def open_account(s, index: int = 0, email: str = ""):
    account, token = services.account_open(resident=s.residents[index], actor=s.users["front_desk"], email=email)
    services.password_set(token=token, password=PASSWORD)
    account.user.refresh_from_db()
    return account


@pytest.fixture
def household(site_a):
    account = open_account(site_a, 0)
    return SimpleNamespace(s=site_a, account=account, unit=site_a.units[0], resident=site_a.residents[0])


@pytest.fixture
def resident_client(client, household):
    client.force_login(household.account.user)
    return client
