from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.once import OnceFormMixin
from estates.models import Staff, Unit
from suggestions.models import Suggestion


class SuggestionForm(OnceFormMixin):
    channel = forms.ChoiceField(label=_("Channel"), choices=Suggestion.Channel.choices)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)
    name = forms.CharField(label=_("Suggested by"), max_length=60, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    content = forms.CharField(label=_("Suggestion"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, site, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(site=site, archived=False)


class DecideForm(OnceFormMixin):
    adopt = forms.TypedChoiceField(label=_("Decision"), choices=[("1", _("Adopt")), ("0", _("Do not adopt"))],
                                   coerce=lambda v: v == "1", widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    action = forms.CharField(label=_("What will be done (if adopted)"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.ModelChoiceField(label=_("Responsible (if adopted)"), queryset=Staff.objects.none(),
                                   required=False)
    due_date = forms.DateField(label=_("To be done by (if adopted)"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, site, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Staff.objects.filter(site=site, is_active=True)


class DoneForm(OnceFormMixin):
    note = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 2}))


class TellForm(OnceFormMixin):
    how = forms.CharField(label=_("How the resident was told"), max_length=100, initial=_("By phone"))
