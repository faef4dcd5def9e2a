"""Shapes only; the rules live in the services."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import (
    Category,
    Cause,
    ChainDecision,
    Complaint,
    ComplaintReport,
    ReplyMethod,
    ResponsibilityFinding,
    Severity,
)
from complaints.services import MAX_PHOTOS
from core.deadlines import policy_limit
from core.forms import SingleLineCharField
from core.once import OnceFormMixin
from core.uploads import MultiImageUploadField
from core.validators import PhoneField, to_half_width
from estates.models import Department, Resident, Site, Staff, Unit
from estates.selectors import site_ids_visible_to, site_list_visible_to, unit_example_code

DT = {"type": "datetime-local"}
DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})  # the browser's date input wants ISO


class ComplaintForm(OnceFormMixin):
    """C-01: the short intake form any employee fills in."""

    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.none(), required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=Complaint.Kind.choices, initial=Complaint.Kind.COMPLAINT)
    received_at = forms.DateTimeField(label=_("Received at"), widget=forms.DateTimeInput(attrs=DT))
    channel = forms.ChoiceField(label=_("Channel"), choices=Complaint.Channel.choices,
                                initial=Complaint.Channel.PHONE)  # issue 20.3: most complaints are phoned in
    severity = forms.ChoiceField(label=_("Urgency"), choices=Severity.choices, initial=Severity.NORMAL)
    unit_code = forms.CharField(label=_("Unit"), max_length=32, required=False,
                                help_text=_("A unit, or a name or phone"),
                                widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "search"}))
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    complainant_name = forms.CharField(label=_("Resident"), max_length=60, required=False)
    phone = PhoneField(label=_("Phone"), max_length=30, required=False)  # issue 13.4: one phone rule
    subject = SingleLineCharField(label=_("Subject"), max_length=200)  # issue 23.5: one line
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    photos = MultiImageUploadField(label=_("Photos"), required=False, max_count=MAX_PHOTOS)  # issue 13

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)

        self.user = user
        staff = getattr(user, "staff", None)
        self.fixed_site = staff.site if staff and staff.site_id else None
        self.fields["site"].queryset = site_list_visible_to(user)
        # C-05: the limit as the (site's) policy says today, never a number of our own (issue 14.6)
        limit = policy_limit("complaint.emergency.notify", self.fixed_site.pk if self.fixed_site else None)
        self.fields["severity"].help_text = _("Emergency: the department must be notified within %(limit)s.") % {
            "limit": limit}
        if self.fixed_site:
            del self.fields["site"]
        else:
            self.fields["site"].required = True
        self.fields["received_at"].initial = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
        # issue 20.3: the help example is a real unit of the site (the lookup lists the rest)
        example = unit_example_code([self.fixed_site.pk] if self.fixed_site else site_ids_visible_to(user))
        if example:
            self.fields["unit_code"].help_text = _("e.g. %(unit)s, or a name or phone") % {"unit": example}

    def clean_received_at(self):
        value = self.cleaned_data["received_at"]
        if value > timezone.now() + timezone.timedelta(minutes=5):
            raise forms.ValidationError(_("The time received cannot be in the future."))
        return value

    def clean(self):
        data = super().clean()
        site = self.fixed_site or data.get("site")
        data["site_obj"] = site
        code = to_half_width(data.get("unit_code") or "")  # issue 13.4: ３-２-１５０２ typed in full width
        data["unit"] = data["resident"] = None
        if site and code:
            unit = Unit.objects.filter(site=site, code=code).first()
            if unit is None:
                self.add_error("unit_code", _("No such unit at this site."))
            else:
                data["unit"] = unit
                residents = Resident.objects.filter(unit=unit)
                name, phone = data.get("complainant_name"), data.get("phone")
                match = (residents.filter(phone=phone).first() if phone else None) or (
                    residents.filter(name=name).first() if name else None)
                data["resident"] = match
        if not code and not (data.get("address") or "").strip():
            self.add_error("address", _("Enter the unit or an address."))
        return data


class ClassifyForm(OnceFormMixin):
    """C-02 classification: proposed by the front desk, confirmed by the service-center head."""

    is_valid = forms.TypedChoiceField(label=_("Validity"), coerce=lambda v: v == "1",
                                      choices=[("1", _("Valid complaint")), ("0", _("Invalid complaint"))])
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    department = forms.ModelChoiceField(label=_("Responsible department"), queryset=Department.objects.none(),
                                        required=False)
    handling_deadline = forms.DateTimeField(label=_("Handling deadline"), required=False,
                                            widget=forms.DateTimeInput(attrs=DT))
    cross_department = forms.BooleanField(label=_("Cross-department matter"), required=False)
    explanation = forms.CharField(label=_("Explanation to the resident (invalid complaints)"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, complaint: Complaint, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(site_id=complaint.site_id)
        if not self.is_bound:
            c = complaint
            self.initial.update({
                "is_valid": "0" if c.is_valid is False else "1", "category": c.category,
                "severity": c.severity, "department": c.department_id,
                "handling_deadline": timezone.localtime(c.handling_deadline).strftime("%Y-%m-%dT%H:%M")
                if c.handling_deadline else "",
                "cross_department": c.cross_department, "explanation": c.invalid_explanation,
            })


class _SiteDeptForm(OnceFormMixin):
    def __init__(self, *args, complaint: Complaint, **kwargs):
        super().__init__(*args, **kwargs)
        if "department" in self.fields:
            self.fields["department"].queryset = Department.objects.filter(site_id=complaint.site_id)
            if complaint.department_id and not self.is_bound:
                self.initial["department"] = complaint.department_id


class TakeOverForm(_SiteDeptForm):
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none())
    handling_deadline = forms.DateTimeField(label=_("Handling deadline"), widget=forms.DateTimeInput(attrs=DT))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DeadlineForm(_SiteDeptForm):
    handling_deadline = forms.DateTimeField(label=_("New handling deadline"), widget=forms.DateTimeInput(attrs=DT))
    note = forms.CharField(label=_("Note"), required=False)


class NotifyDeptForm(_SiteDeptForm):
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none())
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices, initial=Category.ENGINEERING)
    note = forms.CharField(label=_("Note"), required=False)


class ContactForm(_SiteDeptForm):
    reply = forms.BooleanField(label=_("This was the first reply to the complainant"), required=False)
    note = forms.CharField(label=_("What was said"), widget=forms.Textarea(attrs={"rows": 2}))


class AcceptForm(_SiteDeptForm):
    will_be_late = forms.BooleanField(label=_("It will be late"), required=False)
    late_reason = forms.CharField(label=_("Why"), required=False)
    expected_at = forms.DateTimeField(label=_("Expected completion"), required=False,
                                      widget=forms.DateTimeInput(attrs=DT))


class ResultForm(_SiteDeptForm):
    result = forms.CharField(label=_("Result"), widget=forms.Textarea(attrs={"rows": 2}))


class OptionalResultForm(_SiteDeptForm):
    result = forms.CharField(label=_("Result"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class FormReturnForm(_SiteDeptForm):
    returned = forms.TypedChoiceField(label=_("Written form"), coerce=lambda v: v == "1",
                                      choices=[("1", _("Returned")), ("0", _("Not returned"))])
    reason = forms.CharField(label=_("Reason it is not returned"), required=False)


class WorkOrderForm(_SiteDeptForm):
    content = forms.CharField(label=_("Repair content"), widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(_SiteDeptForm):
    note = forms.CharField(label=_("Note"), required=False)


class EmptyForm(_SiteDeptForm):
    pass


class ReportForm(_SiteDeptForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=ComplaintReport.Kind.choices)
    title = SingleLineCharField(label=_("Title"), max_length=200)
    text = forms.CharField(label=_("Report"), widget=forms.Textarea(attrs={"rows": 5}))


class ReminderForm(_SiteDeptForm):
    text = forms.CharField(label=_("Reminder text"), widget=forms.Textarea(attrs={"rows": 2}))


class InquiryForm(_SiteDeptForm):
    delay_cause = forms.CharField(label=_("Cause of delay"), widget=forms.Textarea(attrs={"rows": 2}))


class CallbackForm(_SiteDeptForm):
    result = forms.ChoiceField(label=_("Callback result"), choices=[
        ("satisfied", _("Satisfied")), ("basically", _("Basically satisfied")), ("unsatisfied", _("Unsatisfied")),
        ("unreachable", _("Unreachable"))])
    number_dialled = PhoneField(label=_("Number dialled"), max_length=30, required=False)
    note = forms.CharField(label=_("Resident's comments"), required=False)

    def __init__(self, *args, complaint: Complaint, **kwargs):
        super().__init__(*args, complaint=complaint, **kwargs)
        if not self.is_bound:
            self.initial["number_dialled"] = complaint.phone


class AnalysisForm(OnceFormMixin):
    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.none())
    month = forms.DateField(label=_("Month"), widget=forms.DateInput(attrs={"type": "month"}),
                            input_formats=["%Y-%m", "%Y-%m-%d"])
    causes = forms.CharField(label=_("Causes"), widget=forms.Textarea(attrs={"rows": 4}))
    proposals = forms.CharField(label=_("Improvement proposals"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)

        self.fields["site"].queryset = site_list_visible_to(user)


# ---- C-05 / C-06 decisions and escalation; C-13 cause, action and written reply; C-10 / C-16 (issue 15)
class ChainDecisionForm(_SiteDeptForm):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect, choices=[
        (ChainDecision.Decision.RESOLVABLE, ChainDecision.Decision.RESOLVABLE.label),
        (ChainDecision.Decision.ESCALATE, ChainDecision.Decision.ESCALATE.label)])
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False,
                             help_text=_("Required when escalating."))


class EscalateForm(_SiteDeptForm):
    reason = forms.CharField(label=_("Why it must go up"), max_length=200)


class ReclassifyForm(_SiteDeptForm):
    severity = forms.ChoiceField(label=_("New severity"), choices=Severity.choices)
    reason = forms.CharField(label=_("Reason"), max_length=200)


class CauseForm(_SiteDeptForm):
    cause_kind = forms.ChoiceField(label=_("Kind of cause"), choices=Cause.choices)
    cause = forms.CharField(label=_("Cause analysis"), widget=forms.Textarea(attrs={"rows": 2}))
    corrective_action = forms.CharField(label=_("Corrective or preventive action"),
                                        widget=forms.Textarea(attrs={"rows": 2}))
    action_owner = forms.ModelChoiceField(label=_("Action owner"), queryset=Staff.objects.none())
    action_due = forms.DateField(label=_("Action due"), widget=DATE)

    def __init__(self, *args, complaint: Complaint, **kwargs):
        super().__init__(*args, complaint=complaint, **kwargs)
        self.fields["action_owner"].queryset = Staff.objects.filter(site_id=complaint.site_id, is_active=True)
        if not self.is_bound and complaint.cause_kind:
            self.initial.update({"cause_kind": complaint.cause_kind, "cause": complaint.cause,
                                 "corrective_action": complaint.corrective_action,
                                 "action_owner": complaint.action_owner_id, "action_due": complaint.action_due})


class ReplyForm(_SiteDeptForm):
    reply_text = forms.CharField(label=_("Text of the written reply"), widget=forms.Textarea(attrs={"rows": 3}))
    reply_on = forms.DateField(label=_("Reply date"), widget=DATE)
    reply_method = forms.ChoiceField(label=_("Delivered"), choices=ReplyMethod.choices)

    def __init__(self, *args, complaint: Complaint, **kwargs):
        super().__init__(*args, complaint=complaint, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("reply_on", timezone.localdate())


class AnalysisDecisionForm(OnceFormMixin):
    approve = forms.TypedChoiceField(label=_("Decision"), coerce=lambda v: v == "1", widget=forms.RadioSelect,
                                     choices=[("1", _("Approve")), ("0", _("Return for changes"))])
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class FindingForm(OnceFormMixin):
    complaint = forms.IntegerField(widget=forms.HiddenInput)
    measure = forms.ChoiceField(label=_("Finding"), choices=ResponsibilityFinding.Measure.choices)
    staff = forms.ModelChoiceField(label=_("Staff member responsible"), queryset=Staff.objects.none(),
                                   required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, site_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = Staff.objects.filter(site_id=site_id, is_active=True)


class ReviewCompleteForm(OnceFormMixin):
    summary = forms.CharField(label=_("Summary for the company"), widget=forms.Textarea(attrs={"rows": 3}))
