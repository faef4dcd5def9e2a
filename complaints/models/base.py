"""Complaints 投诉 (SPEC §3, C-01..C-16): the complaint and its history."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from core.models import BaseModel, EventBase


class Category(models.TextChoices):
    """SPEC C-02 categories."""

    ENGINEERING = "engineering", _("Engineering")  # 工程
    SECURITY = "security", _("Order and security")  # 秩序/安保
    CLEANING = "cleaning", _("Cleaning")  # 保洁
    GREENING = "greening", _("Greening")  # 绿化
    FEES = "fees", _("Fees")  # 收费
    ATTITUDE = "attitude", _("Staff attitude")  # 服务态度
    DEVELOPER = "developer", _("Developer / construction quality")  # 开发商/工程质量
    NEIGHBOURS = "neighbours", _("Neighbours")  # 邻里
    OTHER = "other", _("Other")  # 其他


class Severity(models.TextChoices):
    NORMAL = "normal", _("Normal")  # 一般
    MAJOR = "major", _("Major")  # 重大
    EMERGENCY = "emergency", _("Emergency")  # 紧急


class Level(models.IntegerChoices):
    """SPEC C-06 escalation ladder."""

    FRONT_DESK = 0, _("Front desk")
    CS_SUPERVISOR = 1, _("CS supervisor")
    SITE_DIRECTOR = 2, _("Site director")
    COMPANY_LEADER = 3, _("Company leader")
    EXECUTIVE = 4, _("Executive")


class Cause(models.TextChoices):
    """SPEC C-13: what caused the complaint; the monthly analysis (C-10) groups complaints by it."""

    SERVICE = "service", _("Service attitude or manners")  # 服务态度
    PROCESS = "process", _("Slow or missed procedure")  # 流程/时效
    WORKMANSHIP = "workmanship", _("Workmanship or repair quality")  # 维修质量
    FACILITY = "facility", _("Facility or equipment fault")  # 设施设备
    CONSTRUCTION = "construction", _("Developer or construction defect")  # 开发商/工程遗留
    COMMUNICATION = "communication", _("Information or communication")  # 信息沟通
    FEES = "fees", _("Fees or contract terms")  # 收费/合同
    THIRD_PARTY = "third_party", _("Neighbours or third parties")  # 邻里/第三方
    OTHER = "other", _("Other")  # 其他


class ReplyMethod(models.TextChoices):
    """SPEC C-13: how the written reply (书面回复) reached the resident."""

    HANDED = "handed", _("Handed over in person")  # 当面送达
    POST = "post", _("By post")  # 邮寄
    MESSAGE = "message", _("Text or WeChat message")  # 短信/微信
    EMAIL = "email", _("E-mail")  # 电子邮件
    NOTICE = "notice", _("Notice board")  # 公告


class Complaint(FSMModelMixin, BaseModel):
    class Kind(models.TextChoices):
        COMPLAINT = "complaint", _("Complaint")  # 投诉
        PRAISE = "praise", _("Praise")  # 表扬 (C-11)

    class Channel(models.TextChoices):
        VISIT = "visit", _("In person")
        PHONE = "phone", _("Phone")
        LETTER = "letter", _("Letter / message")
        ONLINE = "online", _("Online")
        RESIDENT = "resident", _("Resident online")  # issue 22: reported on the resident pages (portal)
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")  # recorded by any employee, not yet at the front desk (C-01)
        REGISTERED = "registered", _("Registered")  # taken by the front desk
        PROPOSED = "proposed", _("Classification proposed")  # front desk proposed, head to confirm (C-02)
        DISPATCHED = "dispatched", _("With the department")  # confirmed valid, department working (C-04)
        FINISHED = "finished", _("Finished, feedback due")  # department finished, feedback to front desk due
        HANDLED = "handled", _("Handled, callback due")  # reported handled; verification / callback (C-05, C-09)
        INVALID = "invalid", _("Invalid, explained")  # invalid and explained to the resident (C-03)
        CLOSED = "closed", _("Closed")  # satisfied callback, filed; praise records

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT,
                             related_name="complaints")
    # TS-YYYYMMDD-NNNN per site and day like work orders' BS- (issue 20.9); earlier rows keep TS<code>…
    number = models.CharField(_("number"), max_length=30)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.COMPLAINT)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.VISIT)
    # C-01: what the receiver records
    received_at = models.DateTimeField(_("received at"))
    received_by = models.ForeignKey("estates.Staff", verbose_name=_("first-responder"), on_delete=models.PROTECT,
                                    related_name="complaints_received")
    resident = models.ForeignKey("estates.Resident", verbose_name=_("resident"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="complaints")
    unit = models.ForeignKey("estates.Unit", verbose_name=_("unit"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="complaints")
    complainant_name = models.CharField(_("complainant"), max_length=60, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    status = FSMField(_("status"), max_length=12, choices=Status.choices, default=Status.RECEIVED,
                      protected=True, db_index=True)
    registered_at = models.DateTimeField(_("registered at front desk"), null=True, blank=True)
    registered_by = models.ForeignKey("estates.Staff", verbose_name=_("registered by"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    # C-02 classification
    is_valid = models.BooleanField(_("valid"), null=True, blank=True)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices, blank=True)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.NORMAL)
    department = models.ForeignKey("estates.Department", verbose_name=_("responsible department"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="complaints")
    cross_department = models.BooleanField(_("cross-department"), default=False)
    handling_deadline = models.DateTimeField(_("handling deadline"), null=True, blank=True)
    proposed_by = models.ForeignKey("estates.Staff", verbose_name=_("proposed by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(_("proposed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey("estates.Staff", verbose_name=_("confirmed by"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    # C-03
    invalid_explanation = models.TextField(_("explanation to the resident"), blank=True)
    taken_over = models.BooleanField(_("taken over by the department head"), default=False)
    # C-06: the highest level reached
    level = models.PositiveSmallIntegerField(_("escalation level"), choices=Level.choices,
                                             default=Level.FRONT_DESK)
    # C-12
    first_contact_at = models.DateTimeField(_("first contact"), null=True, blank=True)
    first_reply_at = models.DateTimeField(_("first reply"), null=True, blank=True)
    # C-04
    accepted_at = models.DateTimeField(_("department answered"), null=True, blank=True)
    late_reason = models.TextField(_("reason it will be late"), blank=True)
    expected_at = models.DateTimeField(_("expected completion"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    handling_result = models.TextField(_("handling result"), blank=True)
    form_returned_at = models.DateTimeField(_("written form returned"), null=True, blank=True)
    form_missing_reason = models.TextField(_("why the form was not returned"), blank=True)
    work_order = models.ForeignKey("tickets.WorkOrder", verbose_name=_("linked work order"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")  # C-04
    # C-05
    dept_notified_at = models.DateTimeField(_("department notified"), null=True, blank=True)
    company_notified_at = models.DateTimeField(_("company leader notified"), null=True, blank=True)
    executive_notified_at = models.DateTimeField(_("executive notified"), null=True, blank=True)
    # C-05: the decision chain (site head 5 min, company leader 10 min) runs from here: receipt of an
    # emergency/major complaint, or the moment it was reclassified as one
    chain_started_at = models.DateTimeField(_("emergency chain started"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey("estates.Staff", verbose_name=_("verified by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    # C-08
    first_responder_told_at = models.DateTimeField(_("first-responder told"), null=True, blank=True)
    # C-09
    callback_requested_at = models.DateTimeField(_("callback requested"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    was_late = models.BooleanField(_("late"), default=False)
    # C-13: cause, corrective/preventive action, written reply — all recorded before the complaint closes
    cause_kind = models.CharField(_("cause"), max_length=16, choices=Cause.choices, blank=True)
    cause = models.TextField(_("cause analysis"), blank=True)
    corrective_action = models.TextField(_("corrective or preventive action"), blank=True)
    action_owner = models.ForeignKey("estates.Staff", verbose_name=_("action owner"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    action_due = models.DateField(_("action due"), null=True, blank=True)
    action_done_at = models.DateTimeField(_("action done"), null=True, blank=True)
    action_verified_at = models.DateTimeField(_("action verified"), null=True, blank=True)
    action_verified_by = models.ForeignKey("estates.Staff", verbose_name=_("action verified by"), null=True,
                                           blank=True, on_delete=models.PROTECT, related_name="+")
    reply_text = models.TextField(_("written reply"), blank=True)
    reply_on = models.DateField(_("reply date"), null=True, blank=True)
    reply_method = models.CharField(_("reply delivered"), max_length=10, choices=ReplyMethod.choices, blank=True)
    reply_recorded_by = models.ForeignKey("estates.Staff", verbose_name=_("reply recorded by"), null=True,
                                          blank=True, on_delete=models.PROTECT, related_name="+")
    # C-09 + C-13: the resident was satisfied, but the cause or the written reply is still missing
    callback_satisfied_at = models.DateTimeField(_("satisfied callback"), null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        constraints = [models.UniqueConstraint(fields=["site", "number"], name="complaint_number_per_site")]
        indexes = [
            models.Index(fields=["site", "status"], name="complaint_site_status"),
            models.Index(fields=["site", "received_at"], name="complaint_site_received"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("complaints:complaint_detail", args=[self.pk])

    @property
    def site_number(self) -> str:
        """The number with its site code (`SSTY TS-20261201-0004`): numbers repeat across sites."""
        return f"{self.site.code} {self.number}"

    @property
    def is_emergency(self) -> bool:
        return self.severity == Severity.EMERGENCY

    @property
    def in_chain(self) -> bool:
        """C-05: emergency and major complaints run the decision chain (site head → company → executive)."""
        return self.severity in (Severity.MAJOR, Severity.EMERGENCY)

    @property
    def cause_recorded(self) -> bool:
        return bool(self.cause_kind and self.cause.strip() and self.corrective_action.strip())

    @property
    def reply_recorded(self) -> bool:
        return bool(self.reply_text.strip() and self.reply_on and self.reply_method)

    @property
    def is_open(self) -> bool:
        return self.status not in (self.Status.CLOSED, self.Status.INVALID)

    # ---- transitions: fields only; services add locks, events and clocks
    @transition(field=status, source=Status.RECEIVED, target=Status.REGISTERED)
    def register(self, *, by, at) -> None:
        self.registered_by, self.registered_at = by, at

    @transition(field=status, source=[Status.REGISTERED, Status.PROPOSED], target=Status.PROPOSED)
    def propose(self, *, by, at) -> None:
        self.proposed_by, self.proposed_at = by, at

    @transition(field=status, source=[Status.PROPOSED, Status.REGISTERED], target=Status.DISPATCHED)
    def dispatch(self, *, by, at) -> None:
        self.confirmed_by, self.confirmed_at = by, at

    @transition(field=status, source=[Status.PROPOSED, Status.REGISTERED], target=Status.INVALID)
    def declare_invalid(self, *, by, at) -> None:
        self.confirmed_by, self.confirmed_at = by, at

    @transition(field=status, source=Status.INVALID, target=Status.DISPATCHED)
    def take_over(self) -> None:
        self.taken_over = True

    @transition(field=status, source=Status.DISPATCHED, target=Status.FINISHED)
    def finish(self, *, at) -> None:
        self.finished_at = at

    @transition(field=status, source=[Status.FINISHED, Status.DISPATCHED], target=Status.HANDLED)
    def report_handled(self, *, at) -> None:
        self.handled_at = at
        self.finished_at = self.finished_at or at

    @transition(field=status, source=[Status.HANDLED, Status.CLOSED], target=Status.DISPATCHED)
    def reopen(self) -> None:
        self.reopen_count += 1
        self.finished_at = self.handled_at = self.closed_at = None

    @transition(field=status, source=[Status.HANDLED, Status.INVALID, Status.RECEIVED, Status.REGISTERED],
                target=Status.CLOSED)
    def close(self, *, at) -> None:
        self.closed_at = at


class ComplaintEvent(EventBase):
    class Kind(models.TextChoices):
        RECEIVED = "received", _("Received")
        REGISTERED = "registered", _("Taken by the front desk")
        CONTACTED = "contacted", _("Complainant contacted")
        REPLIED = "replied", _("First reply given")
        PROPOSED = "proposed", _("Classification proposed")
        DISPATCHED = "dispatched", _("Confirmed and dispatched")
        INVALID = "invalid", _("Declared invalid and explained")
        TAKEN_OVER = "taken_over", _("Taken over by the department head")
        DEPT_NOTIFIED = "dept_notified", _("Department notified")
        ACCEPTED = "accepted", _("Department answered")
        LATE = "late", _("Department says it will be late")
        FINISHED = "finished", _("Work finished")
        HANDLED = "handled", _("Handling reported to the front desk")
        RESOLVED = "resolved", _("Emergency resolved")
        VERIFIED = "verified", _("Resolution verified")
        FORM_RETURNED = "form_returned", _("Written form returned")
        FORM_MISSING = "form_missing", _("Reason recorded for the missing form")
        WORK_ORDER = "work_order", _("Work order created")
        ESCALATED = "escalated", _("Escalated")
        ACKNOWLEDGED = "acknowledged", _("Escalation acknowledged")
        REPORT = "report", _("Written report filed")
        REMINDER = "reminder", _("Reminder issued")
        INQUIRY = "inquiry", _("Inquiry recorded")
        FIRST_RESPONDER = "first_responder", _("First-responder informed")
        CALLBACK_REQUESTED = "callback_requested", _("Callback requested")
        REOPENED = "reopened", _("Reopened after an unsatisfied callback")
        RECLASSIFIED = "reclassified", _("Severity changed")
        DECIDED = "decided", _("Emergency decision recorded")
        CAUSE = "cause", _("Cause and corrective action recorded")
        ACTION_DONE = "action_done", _("Corrective action done")
        ACTION_VERIFIED = "action_verified", _("Corrective action verified")
        WRITTEN_REPLY = "written_reply", _("Written reply recorded")
        CLOSED = "closed", _("Closed and filed")
        OVERDUE = "overdue", _("Deadline missed")
        NOTE = "note", _("Note")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    subject_field = "complaint"

    class Meta(EventBase.Meta):
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")
