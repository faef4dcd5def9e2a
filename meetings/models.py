"""Meeting service (SPEC M-01; seed 004 会务): rooms, bookings, and the checklist by size class."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel


class Room(BaseModel):
    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=60)
    location = models.CharField(_("location"), max_length=100, blank=True)
    capacity = models.PositiveSmallIntegerField(_("seats"), default=10)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["site", "name"]
        verbose_name = _("meeting room")
        verbose_name_plural = _("meeting rooms")

    def __str__(self) -> str:
        return self.name


class Booking(BaseModel):
    class Size(models.TextChoices):
        SMALL = "small", _("Small")  # 小型会议
        LARGE = "large", _("Medium or large")  # 中、大型会议
        IMPORTANT = "important", _("Important")  # 重要会议

    class Leader(models.TextChoices):
        NONE = "none", _("No leader")
        DEPARTMENT = "department", _("Department head")
        BUREAU = "bureau", _("Bureau leader")
        DISTRICT = "district", _("District leader")

    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")  # waiting for the confirmation the day before
        CONFIRMED = "confirmed", _("Confirmed")
        CANCELLED = "cancelled", _("Cancelled")  # final, with a reason

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    room = models.ForeignKey(Room, verbose_name=_("room"), on_delete=models.PROTECT, related_name="bookings")
    title = models.CharField(_("meeting"), max_length=200)
    organiser = models.CharField(_("organiser"), max_length=100)
    organiser_phone = models.CharField(_("organiser's phone"), max_length=30, blank=True)
    attendees = models.PositiveSmallIntegerField(_("attendees"))
    leader_level = models.CharField(_("highest leader attending"), max_length=12, choices=Leader.choices,
                                    default=Leader.NONE)
    size = models.CharField(_("size class"), max_length=10, choices=Size.choices)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    staff_on_duty = models.ForeignKey("estates.Staff", verbose_name=_("staff on duty"), on_delete=models.PROTECT,
                                      related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.BOOKED)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    cancel_reason = models.CharField(_("reason cancelled"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("booked by"), on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("room booking")
        verbose_name_plural = _("room bookings")
        constraints = [models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")),
                                              name="booking_ends_after_start")]
        indexes = [models.Index(fields=["room", "starts_at"], name="booking_room_start")]

    def __str__(self) -> str:
        return f"{self.room} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("meetings:booking", args=[self.pk])


class BookingCheck(models.Model):
    """One line of the booking's service checklist, ticked by the staff on duty."""

    booking = models.ForeignKey(Booking, verbose_name=_("booking"), on_delete=models.PROTECT, related_name="checks")
    position = models.PositiveSmallIntegerField(_("order"))
    text = models.CharField(_("item"), max_length=200)
    due_at = models.DateTimeField(_("due"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("done by"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["booking", "position"]
        verbose_name = _("checklist line")
        verbose_name_plural = _("checklist lines")

    def __str__(self) -> str:
        return self.text
