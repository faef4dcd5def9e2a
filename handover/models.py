"""Takeover acceptance and move-in (SPEC §16 H-01..H-03, seed 004 stages 3–4).

The item lists (documents handed over, unit items, public-facility items) are company data seeded by
a migration; takeovers, inspections, the defect list and move-ins belong to one site.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from core.models import BaseModel, EventBase


class Scope(models.TextChoices):
    """Which list an item belongs to (SPEC H-01; seed 004 §B, §D, §E)."""

    DOCUMENT = "document", _("Documents handed over")  # 接管资料
    UNIT = "unit", _("Building and unit")  # 房屋接管验收项目
    PUBLIC = "public", _("Public facilities")  # 公共设施接管验收项目


class ChecklistItem(BaseModel):
    scope = models.CharField(_("list"), max_length=10, choices=Scope.choices)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("item"), max_length=200)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["scope", "position", "id"]
        verbose_name = _("handover checklist item")
        verbose_name_plural = _("handover checklist items")

    def __str__(self) -> str:
        return self.text


class Takeover(BaseModel):
    """接管验收: one handover of (part of) a site by the developer."""

    class Status(models.TextChoices):
        DOCUMENTS = "documents", _("Checking documents")  # developer notified, documents being checked
        INSPECTING = "inspecting", _("Inspecting")  # reply letter issued, inspections under way
        ACCEPTED = "accepted", _("Accepted")  # final

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT,
                             related_name="takeovers")
    number = models.CharField(_("number"), max_length=30)
    developer = models.CharField(_("developer"), max_length=100)
    notified_on = models.DateField(_("developer's notice dated"))
    scope_note = models.CharField(_("what is handed over"), max_length=200, blank=True)
    status = FSMField(_("status"), max_length=12, choices=Status.choices, default=Status.DOCUMENTS, protected=True)
    reply_text = models.TextField(_("reply letter"), blank=True)
    replied_at = models.DateTimeField(_("reply issued"), null=True, blank=True)
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reply issued by"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="+")
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("registered by"),
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-notified_on", "-id"]
        verbose_name = _("takeover")
        verbose_name_plural = _("takeovers")
        constraints = [models.UniqueConstraint(fields=["site", "number"], name="takeover_number_site")]

    def __str__(self) -> str:
        return f"{self.number} {self.developer}"

    def get_absolute_url(self) -> str:
        return reverse("handover:takeover", args=[self.pk])

    @transition(field=status, source=Status.DOCUMENTS, target=Status.INSPECTING)
    def reply(self, *, at, by) -> None:
        self.replied_at, self.replied_by = at, by

    @transition(field=status, source=Status.INSPECTING, target=Status.ACCEPTED)
    def accept(self, *, at) -> None:
        self.accepted_at = at


class TakeoverDocument(models.Model):
    """One line of the document checklist (资料移交清单)."""

    takeover = models.ForeignKey(Takeover, verbose_name=_("takeover"), on_delete=models.PROTECT,
                                 related_name="documents")
    item = models.ForeignKey(ChecklistItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+")
    received = models.BooleanField(_("received"), default=False)
    copies = models.PositiveSmallIntegerField(_("copies"), default=0)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["item__position", "id"]
        verbose_name = _("document received")
        verbose_name_plural = _("documents received")
        constraints = [models.UniqueConstraint(fields=["takeover", "item"], name="takeover_document_once")]

    def __str__(self) -> str:
        return str(self.item)


class MoveIn(BaseModel):
    """入住手续 of one unit: the steps in order (SPEC H-02)."""

    class Step(models.TextChoices):
        IDENTITY = "identity", _("Verify the owner's identity")  # 验证业主身份
        FEES = "fees", _("Collect the move-in fees")  # 收取入住费用
        DOCUMENTS = "documents", _("Sign the documents")  # 签订协议文件
        KEYS = "keys", _("Hand over the keys")  # 发放钥匙
        INSPECTION = "inspection", _("Inspect the unit together")  # 交、验房屋
        DEFECTS = "defects", _("Defects to the developer")  # 跟进遗漏工程
        UTILITIES = "utilities", _("Open the utilities")  # 协助开通水、电、气
        DONE = "done", _("Handed over")  # final
        CANCELLED = "cancelled", _("Cancelled")  # final, with a reason

    ORDER = [Step.IDENTITY, Step.FEES, Step.DOCUMENTS, Step.KEYS, Step.INSPECTION, Step.DEFECTS, Step.UTILITIES,
             Step.DONE]

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT,
                             related_name="move_ins")
    unit = models.ForeignKey("estates.Unit", verbose_name=_("unit"), on_delete=models.PROTECT,
                             related_name="move_ins")
    resident = models.ForeignKey("estates.Resident", verbose_name=_("owner"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="move_ins")
    step = models.CharField(_("next step"), max_length=12, choices=Step.choices, default=Step.IDENTITY)
    identity_doc = models.CharField(_("identity document"), max_length=40, blank=True)
    identity_at = models.DateTimeField(_("identity verified"), null=True, blank=True)
    payment = models.ForeignKey("fees.Payment", verbose_name=_("move-in fees payment"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    fees_at = models.DateTimeField(_("fees collected"), null=True, blank=True)
    documents_at = models.DateTimeField(_("documents signed"), null=True, blank=True)
    key_deposit = models.ForeignKey("keys.KeyDeposit", verbose_name=_("keys"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    keys_at = models.DateTimeField(_("keys handed over"), null=True, blank=True)
    inspection_at = models.DateTimeField(_("unit inspected"), null=True, blank=True)
    defects_at = models.DateTimeField(_("defects reported"), null=True, blank=True)
    utilities = models.CharField(_("utilities opened"), max_length=200, blank=True)
    utilities_at = models.DateTimeField(_("utilities done"), null=True, blank=True)
    completed_at = models.DateTimeField(_("handed over"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason cancelled"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("opened by"),
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("move-in")
        verbose_name_plural = _("move-ins")
        constraints = [models.UniqueConstraint(fields=["unit"], condition=~models.Q(step="cancelled"),
                                               name="move_in_one_per_unit")]

    def __str__(self) -> str:
        return f"{self.unit.code}"

    def get_absolute_url(self) -> str:
        return reverse("handover:move_in", args=[self.pk])

    def step_index(self) -> int:
        return self.ORDER.index(self.step) if self.step in self.ORDER else -1

    def steps(self) -> list[tuple[str, str, bool, bool]]:
        """(code, label, done, current) for each step, in order."""
        here = self.step_index()
        return [(s.value, s.label, here > i or self.step == self.Step.DONE, here == i)
                for i, s in enumerate(self.ORDER[:-1])]


class MoveInDocument(models.Model):
    """A signed document of the move-in; the scan is a UnitDocument in the resident file (O-02)."""

    class Kind(models.TextChoices):
        SERVICE_AGREEMENT = "agreement", _("Property-service agreement")  # 物业服务协议
        RULES = "rules", _("Management rules")  # 管理规约
        FIRE_PLEDGE = "fire", _("Fire-safety pledge")  # 消防安全责任书

    move_in = models.ForeignKey(MoveIn, verbose_name=_("move-in"), on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("document"), max_length=10, choices=Kind.choices)
    unit_document = models.ForeignKey("estates.UnitDocument", verbose_name=_("scan"), on_delete=models.PROTECT,
                                      related_name="+")

    class Meta:
        ordering = ["move_in", "kind"]
        verbose_name = _("signed document")
        verbose_name_plural = _("signed documents")
        constraints = [models.UniqueConstraint(fields=["move_in", "kind"], name="move_in_document_once")]

    def __str__(self) -> str:
        return str(self.get_kind_display())


class Inspection(BaseModel):
    """One inspection against an item list: of a unit (takeover or joint move-in inspection) or of the
    public facilities of a building or the site."""

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    takeover = models.ForeignKey(Takeover, verbose_name=_("takeover"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="inspections")
    move_in = models.ForeignKey(MoveIn, verbose_name=_("move-in"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="inspections")
    scope = models.CharField(_("list"), max_length=10, choices=Scope.choices)
    building = models.ForeignKey("estates.Building", verbose_name=_("building"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("estates.Unit", verbose_name=_("unit"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="handover_inspections")
    inspected_at = models.DateTimeField(_("inspected"))
    inspected_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("inspected by"),
                                     on_delete=models.PROTECT, related_name="+")
    passed = models.BooleanField(_("passed"), default=False)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-inspected_at", "-id"]
        verbose_name = _("handover inspection")
        verbose_name_plural = _("handover inspections")

    def __str__(self) -> str:
        where = self.unit.code if self.unit_id else (self.building or _("public facilities"))
        return f"{self.get_scope_display()} {where}"

    def get_absolute_url(self) -> str:
        """The page the inspection is shown on: its takeover's, or its move-in's."""
        if self.takeover_id:
            return self.takeover.get_absolute_url()
        if self.move_in_id:
            return self.move_in.get_absolute_url()
        return reverse("handover:takeovers")


class InspectionResult(models.Model):
    inspection = models.ForeignKey(Inspection, verbose_name=_("inspection"), on_delete=models.PROTECT,
                                   related_name="results")
    item = models.ForeignKey(ChecklistItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+")
    passed = models.BooleanField(_("passed"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["item__position", "id"]
        verbose_name = _("inspection result")
        verbose_name_plural = _("inspection results")
        constraints = [models.UniqueConstraint(fields=["inspection", "item"], name="handover_result_once")]

    def __str__(self) -> str:
        return f"{self.item}: {'✓' if self.passed else '✗'}"


class Defect(BaseModel):
    """One line of the defect list (遗留问题统计表): rectified by the developer by the agreed date,
    closed only after re-inspection (SPEC H-01, H-02, T-16)."""

    class Status(models.TextChoices):
        OPEN = "open", _("With the developer")  # listed, waiting for the developer's rectification
        RECTIFIED = "rectified", _("Waiting for re-inspection")  # the developer says it is done
        CLOSED = "closed", _("Closed after re-inspection")  # final

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("number"), max_length=30)
    takeover = models.ForeignKey(Takeover, verbose_name=_("takeover"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="defects")
    move_in = models.ForeignKey(MoveIn, verbose_name=_("move-in"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="defects")
    inspection = models.ForeignKey(Inspection, verbose_name=_("found in"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="defects")
    item = models.ForeignKey(ChecklistItem, verbose_name=_("item"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("estates.Unit", verbose_name=_("unit"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="handover_defects")
    location = models.CharField(_("location"), max_length=100)
    description = models.TextField(_("problem"))
    due_at = models.DateTimeField(_("rectify by (agreed)"))
    reinspect_on = models.DateField(_("re-inspection date"))
    status = FSMField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN, protected=True)
    rectified_at = models.DateTimeField(_("rectification reported"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("re-inspected by"), null=True,
                                  blank=True, on_delete=models.PROTECT, related_name="+")
    work_order = models.ForeignKey("tickets.WorkOrder", verbose_name=_("work order"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("listed by"),
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["status", "due_at", "id"]
        verbose_name = _("defect")
        verbose_name_plural = _("defects")
        constraints = [models.UniqueConstraint(fields=["site", "number"], name="defect_number_site")]
        indexes = [models.Index(fields=["site", "status"], name="defect_site_status")]

    def __str__(self) -> str:
        return f"{self.number} {self.location}"

    def get_absolute_url(self) -> str:
        return reverse("handover:defect", args=[self.pk])

    @transition(field=status, source=Status.OPEN, target=Status.RECTIFIED)
    def rectified(self, *, at) -> None:
        self.rectified_at = at

    @transition(field=status, source=Status.RECTIFIED, target=Status.OPEN)
    def reopen(self, *, due_at, reinspect_on) -> None:
        self.due_at, self.reinspect_on, self.rectified_at = due_at, reinspect_on, None

    @transition(field=status, source=Status.RECTIFIED, target=Status.CLOSED)
    def close(self, *, at, by) -> None:
        self.closed_at, self.closed_by = at, by


class HandoverEvent(EventBase):
    """History of takeovers, defects and move-ins (SPEC X-01)."""

    class Kind(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        DOCUMENTS = "documents", _("Documents")
        REPLIED = "replied", _("Reply letter issued")
        INSPECTED = "inspected", _("Inspected")
        KEYS_RECEIVED = "keys_received", _("Keys received into custody")
        ACCEPTED = "accepted", _("Takeover accepted")
        LISTED = "listed", _("Defect listed")
        RECTIFIED = "rectified", _("Developer reports it rectified")
        REINSPECTION_FAILED = "reinspection_failed", _("Re-inspection failed")
        CLOSED = "closed", _("Closed after re-inspection")
        OVERDUE = "overdue", _("Past the agreed date")
        OPENED = "opened", _("Move-in opened")
        IDENTITY = "identity", _("Identity verified")
        FEES = "fees", _("Fees collected")
        KEYS = "keys", _("Keys handed over")
        INSPECTION = "inspection", _("Unit inspected together")
        DEFECTS = "defects", _("Defects to the developer")
        UTILITIES = "utilities", _("Utilities opened")
        CANCELLED = "cancelled", _("Cancelled")

    subject_field = "takeover"
    kind = models.CharField(_("event"), max_length=40, choices=Kind.choices)
    takeover = models.ForeignKey(Takeover, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    move_in = models.ForeignKey(MoveIn, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    defect = models.ForeignKey(Defect, null=True, blank=True, on_delete=models.PROTECT, related_name="events")

    class Meta(EventBase.Meta):
        verbose_name = _("handover event")
        verbose_name_plural = _("handover events")

    @classmethod
    def log(cls, subject, *, actor, kind: str, note: str = "", data: dict | None = None, at=None) -> HandoverEvent:
        field = {Takeover: "takeover", MoveIn: "move_in", Defect: "defect"}[type(subject)]
        if actor is not None and not hasattr(actor, "is_authenticated"):
            actor = actor.user
        return cls.objects.create(**{field: subject}, actor=actor, kind=kind, note=note, data=data or {},
                                  **({"at": at} if at else {}))
