"""The head's decision on a capability check (SPEC T-17, T-18): one declaration per step (STYLE §3)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.actions import Action, Registry
from tickets import permissions as perm
from tickets import selectors_referral as selectors
from tickets import services as svc
from tickets.forms_intake import ReferralAcceptForm, ReferralDeclineForm, ReferralPaperForm


def _visible(request, pk: int):
    return selectors.referral_get(request.user, pk)


REFERRALS = Registry(
    "tickets.referral", get_object=_visible, url_name="tickets:referral_action",
    form_kwargs=lambda r, u: {"initial": {"version": r.version}})

REFERRALS.add(Action(
    "accept", _("Accept: make it a work order"), ReferralAcceptForm, perm.can_decide_referral, transition="accept",
    inline=True, message=_("Accepted: the work order is registered."),
    form_kwargs=lambda r, u: {"initial": {"category": r.category_id}},
    next=lambda request, r, result: result.order.get_absolute_url(),
    run=lambda r, u, d: svc.capability_accept(referral=r, actor=u, category=d["category"], note=d.get("note") or "",
                                              version=d.get("version"))))
REFERRALS.add(Action(
    "decline", _("Decline"), ReferralDeclineForm, perm.can_decide_referral, transition="decline", inline=True,
    style="outline-danger", message=_("Declined."),
    run=lambda r, u, d: svc.capability_decline(referral=r, actor=u, reason=d["reason"],
                                               told_resident=d["told_resident"], version=d.get("version"))))
REFERRALS.add(Action(
    "paper", _("Record a decision signed on paper"), ReferralPaperForm, transition="accept",
    allowed=lambda u, r: perm.can_refer(u, r.site_id), message=_("The decision signed on paper is recorded."),
    form_kwargs=lambda r, u: {"referral": r, "initial": {"category": r.category_id}},
    run=lambda r, u, d: svc.capability_record_paper(
        referral=r, actor=u, signer=d["signer"].user if d.get("signer") else None, scan=d.get("scan"),
        accept=d["decision"] == "accept", signed_at=d["signed_at"], category=d.get("category"),
        reason=d.get("reason") or "", told_resident=d.get("told_resident") or "", version=d.get("version"))))
