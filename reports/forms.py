from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from reports.models import DigestPreference, MailingKind


class MonthField(forms.CharField):
    """<input type=month> → the first day of that month."""

    widget = forms.TextInput(attrs={"type": "month"})

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            year, month = (int(x) for x in value.split("-")[:2])
            return date(year, month, 1)
        except (TypeError, ValueError):
            raise forms.ValidationError(_("Enter a month as YYYY-MM.")) from None


class ReportRequestForm(forms.Form):
    month = MonthField(label=_("Month"))
    site = forms.ChoiceField(label=_("Site"), required=False)

    def __init__(self, *args, sites=(), company=False, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(str(s.pk), s.name) for s in sites]
        if company:
            choices.insert(0, ("", _("Company-wide")))
        self.fields["site"].choices = choices
        self.fields["site"].required = not company


class DigestPreferenceForm(forms.Form):
    """One checkbox per mailing; unticked = opted out (SPEC D-03)."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        current = dict(DigestPreference.objects.filter(user=user).values_list("kind", "enabled"))
        for kind, label in MailingKind.choices:
            self.fields[kind] = forms.BooleanField(label=label, required=False,
                                                   initial=current.get(kind, True))
