import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role,target", [("cs_supervisor", "/reports/"), ("front_desk", "/tickets/"),
                                         ("dept_staff", "/tickets/mine/"), ("zone_staff", "/callbacks/")])
def test_home_takes_each_role_to_its_working_screen(client, site_a, role, target):
    client.force_login(site_a.users[role])
    r = client.get("/")
    assert r.status_code == 302
    assert r["Location"].startswith(target)


def test_home_menu_for_roles_without_a_screen(client, site_a):
    client.force_login(site_a.users["finance"])
    r = client.get("/")
    assert r.status_code == 200
