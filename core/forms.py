from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.approvals import person_name
from core.mail import single_line
from core.models import CalendarYear, DeadlinePolicy, HolidayOverride
from core.roles import Role
from core.uploads import IMAGE, PDF, DocumentUploadField


class _PolicyBase(forms.ModelForm):
    def clean_notify_roles(self) -> str:
        roles = [r.strip() for r in self.cleaned_data.get("notify_roles", "").split(",") if r.strip()]
        unknown = [r for r in roles if r not in set(Role.values)]
        if unknown:
            raise forms.ValidationError(_("Unknown role code: %(codes)s") % {"codes": ", ".join(unknown)})
        return ",".join(roles)

    def clean(self) -> dict:
        data = super().clean()
        unit, amount = data.get("unit"), data.get("amount")
        timed = {DeadlinePolicy.Unit.MINUTES, DeadlinePolicy.Unit.HOURS, DeadlinePolicy.Unit.DAYS,
                 DeadlinePolicy.Unit.MONTHS, DeadlinePolicy.Unit.WORKING_DAYS}
        if unit in timed and not amount:
            self.add_error("amount", _("Enter a limit greater than zero for this unit."))
        return data


class PolicyForm(_PolicyBase):
    class Meta:
        model = DeadlinePolicy
        fields = ["name", "amount", "unit", "from_next_opening", "repeat", "action", "notify_roles",
                  "site_editable", "description"]


class PolicyOverrideForm(_PolicyBase):
    """What a site may change of a ✎ policy: the limit and who is told."""

    class Meta:
        model = DeadlinePolicy
        fields = ["amount", "unit", "from_next_opening", "notify_roles"]


class HolidayForm(forms.ModelForm):
    class Meta:
        model = HolidayOverride
        fields = ["date", "kind", "name"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}


class CalendarYearForm(forms.ModelForm):
    class Meta:
        model = CalendarYear
        fields = ["year", "complete"]

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if not 2000 <= year <= 2100:
            raise forms.ValidationError(_("Enter a year between 2000 and 2100."))
        return year


class SingleLineCharField(forms.CharField):
    """A subject or title: any line break or whitespace run becomes one space (issue 23.5), so it is
    safe as a notice title and an email subject (core.mail.single_line, the same rule for headers)."""

    def to_python(self, value):

        value = super().to_python(value)
        return single_line(value) if value else value


class ApprovalDecideForm(forms.Form):
    """SPEC T-18: the named role decides in their own login."""

    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect,
                                 choices=[("approve", _("Approve")), ("decline", _("Decline"))])
    note = forms.CharField(label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("Required when declining."))


class ApprovalPaperForm(forms.Form):
    """SPEC T-18: given on paper — the signer, when, and the scan of the signed form (the recorder is you)."""

    signer: forms.ModelChoiceField = forms.ModelChoiceField(label=_("Signed on paper by"), queryset=None)
    signed_at = forms.DateTimeField(label=_("Signed at"),
                                    widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    scan = DocumentUploadField(label=_("Scan or photo of the signed form"), accept=(PDF, IMAGE),
                               help_text=_("PDF or a photo; judged by its content."))
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)

    def __init__(self, *args, signers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signer"].queryset = signers
        self.fields["signer"].label_from_instance = person_name


class ApprovalCancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
