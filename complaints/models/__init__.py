"""Complaints 投诉 (SPEC §3, C-01..C-12): the complaint, its history, escalations, reports,
reminders/inquiries, photos and the monthly analysis."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
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
    number = models.CharField(_("number"), max_length=30, unique=True)
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

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [
            models.Index(fields=["site", "status"], name="complaint_site_status"),
            models.Index(fields=["site", "received_at"], name="complaint_site_received"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("complaints:complaint_detail", args=[self.pk])

    @property
    def is_emergency(self) -> bool:
        return self.severity == Severity.EMERGENCY

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
        CLOSED = "closed", _("Closed and filed")
        OVERDUE = "overdue", _("Deadline missed")
        NOTE = "note", _("Note")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    subject_field = "complaint"

    class Meta(EventBase.Meta):
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")


def _photo_path(instance: ComplaintPhoto, filename: str) -> str:
    return f"complaints/{instance.complaint.site_id}/{instance.complaint_id}/{filename}"


class ComplaintPhoto(BaseModel):
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("photo"), upload_to=_photo_path)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        verbose_name = _("complaint photo")
        verbose_name_plural = _("complaint photos")


class Escalation(BaseModel):
    """SPEC C-06: one row per level reached; each level must acknowledge."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="escalations")
    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    reason = models.CharField(_("reason"), max_length=200)
    deadline_code = models.CharField(_("missed deadline"), max_length=60, blank=True)
    at = models.DateTimeField(_("escalated at"))
    notified = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("notified"), related_name="+",
                                      blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("acknowledged by"), null=True,
                                        blank=True, on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)

    class Meta:
        ordering = ["at", "level"]
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        constraints = [models.UniqueConstraint(fields=["complaint", "level"], name="escalation_once_per_level")]
        indexes = [models.Index(fields=["site"], condition=Q(acknowledged_at__isnull=True),
                                name="escalation_unacked")]

    def __str__(self) -> str:
        return f"{self.complaint.number} → {self.get_level_display()}"


class ComplaintReport(BaseModel):
    """SPEC C-05 written reports (24 h to the company, 48 h to the executive), written in the app."""

    class Kind(models.TextChoices):
        COMPANY = "company", _("Report to the company (24 h)")
        EXECUTIVE = "executive", _("Report to the executive (48 h)")
        OTHER = "other", _("Other written report")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    author = models.ForeignKey("estates.Staff", verbose_name=_("author"), on_delete=models.PROTECT,
                               related_name="+")
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("report"))
    submitted_at = models.DateTimeField(_("submitted at"))

    class Meta:
        ordering = ["submitted_at"]
        verbose_name = _("written report")
        verbose_name_plural = _("written reports")


class Reminder(BaseModel):
    """SPEC C-07: reminders 催办单 to the department and inquiries 洽办单 after late closure."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("Reminder (催办单)")
        INQUIRY = "inquiry", _("Inquiry (洽办单)")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    department = models.ForeignKey("estates.Department", verbose_name=_("department"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey("estates.Staff", verbose_name=_("issued by"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    automatic = models.BooleanField(_("automatic"), default=False)
    text = models.TextField(_("text"), blank=True)
    delay_cause = models.TextField(_("cause of delay"), blank=True)
    deadline_code = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["issued_at", "id"]
        verbose_name = _("reminder or inquiry")
        verbose_name_plural = _("reminders and inquiries")
        constraints = [
            # one automatic reminder per breached clock, one inquiry per complaint closure
            models.UniqueConstraint(fields=["complaint", "kind", "deadline_code"],
                                    condition=Q(automatic=True), name="reminder_auto_once"),
        ]


class MonthlyAnalysis(BaseModel):
    """SPEC C-10: the written monthly analysis (causes, improvement proposals), due by the 5th."""

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"), help_text=_("First day of the month analysed."))
    causes = models.TextField(_("causes"))
    proposals = models.TextField(_("improvement proposals"))
    author = models.ForeignKey("estates.Staff", verbose_name=_("author"), on_delete=models.PROTECT,
                               related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"))

    class Meta:
        ordering = ["-month"]
        verbose_name = _("monthly complaint analysis")
        verbose_name_plural = _("monthly complaint analyses")
        constraints = [models.UniqueConstraint(fields=["site", "month"], name="analysis_once_per_month")]
