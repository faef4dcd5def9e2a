"""Issue 19 in a browser (SPEC H-02): a move-in at the desk: identity → fee → documents → keys →
joint inspection with one defect, which goes to the developer (T-16)."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from fees.models import Bill
from handover import services as svc
from handover.models import Defect, MoveIn, Scope
from keys import services as key_svc
from keys.models import KeyDeposit
from tests.e2e.conftest import login
from tests.handover.conftest import results, store_developer_key

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _step(page, step: str) -> None:
    page.wait_for_selector(f"#move-in-step[data-step={step}]")


def test_move_in_flow(page, live_server, site_a, tmp_path):
    now = timezone.now()
    cs = site_a.users["cs_supervisor"]
    t = svc.takeover_register(site=site_a.site, developer="嘉华地产", notified_on=now.date(), actor=cs, now=now)
    t = svc.takeover_reply(takeover=t, text="资料齐全。", actor=cs, now=now)
    unit, owner = site_a.units[0], site_a.residents[0]
    owner.id_number = "44030119800101123X"
    owner.save(update_fields=["id_number"])
    insp = svc.inspection_record(site=site_a.site, scope=Scope.UNIT, results=results(Scope.UNIT), actor=cs,
                                 takeover=t, unit=unit, now=now)
    cab = key_svc.key_cabinet_create(site=site_a.site, name="钥匙柜", slots=3, custodian=site_a.staff["front_desk"],
                                     now=now)
    store_developer_key(site_a, cab, insp, now=now)
    # the desk clerk takes fees (front desk), holds the cabinet, and may route to the developer (CS supervisor)
    site_a.users["front_desk"].groups.add(Group.objects.get_or_create(name="cs_supervisor")[0])
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

    login(page, live_server, "a_front_desk")
    page.goto(f"{live_server.url}/handover/move-in/new/")
    page.select_option("select[name=unit]", str(unit.pk))
    page.click("form button.btn-primary")
    _step(page, "identity")
    # a wrong ID number is refused with the message, nothing recorded
    page.select_option("select[name=resident]", str(owner.pk))
    page.fill("input[name=id_number]", "11010119900307803X")
    page.click("#step-submit")
    page.wait_for_selector(".alert-danger, .invalid-feedback, .alert")
    _step(page, "identity")
    page.select_option("select[name=resident]", str(owner.pk))
    page.fill("input[name=id_number]", "44030119800101123X")
    page.click("#step-submit")
    _step(page, "fees")
    page.fill("input[name=amount1]", "1074.00")
    page.fill("input[name=desc2]", "垃圾清运费")
    page.fill("input[name=amount2]", "60")
    page.select_option("select[name=method]", "cash")
    page.click("#step-submit")
    _step(page, "documents")
    for name in ("agreement", "rules", "fire"):
        page.set_input_files(f"input[name={name}]", str(scan))
    page.click("#step-submit")
    _step(page, "keys")
    page.check("input[name=signed_on_paper]")
    page.click("#step-submit")
    _step(page, "inspection")
    door = next(i for i in svc.items_of(Scope.UNIT) if i.text == "门窗")
    page.check(f"input[name=r_{door.pk}][value=fail]")
    page.fill(f"input[name=n_{door.pk}]", "入户门关不严")
    due = timezone.localtime(now + timedelta(days=10))
    page.fill("input[name=due_at]", due.strftime("%Y-%m-%dT%H:%M"))
    page.fill("input[name=reinspect_on]", (due + timedelta(days=1)).strftime("%Y-%m-%d"))
    page.click("#step-submit")
    _step(page, "defects")
    page.click("#step-submit")
    _step(page, "utilities")

    mi = MoveIn.objects.get(unit=unit)
    assert mi.step == MoveIn.Step.UTILITIES
    assert Bill.objects.get(unit=unit, kind=Bill.Kind.OTHER).status == Bill.Status.PAID
    assert mi.documents.count() == 3
    assert KeyDeposit.objects.get(pk=mi.key_deposit_id).status == KeyDeposit.Status.RETURNED
    d = Defect.objects.get(move_in=mi)
    assert d.description == "入户门关不严" and d.work_order is not None and d.work_order.warranty_route == "developer"
