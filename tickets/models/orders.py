"""The work order with its FSM, its history rows and photos (SPEC T-01..T-16)."""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from core import numbers
from core.models import BaseModel, EventBase
from tickets.models.catalog import Category


def new_public_token() -> str:
    return secrets.token_urlsafe(18)


class WorkOrder(FSMModelMixin, BaseModel):
    # Translators: 报事单 — the three-part printed work order
    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")  # 已登记, waiting for dispatch
        DISPATCHED = "dispatched", _("Dispatched")  # 已派工
        ON_SITE = "on_site", _("On site")  # 已到场
        COMPLETED = "completed", _("Completed")  # 已完工, receipt on its way back
        RETURNED = "returned", _("Receipt returned")  # 回执已交回 and accepted by the front desk
        CALLBACK = "callback", _("Awaiting callback")  # 待回访
        CLOSED = "closed", _("Closed")  # 已关闭
        REWORK = "rework", _("Rework")  # 返工 (T-08)
        CANCELLED = "cancelled", _("Cancelled")  # 已取消, with reason
        UNRESOLVABLE = "unresolvable", _("Returned as unresolvable")  # 退单 (T-06)
        DEVELOPER = "developer", _("With the developer")  # 开发商保修 (T-16)
        REINSPECTION = "reinspection", _("Awaiting re-inspection")  # 复查 (T-16)

    class Channel(models.TextChoices):
        PHONE = "phone", _("Phone")
        VISIT = "visit", _("Visit")
        PATROL = "patrol", _("Staff on patrol")
        CHAT = "chat", _("Owner group chat")
        RESIDENT = "resident", _("Resident online")  # issue 22: reported on the resident pages (portal)
        OTHER = "other", _("Other")

    class Evaluation(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        BASIC = "basic", _("Basically satisfied")
        UNSATISFIED = "unsatisfied", _("Unsatisfied")

    OPEN_STATES = (Status.REGISTERED, Status.DISPATCHED, Status.ON_SITE, Status.REWORK, Status.DEVELOPER)
    # not yet completed by the department → the completion clock runs
    ACTIVE_STATES = (*OPEN_STATES, Status.COMPLETED, Status.RETURNED, Status.CALLBACK, Status.REINSPECTION)

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("number"), max_length=20)
    unit = models.ForeignKey("estates.Unit", verbose_name=_("unit"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="work_orders")
    zone = models.ForeignKey("estates.Zone", verbose_name=_("zone"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")  # copy of unit's zone, for lists
    location = models.CharField(_("location"), max_length=120, blank=True,
                                help_text=_("Public areas: where exactly."))
    resident = models.ForeignKey("estates.Resident", verbose_name=_("resident"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="work_orders")
    reporter_name = models.CharField(_("reported by"), max_length=60, blank=True)
    phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.PHONE)
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("estates.Department", verbose_name=_("department"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="work_orders")
    content = models.TextField(_("content"))
    status = FSMField(_("status"), max_length=16, choices=Status.choices, default=Status.REGISTERED, protected=True)
    is_emergency = models.BooleanField(_("emergency"), default=False)
    # SPEC T-03 先作业后补单: worked first, registered afterwards; `received_at` etc. are the real times
    registered_late = models.BooleanField(_("registered afterwards (worked first)"), default=False)
    receiver = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("received by"), null=True,
                                 on_delete=models.PROTECT, related_name="+")
    assignee = models.ForeignKey("estates.Staff", verbose_name=_("worker"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="work_orders")
    received_at = models.DateTimeField(_("received"))
    dispatched_at = models.DateTimeField(_("dispatched"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("arrived"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    returned_at = models.DateTimeField(_("receipt returned"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # copy of the running completion clock's due time (core.Deadline holds the truth), for lists
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    completion_policy = models.CharField(_("completion deadline"), max_length=40, blank=True)
    # T-07 completion entry
    cause = models.TextField(_("cause"), blank=True)
    work_done = models.TextField(_("work done"), blank=True)
    labour_hours = models.DecimalField(_("labour hours"), max_digits=6, decimal_places=2, null=True, blank=True,
                                       validators=numbers.HOURS.validators())
    prep_hours = models.DecimalField(_("preparation hours"), max_digits=6, decimal_places=2, null=True, blank=True,
                                     validators=numbers.HOURS.validators())
    price_told = models.BooleanField(_("resident told the price before work"), default=False)
    charges_checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("charges checked by"),
                                           null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    charges_approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("charges approved by"),
                                            null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # T-08 resident's evaluation and signature
    evaluation = models.CharField(_("resident evaluation"), max_length=12, choices=Evaluation.choices, blank=True)
    evaluation_comment = models.CharField(_("resident comment"), max_length=300, blank=True)
    signed_on_paper = models.BooleanField(_("signed on the paper receipt"), default=False)
    signer_name = models.CharField(_("signed by"), max_length=60, blank=True)
    signature = models.FileField(_("drawn signature"), upload_to="tickets/signatures/%Y/%m/", blank=True)
    rework_count = models.PositiveSmallIntegerField(_("rework count"), default=0)
    extension_count = models.PositiveSmallIntegerField(_("extensions"), default=0)
    # T-06 退单 / cancel
    return_reason = models.TextField(_("reason returned"), blank=True)
    return_signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("return signed by"), null=True,
                                         blank=True, on_delete=models.PROTECT, related_name="+")
    explained_to_resident = models.TextField(_("explanation given to the resident"), blank=True)
    cancel_reason = models.TextField(_("reason cancelled"), blank=True)
    # T-15 agreement orders
    agreement_no = models.CharField(_("agreement number"), max_length=40, blank=True)
    agreement_file = models.FileField(_("agreement"), upload_to="tickets/agreements/%Y/%m/", blank=True)
    agreement_signed_at = models.DateTimeField(_("agreement signed"), null=True, blank=True)
    within_agreement_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("'within agreement' signed by"),
                                            null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # T-16 developer warranty
    is_warranty = models.BooleanField(_("developer warranty defect"), default=False)
    warranty_route = models.CharField(_("warranty handling"), max_length=12, blank=True,
                                      choices=[("developer", _("Routed to the developer")),
                                               ("in_house", _("In-house at the contractor's cost"))])
    reinspected_at = models.DateTimeField(_("re-inspected"), null=True, blank=True)
    reinspected_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("re-inspected by"), null=True,
                                       blank=True, on_delete=models.PROTECT, related_name="+")
    # T-09 pre-occupancy joint inspection
    joint_inspection_at = models.DateTimeField(_("joint inspection"), null=True, blank=True)
    joint_inspection_cs = models.ForeignKey("estates.Staff", verbose_name=_("CS inspector"), null=True, blank=True,
                                            on_delete=models.PROTECT, related_name="+")
    joint_inspection_engineer = models.ForeignKey("estates.Staff", verbose_name=_("engineer inspector"), null=True,
                                                  blank=True, on_delete=models.PROTECT, related_name="+")
    joint_inspection_note = models.TextField(_("joint inspection findings"), blank=True)
    # T-12 special contractors
    contractor_name = models.CharField(_("special contractor"), max_length=80, blank=True)
    contractor_review = models.TextField(_("contractor review record"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    # issue 22: the receipt part's QR opens the public status by this unguessable token, never the id
    public_token = models.CharField(_("public status token"), max_length=32, default=new_public_token,
                                    editable=False, db_index=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        constraints = [models.UniqueConstraint(fields=["site", "number"], name="workorder_number_per_site"),
                       # issue 13.3: the database refuses what a form or service let through
                       numbers.HOURS.constraint("labour_hours", "workorder_labour_hours_bounds", nullable=True),
                       numbers.HOURS.constraint("prep_hours", "workorder_prep_hours_bounds", nullable=True)]
        indexes = [
            # front-desk list: newest first per site, and its filtered variants
            models.Index(fields=["site", "-received_at", "-id"], name="wo_site_received"),
            models.Index(fields=["site", "status", "category", "zone", "-received_at", "-id"], name="wo_site_filter"),
            models.Index(fields=["site", "department", "status", "-received_at"], name="wo_site_dept"),
            models.Index(fields=["site", "due_at"], name="wo_open_due",
                         condition=Q(status__in=["registered", "dispatched", "on_site", "rework", "developer"])),
            models.Index(fields=["unit", "status"], name="wo_unit_status"),
            models.Index(fields=["phone"], name="wo_phone"),
            models.Index(fields=["assignee", "status"], name="wo_assignee"),
            # monthly report and the dashboard's 30-day 及时率 / 返修率 (SPEC D-01, D-02)
            # covering on PostgreSQL: the 30-day 及时率 / 返修率 read the index alone (issue 21.1)
            models.Index(fields=["site", "completed_at"], name="wo_site_completed_cov",
                         include=["due_at", "rework_count"]),
            models.Index(fields=["site", "closed_at"], name="wo_site_closed"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def site_number(self) -> str:
        """The number with its site code (`SSTY BS-20261201-0004`): numbers repeat across sites (issue 23.8)."""
        return f"{self.site.code} {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("tickets:order_detail", args=[self.pk])

    @property
    def place(self) -> str:
        if self.unit_id:
            return f"{self.unit.code} {self.location}".strip()
        return self.location

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATES

    @property
    def status_label(self) -> str:
        """get_status_display() without rebuilding the choices dict per call (a list shows 25)."""
        return self.Status(self.status).label

    @property
    def charges_total(self) -> Decimal:
        return sum((c.amount for c in self.charges.all()), Decimal("0.00"))

    # ---- transitions: fields only; services add locks, events and clocks (STYLE §3)
    @transition(field=status, source=Status.REGISTERED, target=Status.DISPATCHED)
    def dispatch(self, *, department, at, assignee=None) -> None:
        self.department = department
        self.assignee = assignee
        self.dispatched_at = at

    @transition(field=status, source=[Status.DISPATCHED, Status.REWORK], target=Status.ON_SITE)
    def arrive(self, *, at) -> None:
        self.arrived_at = at

    @transition(field=status, source=[Status.DISPATCHED, Status.ON_SITE, Status.REWORK], target=Status.COMPLETED)
    def complete(self, *, at) -> None:
        self.completed_at = at

    @transition(field=status, source=Status.COMPLETED, target=Status.RETURNED)
    def accept_receipt(self, *, at) -> None:
        self.returned_at = at

    @transition(field=status, source=Status.RETURNED, target=Status.CALLBACK)
    def await_callback(self) -> None:
        pass

    @transition(field=status, source=[Status.COMPLETED, Status.RETURNED, Status.CALLBACK], target=Status.REWORK)
    def send_rework(self) -> None:
        self.rework_count += 1
        self.completed_at = None
        self.returned_at = None

    @transition(field=status, source=[Status.RETURNED, Status.CALLBACK, Status.REINSPECTION], target=Status.CLOSED)
    def close(self, *, at) -> None:
        self.closed_at = at

    @transition(field=status, source=[Status.RETURNED, Status.CALLBACK], target=Status.REINSPECTION)
    def await_reinspection(self) -> None:
        pass

    @transition(field=status, source=[Status.REGISTERED, Status.DISPATCHED, Status.ON_SITE], target=Status.CANCELLED)
    def cancel(self, *, reason, at) -> None:
        self.cancel_reason = reason
        self.closed_at = at

    @transition(field=status, source=[Status.DISPATCHED, Status.ON_SITE, Status.REWORK], target=Status.UNRESOLVABLE)
    def return_unresolvable(self, *, reason, signer, explanation, at) -> None:
        self.return_reason = reason
        self.return_signed_by = signer
        self.explained_to_resident = explanation
        self.closed_at = at

    @transition(field=status, source=[Status.REGISTERED, Status.DISPATCHED, Status.ON_SITE, Status.REINSPECTION],
                target=Status.DEVELOPER)
    def route_to_developer(self) -> None:
        self.is_warranty = True
        self.warranty_route = "developer"

    @transition(field=status, source=Status.DEVELOPER, target=Status.REINSPECTION)
    def developer_repaired(self, *, at) -> None:
        self.completed_at = at


class WorkOrderEvent(EventBase):
    class Kind(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        REGISTERED_LATE = "registered_late", _("Registered afterwards (worked first)")  # SPEC T-03
        REFERRAL_ACCEPTED = "referral_accepted", _("Accepted by the service-center head")  # SPEC T-17
        DISPATCHED = "dispatched", _("Dispatched")
        ARRIVED = "arrived", _("Arrived on site")
        COMPLETED = "completed", _("Completion entered")
        CHARGES_CHECKED = "charges_checked", _("Charges checked")
        CHARGES_APPROVED = "charges_approved", _("Charges approved")
        EVALUATED = "evaluated", _("Resident evaluated")
        RECEIPT_REFUSED = "receipt_refused", _("Receipt refused as incomplete")
        RECEIPT_ACCEPTED = "receipt_accepted", _("Receipt accepted")
        CALLBACK_REQUESTED = "callback_requested", _("Callback requested")
        CALLBACK_RESULT = "callback_result", _("Callback result")
        REWORK = "rework", _("Sent back for rework")
        EXTENDED = "extended", _("Deadline extended")
        RETURNED = "unresolvable", _("Returned as unresolvable")
        CANCELLED = "cancelled", _("Cancelled")
        CLOSED = "closed", _("Closed")
        FOLLOWUP = "followup", _("Progress recorded")
        FOLLOWUP_DUE = "followup_due", _("Follow-up due")
        STATUS_REPORT = "status_report", _("Status reported")
        CHASED = "chased", _("Chased (overdue)")
        DEVELOPER = "developer", _("Routed to the developer")
        DEVELOPER_DONE = "developer_done", _("Developer repair reported")
        REINSPECTED = "reinspected", _("Re-inspected")
        JOINT_INSPECTION = "joint_inspection", _("Joint inspection before move-in")
        CONTRACTOR_REVIEW = "contractor_review", _("Contractor review recorded")
        AGREEMENT = "agreement", _("Agreement recorded")
        WITHIN_AGREEMENT = "within_agreement", _("'Within agreement' signed")
        EDITED = "edited", _("Edited")
        PRINTED = "printed", _("Printed")

    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="events")
    subject_field = "order"
    kind = models.CharField(_("event"), max_length=40, choices=Kind.choices)

    class Meta(EventBase.Meta):
        verbose_name = _("work order event")
        verbose_name_plural = _("work order events")


class WorkOrderPhoto(BaseModel):
    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="photos")
    file = models.ImageField(_("photo"), upload_to="tickets/photos/%Y/%m/")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
