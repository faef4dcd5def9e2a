"""Forms give shape only; the rules live in renovation.services (STYLE §2)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.once import OnceFormMixin
from core.uploads import DocumentUploadField, ImageUploadField, MultiImageUploadField
from core.validators import PhoneField
from estates.models import Resident, Unit
from renovation.models import Change, ChecklistItem, Document, Violation

_DATE = {"type": "date"}
PDF_OR_IMAGE = ("pdf", "image")


class StepForm(OnceFormMixin):
    """A step with nothing to type (submit, declare completion): only the one-time key."""


class ApplicationForm(OnceFormMixin):
    unit_code = forms.CharField(label=_("Unit"), max_length=32, help_text=_("e.g. 3-2-1501"))
    owner_name = forms.CharField(label=_("Owner"), max_length=60)
    owner_id_number = forms.CharField(label=_("Owner's ID number"), max_length=30,
                                      help_text=_("Checked against the resident file."))
    contractor = forms.CharField(label=_("Contractor"), max_length=100)
    contractor_licence = forms.CharField(label=_("Licence number"), max_length=40)
    lead_name = forms.CharField(label=_("Site lead"), max_length=60)
    lead_phone = PhoneField(label=_("Site lead's phone"))
    start_date = forms.DateField(label=_("Start"), widget=forms.DateInput(attrs=_DATE))
    end_date = forms.DateField(label=_("End"), widget=forms.DateInput(attrs=_DATE))
    scope = forms.CharField(label=_("Scope of work"), widget=forms.Textarea(attrs={"rows": 3}))
    materials = forms.CharField(label=_("Main materials"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, site, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.site = site

    def clean(self) -> dict:
        d = super().clean()
        code = (d.get("unit_code") or "").strip()
        unit = Unit.objects.filter(site=self.site, code=code).first() if code else None
        if code and unit is None:
            self.add_error("unit_code", _("No unit %(code)s at this site.") % {"code": code})
        if unit is not None and d.get("owner_name"):
            owner = Resident.objects.filter(unit=unit, kind=Resident.Kind.OWNER, is_active=True,
                                            name=d["owner_name"].strip()).first()
            if owner is None:
                self.add_error("owner_name", _("%(name)s is not an owner of %(unit)s in the resident file.")
                               % {"name": d["owner_name"], "unit": unit.code})
            d["owner"] = owner
        d["unit"] = unit
        return d


class DocumentForm(OnceFormMixin):
    kind = forms.ChoiceField(label=_("Document"), choices=Document.Kind.choices)
    file = DocumentUploadField(label=_("File (PDF or picture)"), accept=PDF_OR_IMAGE)


class WorkerForm(OnceFormMixin):
    name = forms.CharField(label=_("Worker's name"), max_length=60)
    id_number = forms.CharField(label=_("ID number"), max_length=30)
    photo = ImageUploadField(label=_("Photo"))


class ReviewForm(OnceFormMixin):
    """One pass/fail choice and a note per checklist item (company template data)."""

    CHOICES = (("pass", _("Pass")), ("fail", _("Fail")))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.items = list(ChecklistItem.objects.filter(is_active=True))
        for i in self.items:
            self.fields[f"item_{i.pk}"] = forms.ChoiceField(label=i.title, choices=self.CHOICES,
                                                            widget=forms.RadioSelect, initial="pass")
            self.fields[f"note_{i.pk}"] = forms.CharField(label=_("Note"), required=False, max_length=300)

    def results(self) -> dict[int, tuple[bool, str]]:
        d = self.cleaned_data
        return {i.pk: (d[f"item_{i.pk}"] == "pass", d.get(f"note_{i.pk}", "")) for i in self.items}

    def rows(self) -> list:
        return [(i, self[f"item_{i.pk}"], self[f"note_{i.pk}"]) for i in self.items]

    def service_kwargs(self) -> dict:
        return {"results": self.results()}


class PlanChangeForm(OnceFormMixin):
    scope = forms.CharField(label=_("Changed scope of work"), widget=forms.Textarea(attrs={"rows": 3}))
    note = forms.CharField(label=_("What was changed"), required=False, max_length=300)
    drawings = DocumentUploadField(label=_("Changed drawings"), accept=PDF_OR_IMAGE, required=False)


class ApproveForm(OnceFormMixin):
    agreement = DocumentUploadField(label=_("Renovation agreement (signed scan)"), accept=PDF_OR_IMAGE,
                                    required=False)
    fire_pledge = DocumentUploadField(label=_("Fire-safety pledge (signed scan)"), accept=PDF_OR_IMAGE,
                                      required=False)
    cleaning_pledge = DocumentUploadField(label=_("Cleaning pledge (signed scan)"), accept=PDF_OR_IMAGE,
                                          required=False)


class DepositForm(OnceFormMixin):
    amount = forms.DecimalField(label=_("Deposit (yuan)"), max_digits=10, decimal_places=2, min_value=0.01)
    method = forms.ChoiceField(label=_("Paid by"), choices=(("cash", _("Cash")), ("transfer", _("Bank transfer")),
                                                             ("mobile", _("Mobile payment"))))


class GateForm(OnceFormMixin):
    pass_number = forms.CharField(label=_("Pass number"), max_length=40)
    tools = forms.CharField(label=_("Destructive tools"), max_length=200, help_text=_("e.g. core drill, sledgehammer"))


class PatrolForm(OnceFormMixin):
    team = forms.CharField(label=_("Joint team (CS, security, engineering)"), max_length=200, required=False)
    checked = forms.CharField(label=_("Checked items"), widget=forms.Textarea(attrs={"rows": 2}),
                              initial=_("Structure, waterproofing, fire safety, waste, common areas, work hours"))
    all_in_order = forms.BooleanField(label=_("All in order"), required=False, initial=True)
    photos = MultiImageUploadField(label=_("Photos"), required=False, max_count=6)


class ViolationForm(OnceFormMixin):
    rule = forms.ChoiceField(label=_("Rule broken"), choices=Violation.Rule.choices)
    description = forms.CharField(label=_("What was found"), widget=forms.Textarea(attrs={"rows": 2}))
    measure = forms.ChoiceField(label=_("Measure"), choices=Violation.Measure.choices)
    deduction_amount = forms.DecimalField(label=_("Deduction (yuan)"), max_digits=10, decimal_places=2,
                                          required=False, min_value=0.01)
    photos = MultiImageUploadField(label=_("Photos"), required=False, max_count=6)


class FollowUpForm(OnceFormMixin):
    note = forms.CharField(label=_("Follow-up"), widget=forms.Textarea(attrs={"rows": 2}))
    closes = forms.BooleanField(label=_("Rectified: close the violation"), required=False)


class ChangeForm(OnceFormMixin):
    kind = forms.ChoiceField(label=_("Kind"), choices=Change.Kind.choices)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    new_scope = forms.CharField(label=_("New scope"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    new_end_date = forms.DateField(label=_("New end date"), required=False, widget=forms.DateInput(attrs=_DATE))


class DecideForm(OnceFormMixin):
    decision = forms.ChoiceField(label=_("Decision"), choices=(("approve", _("Approve")), ("reject", _("Reject"))))
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class RefundForm(OnceFormMixin):
    amount = forms.DecimalField(label=_("Refund (yuan)"), max_digits=10, decimal_places=2, min_value=0.01)


class ReasonForm(OnceFormMixin):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
