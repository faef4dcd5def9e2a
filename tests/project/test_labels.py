"""Issue 20.1 and 20.9: what data and code show is read in Chinese — history changes by their labels,
people by name, role codes by role names, 'Open' as a status is 待处理, whole quantities without .00,
and the evaluation form shows what was saved (the paper-signature box)."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, pgettext

from callbacks.models import Callback
from complaints.models import ComplaintEvent
from core.roles import Role
from core.templatetags.labels import changes, kind_label, person, role_labels
from core.templatetags.propserv import qty
from surveys.models import CampaignEvent
from tests.tickets.helpers import complete, dispatch, register
from tickets import services


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


# issue 20.9: "Open" as a status reads 待处理 wherever it is a status; the verb keeps 打开
def test_open_as_a_status_is_pending():
    assert gettext("Open") == "待处理"
    assert str(Callback.Status.OPEN.label) == "待处理"
    assert pgettext("verb", "Open") == "打开"


# issue 20.9: quantities and hours without ".00" for whole numbers
def test_quantities_drop_trailing_zeros():
    assert qty(Decimal("1.00")) == "1"
    assert qty(Decimal("1.50")) == "1.5"
    assert qty(Decimal("100")) == "100"
    assert qty(Decimal("0.00")) == "0"
    assert qty(None) == ""


# issue 20.1: survey history "status: draft → approved" reads with the field's and the values' labels
def test_history_changes_read_as_labels():
    event = CampaignEvent(kind="approved", data={"changes": {"status": ["draft", "approved"]}})
    (label, before, after), = changes(event)
    assert (before, after) == (gettext("Draft"), gettext("Approved"))
    assert label == gettext("status").capitalize()
    assert all(not text.isascii() for text in (label, before, after))  # Chinese, not the codes
    # a kind declared as the event class's Kind choices (the column itself is free) reads as its label
    assert kind_label(ComplaintEvent(kind="received")) == gettext("Received") != "received"
    assert kind_label(event) == str(CampaignEvent.Kind.APPROVED.label)
    roles = role_labels("center_head,cs_supervisor")
    assert roles == f"{Role.CENTER_HEAD.label}、{Role.CS_SUPERVISOR.label}" and roles.isascii() is False


@pytest.mark.django_db
def test_people_are_shown_by_name(site_a):
    user = site_a.users["site_director"]
    assert person(user) == site_a.staff["site_director"].name != user.username


# issue 20.9: the evaluation form shows the saved 'signed on paper' box, signer and comment
@pytest.mark.django_db
def test_evaluation_form_shows_what_was_saved(client, site_a):
    order = complete(site_a, dispatch(site_a, register(site_a)))
    services.work_order_evaluate(order=order, actor=site_a.users["front_desk"], evaluation="satisfied",
                                 comment="师傅很细心", signer_name="李业主", signed_on_paper=True)
    client.force_login(site_a.users["front_desk"])
    html = client.get(reverse("tickets:order_detail", args=[order.pk])).content.decode()
    box = html.split('name="signed_on_paper"', 1)
    assert len(box) == 2, "the evaluation form is on the page"
    tag = box[0].rsplit("<input", 1)[1] + box[1].split(">", 1)[0]
    assert "checked" in tag
    assert 'value="李业主"' in html
