"""Forms of the inspection pages (phone-first: big pass/fail buttons, the camera for photos)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.once import OnceFormMixin
from core.uploads import IMAGE_ACCEPT, MultiImageUploadField, _MultiInput
from estates.models import Building, Department, Staff, Zone
from inspections.models import ChecklistTemplate, Kind
from inspections.services import ItemEntry

PASS, FAIL = "pass", "fail"


class StartForm(forms.Form):
    """Step 1 (GET): what is inspected, with which checklist."""

    kind = forms.ChoiceField(label=_("Inspection"), choices=Kind.choices)
    template = forms.ModelChoiceField(label=_("Checklist"), queryset=ChecklistTemplate.objects.none())
    zone = forms.ModelChoiceField(label=_("Zone"), queryset=Zone.objects.none(), required=False)
    building = forms.ModelChoiceField(label=_("Building"), queryset=Building.objects.none(), required=False)
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none(), required=False)
    place = forms.CharField(label=_("Area inspected"), max_length=100, required=False)

    def __init__(self, *args: Any, site: Any, kinds: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, v) for k, v in Kind.choices if k in kinds]
        self.fields["template"].queryset = ChecklistTemplate.objects.filter(is_active=True)
        self.fields["zone"].queryset = Zone.objects.filter(site=site)
        self.fields["building"].queryset = Building.objects.filter(site=site)
        self.fields["department"].queryset = Department.objects.filter(site=site, is_active=True)


class CameraInput(_MultiInput):
    """Opens the phone's back camera; several photos allowed."""

    def __init__(self) -> None:
        super().__init__(attrs={"accept": IMAGE_ACCEPT, "multiple": True, "capture": "environment",
                                "class": "form-control"})


class ChecklistForm(OnceFormMixin, forms.Form):
    """Step 2: each item pass/fail, score, finding, photos; a failed item's owner and deadline."""

    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, template: ChecklistTemplate, site: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = list(template.items.all())
        owners = Staff.objects.filter(site=site, is_active=True).order_by("name")
        for item in self.items:
            p = f"i{item.pk}_"
            self.fields[p + "result"] = forms.ChoiceField(
                label=item.text, choices=[(PASS, _("Pass")), (FAIL, _("Fail"))], widget=forms.RadioSelect)
            self.fields[p + "score"] = forms.IntegerField(
                label=_("Score (%(min)d–%(max)d)") % {"min": item.min_score, "max": item.max_score},
                initial=item.max_score, widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
            self.fields[p + "note"] = forms.CharField(label=_("Finding"), max_length=300, required=False)
            self.fields[p + "photos"] = MultiImageUploadField(label=_("Photos"), required=False, max_count=5,
                                                              widget=CameraInput())
            self.fields[p + "owner"] = forms.ModelChoiceField(label=_("Rectification owner"), queryset=owners,
                                                              required=False)
            self.fields[p + "due_at"] = forms.DateTimeField(
                label=_("Rectify by (empty: 3 working days)"), required=False,
                widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
                input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])

    def rows(self) -> list[dict]:
        return [{"item": item, **{k: self[f"i{item.pk}_{k}"] for k in
                                  ("result", "score", "note", "photos", "owner", "due_at")}} for item in self.items]

    def entries(self) -> list:
        d = self.cleaned_data
        return [ItemEntry(item_id=item.pk, passed=d[f"i{item.pk}_result"] == PASS, score=d[f"i{item.pk}_score"],
                          note=d[f"i{item.pk}_note"], photos=d[f"i{item.pk}_photos"] or [],
                          owner=d[f"i{item.pk}_owner"], due_at=d[f"i{item.pk}_due_at"]) for item in self.items]


class DoneForm(OnceFormMixin, forms.Form):
    note = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))
    photos = MultiImageUploadField(label=_("Photos"), required=False, max_count=5, widget=CameraInput())


class VerifyForm(OnceFormMixin, forms.Form):
    passed = forms.TypedChoiceField(label=_("Verification"), coerce=lambda v: v == "1",
                                    choices=[("1", _("Put right: close")), ("0", _("Not put right: send back"))],
                                    widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AdjustForm(OnceFormMixin, forms.Form):
    delta = forms.DecimalField(label=_("Points (+/−)"), max_digits=6, decimal_places=2)
    reason = forms.CharField(label=_("Reason"), max_length=200)


class MonthForm(forms.Form):
    month = forms.DateField(label=_("Month"), input_formats=["%Y-%m"],
                            widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"))


class ScoreForm(OnceFormMixin, forms.Form):
    score = forms.DecimalField(label=_("Score (0–100)"), max_digits=6, decimal_places=2)


class SelfScoreForm(OnceFormMixin, forms.Form):
    adjustment = forms.DecimalField(label=_("Points (+/−)"), max_digits=6, decimal_places=2, required=False)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class PlanForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    rainy_season_month = forms.IntegerField(label=_("Rainy season starts in (month)"), min_value=2, max_value=12,
                                            initial=5)


class EquipmentForm(OnceFormMixin, forms.Form):
    name = forms.CharField(label=_("Item"), max_length=100)
    location = forms.CharField(label=_("Location"), max_length=100)
    category = forms.CharField(label=_("Category"), max_length=40)
    supplier = forms.CharField(label=_("Supplier"), max_length=100, required=False)
    installed_on = forms.DateField(label=_("Install date"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))
    warranty_end = forms.DateField(label=_("Warranty end"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    document = forms.FileField(label=_("Document (PDF, picture, DOCX, XLSX)"), required=False)
    document_title = forms.CharField(label=_("Document title"), max_length=100, required=False)
