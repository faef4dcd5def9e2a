"""Which buttons each role gets in each state (the allowed / forbidden matrix)."""

import pytest

from complaints.actions import available
from complaints.models import Severity

pytestmark = pytest.mark.django_db


def keys(user, c):
    return {a.key for a in available(user, c)}


# SPEC C-01 C-02 C-04
def test_action_matrix(site_a, site_b, make_complaint, dispatched):
    u = site_a.users
    received = make_complaint(actor_role="security_officer")
    assert "register" in keys(u["front_desk"], received)
    assert "register" not in keys(u["security_officer"], received)
    assert keys(site_b.users["front_desk"], received) == set()  # another site sees nothing
    registered = make_complaint()
    assert "propose" in keys(u["front_desk"], registered) and "confirm" not in keys(u["front_desk"], registered)
    assert "confirm" in keys(u["center_head"], registered)
    assert keys(u["dept_staff"], registered) & {"propose", "confirm", "accept", "handled"} == set()
    c = dispatched()
    assert {"accept", "finish", "handled"} <= keys(u["dept_staff"], c)  # the responsible department
    assert "handled" not in keys(u["security_officer"], c)  # another department
    assert "callback" not in keys(u["front_desk"], c)
    emergency = make_complaint(severity=Severity.EMERGENCY, actor_role="security_officer")
    assert "notify_dept" in keys(u["security_officer"], emergency)
