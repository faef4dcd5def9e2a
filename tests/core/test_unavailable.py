"""Issue 13.11: a dropped database connection gives a friendly 503 "请重试" page, not a 500."""

import pytest
from django.db import OperationalError, connection
from django.http import HttpResponse
from django.test import Client
from django.urls import path

from core.unavailable import server_error_or_unavailable


def _lost_connection(request):
    raise OperationalError("terminating connection due to administrator command")


def _terminate_own_backend(request):
    with connection.cursor() as cur:
        cur.execute("SELECT pg_terminate_backend(pg_backend_pid())")
    return HttpResponse("not reached")


def _fine(request):
    with connection.cursor() as cur:
        cur.execute("SELECT 1")
    return HttpResponse("ok")


urlpatterns = [path("lost/", _lost_connection), path("terminate/", _terminate_own_backend), path("fine/", _fine)]
handler500 = "core.unavailable.server_error_or_unavailable"


def _assert_friendly_503(resp):
    assert resp.status_code == 503
    assert resp["Retry-After"] == "5"
    body = resp.content.decode()
    assert "请重试" in body and "服务暂时无法使用" in body
    assert "Traceback" not in body and "OperationalError" not in body


@pytest.mark.urls(__name__)
def test_a_view_that_loses_its_connection_answers_503_in_chinese(client, site_a):
    client.force_login(site_a.users["front_desk"])
    _assert_friendly_503(client.get("/lost/", HTTP_ACCEPT_LANGUAGE="zh-hans"))


def test_handler500_turns_a_lost_connection_outside_a_view_into_503(rf):
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        resp = server_error_or_unavailable(rf.get("/"))
    _assert_friendly_503(resp)
    try:
        raise ValueError("a real bug")
    except ValueError:
        assert server_error_or_unavailable(rf.get("/")).status_code == 500


@pytest.mark.postgres
@pytest.mark.urls(__name__)
@pytest.mark.django_db(transaction=True)
def test_terminated_postgres_backend_gives_503_then_the_next_request_works(site_a):
    """pg_terminate_backend on the request's own connection mid-request → 503; the process reconnects."""
    client = Client(raise_request_exception=False)
    client.force_login(site_a.users["front_desk"])
    _assert_friendly_503(client.get("/terminate/"))
    assert client.get("/fine/").content == b"ok"
