"""The registration form's extra parts (issue 15): an agreed date for move-in cleaning (SPEC T-04), work
done first and registered afterwards with its real times (T-03), and the capability check's question
(T-17), plus the head's decision forms. Shapes only; the rules are in the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core import numbers
from core.once import OnceFormMixin
from core.uploads import IMAGE, PDF, DocumentUploadField
from estates.models import Department, Staff
from tickets.models import Category

DT = {"type": "datetime-local"}


def _dt(label, **kwargs) -> forms.DateTimeField:
    return forms.DateTimeField(label=label, required=False, widget=forms.DateTimeInput(attrs=DT), **kwargs)


class IntakeExtras(forms.Form):
    """Mixed into RegisterForm; cached with its fields (the key names the sites and their departments and workers)."""

    agreed_due_at = _dt(_("Agreed date (move-in cleaning)"),
                        help_text=_("Only for move-in cleaning: the date agreed with the resident; empty = today."))
    late = forms.BooleanField(label=_("Worked first, registered afterwards (emergency)"), required=False)
    received_at = _dt(_("Call received at"))
    dispatched_at = _dt(_("Department called at"), help_text=_("Empty = when the call was received."))
    arrived_at = _dt(_("Arrival time"))
    completed_at = _dt(_("Completion time"), help_text=_("Empty if the work is still going on."))
    late_department = forms.ModelChoiceField(Department.objects.none(), label=_("Department that did the work"),
                                             required=False)
    late_assignee = forms.ModelChoiceField(Staff.objects.none(), label=_("Worker"), required=False)
    work_done = forms.CharField(label=_("Work done"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    labour_hours = numbers.HOURS.form_field(label=_("Labour hours"), required=False)
    question = forms.CharField(label=_("What the head should confirm"), required=False, max_length=300,
                               help_text=_("When the center may not be able to do it: refer it to the head."))

    def intake_sites(self, site_ids) -> None:
        self.fields["late_department"].queryset = Department.objects.filter(site_id__in=site_ids, is_active=True)
        self.fields["late_assignee"].queryset = (Staff.objects.filter(site_id__in=site_ids, is_active=True,
                                                                      department__isnull=False)
                                                 .select_related("department").order_by("department__name", "name"))

    @property
    def referring(self) -> bool:
        return "refer" in self.data

    def clean(self):
        data = super().clean()
        if self.referring:  # the head decides the category and the rest
            for name in ("category",):
                self.errors.pop(name, None)
            return data
        if data.get("late"):
            for name in ("received_at", "arrived_at", "late_department"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, _("Required for work done first."))
            if data.get("completed_at"):
                for name in ("work_done", "labour_hours"):
                    if not data.get(name) and name not in self.errors:
                        self.add_error(name, _("Required when the work is finished."))
        return data


class ReferralAcceptForm(OnceFormMixin):
    category = forms.ModelChoiceField(Category.objects.filter(is_active=True), label=_("Category"))
    note = forms.CharField(label=_("Note"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)


class ReferralDeclineForm(OnceFormMixin):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    told_resident = forms.CharField(label=_("How the resident was told"), widget=forms.Textarea(attrs={"rows": 2}),
                                    help_text=_("Who told the resident the reason, when and how."))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)


class ReferralPaperForm(OnceFormMixin):
    """SPEC T-18: the head's decision signed on paper, recorded by the front desk with the scan."""

    decision = forms.ChoiceField(label=_("The head's decision"), widget=forms.RadioSelect,
                                 choices=[("accept", _("Accepted")), ("decline", _("Declined"))])
    signer = forms.ModelChoiceField(Staff.objects.none(), label=_("Signed by (service-center head)"))
    signed_at = forms.DateTimeField(label=_("Signed at"), widget=forms.DateTimeInput(attrs=DT))
    scan = DocumentUploadField(label=_("Scan of the signed form"), accept=(PDF, IMAGE),
                               help_text=_("PDF or a photo of the signed decision."))
    category = forms.ModelChoiceField(Category.objects.filter(is_active=True), label=_("Category"), required=False)
    reason = forms.CharField(label=_("Reason declined"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    told_resident = forms.CharField(label=_("How the resident was told"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, referral=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signer"].queryset = Staff.objects.filter(site_id=referral.site_id, is_active=True,
                                                              user__groups__name="center_head")
