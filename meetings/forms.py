from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.once import OnceFormMixin
from estates.models import Staff
from meetings.models import Booking, Room

DT = {"type": "datetime-local"}


class RoomForm(OnceFormMixin):
    name = forms.CharField(label=_("Room"), max_length=60)
    capacity = forms.IntegerField(label=_("Seats"), min_value=1, max_value=2000)
    location = forms.CharField(label=_("Location"), max_length=100, required=False)


class BookingForm(OnceFormMixin):
    room = forms.ModelChoiceField(label=_("Room"), queryset=Room.objects.none())
    title = forms.CharField(label=_("Meeting"), max_length=200)
    organiser = forms.CharField(label=_("Organiser"), max_length=100)
    organiser_phone = forms.CharField(label=_("Organiser's phone"), max_length=30, required=False)
    attendees = forms.IntegerField(label=_("Attendees"), min_value=1, max_value=2000)
    leader_level = forms.ChoiceField(label=_("Highest leader attending"), choices=Booking.Leader.choices)
    size = forms.ChoiceField(label=_("Size class"), choices=Booking.Size.choices)
    starts_at = forms.DateTimeField(label=_("Starts"), widget=forms.DateTimeInput(attrs=DT))
    ends_at = forms.DateTimeField(label=_("Ends"), widget=forms.DateTimeInput(attrs=DT))
    staff_on_duty = forms.ModelChoiceField(label=_("Staff on duty"), queryset=Staff.objects.none())

    def __init__(self, *args, site, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = Room.objects.filter(site=site, is_active=True)
        self.fields["staff_on_duty"].queryset = Staff.objects.filter(site=site, is_active=True).order_by("name")


class CancelForm(OnceFormMixin):
    reason = forms.CharField(label=_("Reason"), max_length=200)
