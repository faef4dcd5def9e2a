from django import forms
from django.utils.translation import gettext_lazy as _

from core.once import OnceFormMixin
from core.validators import PhoneField
from estates.models import Unit
from reception.models import ReceptionEntry, WorkLog

DT = {"widget": forms.DateTimeInput(attrs={"type": "datetime-local"}),
      "input_formats": ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]}


class EntryForm(OnceFormMixin):
    channel = forms.ChoiceField(label=_("Channel"), choices=ReceptionEntry.Channel.choices)
    person_name = forms.CharField(label=_("Visitor or caller"), max_length=60)
    phone = PhoneField(label=_("Phone"), max_length=30, required=False)  # issue 13.4: one phone rule
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)
    purpose = forms.ChoiceField(label=_("Purpose"), choices=ReceptionEntry.Purpose.choices)
    content = forms.CharField(label=_("Matter"), widget=forms.Textarea(attrs={"rows": 3}))
    answer = forms.CharField(label=_("Answer given"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    promised_reply_at = forms.DateTimeField(label=_("Promised reply by (if answered later)"), required=False, **DT)
    referred_to = forms.CharField(label=_("Passed on as"), max_length=100, required=False)

    def __init__(self, *args, site=None, **kwargs):
        super().__init__(*args, **kwargs)
        if site is not None:
            self.fields["unit"].queryset = Unit.objects.filter(site=site).order_by("code")


class ReplyForm(OnceFormMixin):
    reply = forms.CharField(label=_("Reply given"), widget=forms.Textarea(attrs={"rows": 2}))


class WorkLogForm(OnceFormMixin):
    shift = forms.ChoiceField(label=_("Shift"), choices=WorkLog.Shift.choices)
    content = forms.CharField(label=_("Work done"), widget=forms.Textarea(attrs={"rows": 5}))
    handover_next = forms.CharField(label=_("Handed over to the next shift (one per line)"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 3}))
    handover_security = forms.CharField(label=_("Handed over to security (one per line)"), required=False,
                                        widget=forms.Textarea(attrs={"rows": 2}))


class AckForm(OnceFormMixin):
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
