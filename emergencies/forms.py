from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.once import OnceFormMixin
from emergencies.models import Drill, EmergencyEvent
from estates.models import Staff

DT = {"type": "datetime-local"}
DATE = {"type": "date"}


def _staff(site):
    return Staff.objects.filter(site=site, is_active=True).order_by("name")


class EventForm(OnceFormMixin):
    kind = forms.ChoiceField(label=_("Kind"), choices=EmergencyEvent.Kind.choices)
    title = forms.CharField(label=_("What happened"), max_length=200)
    location = forms.CharField(label=_("Where"), max_length=200)
    started_at = forms.DateTimeField(label=_("Started"), widget=forms.DateTimeInput(attrs=DT))
    commander = forms.ModelChoiceField(label=_("Commander"), queryset=Staff.objects.none())
    team = forms.ModelMultipleChoiceField(label=_("Response team"), queryset=Staff.objects.none(), required=False)
    order_number = forms.CharField(label=_("Opened from emergency work order (number)"), max_length=30,
                                   required=False)
    complaint_number = forms.CharField(label=_("Opened from emergency complaint (number)"), max_length=30,
                                       required=False)

    def __init__(self, *args, site, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commander"].queryset = _staff(site)
        self.fields["team"].queryset = _staff(site)


class TimelineForm(OnceFormMixin):
    at = forms.DateTimeField(label=_("At"), widget=forms.DateTimeInput(attrs=DT))
    text = forms.CharField(label=_("What was done"), max_length=300)
    on_scene = forms.BooleanField(label=_("First on scene"), required=False)


class LinkForm(OnceFormMixin):
    order_number = forms.CharField(label=_("Work order number"), max_length=30, required=False)
    complaint_number = forms.CharField(label=_("Complaint number"), max_length=30, required=False)


class CloseForm(OnceFormMixin):
    followup = forms.CharField(label=_("Follow-up"), widget=forms.Textarea(attrs={"rows": 3}))


class DutyForm(OnceFormMixin):
    staff = forms.ModelChoiceField(label=_("Staff"), queryset=Staff.objects.none())
    duty = forms.CharField(label=_("Duty"), max_length=60)

    def __init__(self, *args, site, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = _staff(site)


class DrillPlanForm(OnceFormMixin):
    kind = forms.ChoiceField(label=_("Kind"), choices=Drill.Kind.choices)
    planned_on = forms.DateField(label=_("Planned for"), widget=forms.DateInput(attrs=DATE))


class DrillRecordForm(OnceFormMixin):
    held_at = forms.DateTimeField(label=_("Held"), widget=forms.DateTimeInput(attrs=DT))
    participants = forms.ModelMultipleChoiceField(label=_("Participants"), queryset=Staff.objects.none())
    residents_count = forms.IntegerField(label=_("Residents taking part"), min_value=0, max_value=100000, initial=0)
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, site, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = _staff(site)


class SupplyForm(OnceFormMixin):
    name = forms.CharField(label=_("Item"), max_length=60)
    unit = forms.CharField(label=_("Measure"), max_length=10, initial="个")
    quantity = forms.IntegerField(label=_("Quantity"), min_value=0, max_value=1_000_000)
    min_quantity = forms.IntegerField(label=_("Minimum"), min_value=0, max_value=1_000_000)
    location = forms.CharField(label=_("Kept at"), max_length=100, required=False)
    expires_on = forms.DateField(label=_("Expires"), required=False, widget=forms.DateInput(attrs=DATE))
    check_every_days = forms.IntegerField(label=_("Check every (days)"), min_value=1, max_value=366, initial=30)


class SupplyCheckForm(OnceFormMixin):
    quantity = forms.IntegerField(label=_("Quantity found"), min_value=0, max_value=1_000_000)
    usable = forms.BooleanField(label=_("Usable"), required=False, initial=True)
    expires_on = forms.DateField(label=_("Expires"), required=False, widget=forms.DateInput(attrs=DATE))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
