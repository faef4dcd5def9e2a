"""Issue 20.2: the 403, 404, 500 and CSRF-failure pages are styled, in Chinese, say what happened and
lead back (the front desk opening the reports met a bare English "403 Forbidden")."""

import pytest
from django.test import Client
from django.urls import include, path, reverse

from tests.project.pagewalk import Reader, english_words, foreign_words

pytestmark = pytest.mark.django_db


def _boom(request):
    raise RuntimeError("a bug")


# this module is also the URL configuration of the 500 test: the project's pages plus one that fails
urlpatterns = [path("boom/", _boom), path("", include("propserv.urls"))]
handler500 = "core.unavailable.server_error_or_unavailable"


def _english(html: str) -> list[str]:
    reader = Reader()
    reader.feed(html)
    vocabulary = english_words()
    return [w for chunk in reader.text for w in foreign_words(chunk, vocabulary)]


def _check(response, status: int, *phrases: str) -> str:
    assert response.status_code == status
    html = response.content.decode()
    assert 'data-testid="error-page"' in html and 'data-testid="error-home"' in html  # styled, with a way back
    assert "propserv.css" in html  # the site's layout, not a bare page
    for phrase in phrases:
        assert phrase in html
    assert _english(html) == []
    return html


# issue 20.2: the front desk opening the reports gets a Chinese 403 page with a way back
def test_front_desk_opening_reports_gets_the_chinese_403(client, site_a):
    client.force_login(site_a.users["front_desk"])
    html = _check(client.get(reverse("reports:dashboard"), HTTP_ACCEPT_LANGUAGE="zh-CN"), 403,
                  "没有权限", "返回首页")
    assert f'href="{reverse("home")}"' in html
    assert "Forbidden" not in html


def test_missing_page_is_the_chinese_404(client, site_a):
    client.force_login(site_a.users["front_desk"])
    _check(client.get("/tickets/999999999/", HTTP_ACCEPT_LANGUAGE="zh-CN"), 404, "页面不存在", "其他管理处")
    _check(client.get("/no/such/page/", HTTP_ACCEPT_LANGUAGE="zh-CN"), 404, "页面不存在")


@pytest.mark.urls("tests.project.test_error_pages")
def test_server_error_is_the_chinese_500(site_a):
    client = Client(raise_request_exception=False)
    client.force_login(site_a.users["front_desk"])
    _check(client.get("/boom/", HTTP_ACCEPT_LANGUAGE="zh-CN"), 500, "系统出错了", "管理员")


def test_csrf_failure_is_the_chinese_page(site_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(site_a.users["front_desk"])
    response = client.post(reverse("tickets:order_create"), {"content": "厨房漏水"}, HTTP_ACCEPT_LANGUAGE="zh-CN")
    _check(response, 403, "表单已失效", "请重新打开页面")
