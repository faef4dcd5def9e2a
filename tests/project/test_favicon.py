"""Issue 20.9: a favicon, served before any login and linked from every page."""

import pytest
from django.test import Client


def test_favicon_ico_is_served_without_login():
    response = Client().get("/favicon.ico")
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file


@pytest.mark.django_db
def test_pages_link_the_favicon(client, site_a):
    client.force_login(site_a.users["front_desk"])
    html = client.get("/?menu=1").content.decode()
    assert 'rel="icon"' in html and "img/favicon" in html and 'href="/favicon.ico"' in html
    assert Client().get("/static/img/favicon.svg").status_code == 200
