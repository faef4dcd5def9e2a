"""Forms give shape only; the rules live in keys.services (STYLE §2)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.once import OnceFormMixin
from core.uploads import IMAGE, PDF, DocumentUploadField, ImageUploadField
from estates.models import Staff, Unit
from keys.models import MAX_KEYS, KeyDeposit, KeySlot


def _dt_widget() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _site_staff(site_id: int):
    return Staff.objects.filter(site_id=site_id, is_active=True).order_by("name")


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Staff) -> str:
        return f"{obj.name}{' · ' + obj.department.name if obj.department_id else ''}"


class DepositForm(OnceFormMixin):
    unit_code = forms.CharField(label=_("Unit"), max_length=32, help_text=_("e.g. 3-2-1501"))
    reason = forms.ChoiceField(label=_("Reason"), choices=KeyDeposit.Reason.choices)
    depositor_name = forms.CharField(label=_("Handed over by"), max_length=60, required=False)
    key_description = forms.CharField(label=_("Keys"), max_length=200, help_text=_("e.g. front door, mailbox"))
    key_count = forms.IntegerField(label=_("Number of keys"), min_value=1, max_value=MAX_KEYS, initial=1)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, site, **kwargs):
        super().__init__(*args, **kwargs)
        self.site = site

    def clean_unit_code(self) -> Unit:
        code = self.cleaned_data["unit_code"].strip()
        unit = Unit.objects.filter(site=self.site, code=code).first()
        if unit is None:
            raise forms.ValidationError(_("No unit %(code)s at this site.") % {"code": code})
        return unit


class StoreForm(OnceFormMixin):
    slot = forms.ModelChoiceField(label=_("Slot"), queryset=KeySlot.objects.none())
    seal_number = forms.CharField(label=_("Seal number"), max_length=40)
    witness = StaffChoiceField(label=_("Sealed jointly with"), queryset=Staff.objects.none(), required=False)

    def __init__(self, *args, site_id: int, free_slots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].queryset = free_slots
        self.fields["witness"].queryset = _site_staff(site_id)


class CancelForm(OnceFormMixin):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ReturnToResidentForm(OnceFormMixin):
    signer_name = forms.CharField(label=_("Received by (name)"), max_length=60)
    signed_on_paper = forms.BooleanField(label=_("Signed on paper"), required=False)
    signature = forms.CharField(required=False, widget=forms.HiddenInput)


class UseRequestForm(OnceFormMixin):
    purpose = forms.CharField(label=_("Purpose"), max_length=200)
    work_order_number = forms.CharField(label=_("Work order number"), max_length=20, required=False)
    planned_out = forms.DateTimeField(label=_("Planned out"), widget=_dt_widget())
    planned_return = forms.DateTimeField(label=_("Planned return"), widget=_dt_widget())

    def clean(self):
        data = super().clean()
        a, b = data.get("planned_out"), data.get("planned_return")
        if a and b and b <= a:
            self.add_error("planned_return", _("The planned return must be after the planned time out."))
        return data


class TakeOutForm(OnceFormMixin):
    property_staff = StaffChoiceField(label=_("Property assistant"), queryset=Staff.objects.none())
    security_staff = StaffChoiceField(label=_("Security officer"), queryset=Staff.objects.none())
    contractor_lead = forms.CharField(label=_("Contractor's lead"), max_length=60, required=False)

    def __init__(self, *args, site_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        # every person of the site is offered: the service explains a wrong role instead of hiding it
        self.fields["property_staff"].queryset = _site_staff(site_id)
        self.fields["security_staff"].queryset = _site_staff(site_id)


class EntrySignaturesForm(OnceFormMixin):
    """SPEC K-04: the paper entry record entered afterwards: the three names and the signed sheet's scan."""

    security_signer = forms.CharField(label=_("Signed for security"), max_length=60)
    property_signer = forms.CharField(label=_("Signed for property"), max_length=60)
    contractor_signer = forms.CharField(label=_("Signed by the contractor's lead"), max_length=60)
    # issue 13: judged by content in core.uploads
    scan = DocumentUploadField(label=_("Scan of the signed entry record"), accept=(PDF, IMAGE), required=False,
                               help_text=_("PDF, JPG or PNG."))


class SignEntryForm(OnceFormMixin):
    """SPEC K-04: my own signature on the entry record; the contractor's lead may draw his on my screen."""

    contractor_signer = forms.CharField(label=_("Contractor's lead"), max_length=60, required=False)
    contractor_signature = forms.CharField(required=False, widget=forms.HiddenInput)


class ItemForm(OnceFormMixin):
    description = forms.CharField(label=_("Item moved and where it was"), max_length=200)
    # SPEC X-03, issue 13: judged by content (decoded, re-encoded, EXIF dropped) in core.uploads
    photo = ImageUploadField(label=_("Photo or sketch"), required=False, max_bytes=5 * 1024 * 1024,
                             help_text=_("JPEG, PNG or WebP, at most 5 MB."))


class ReturnForm(OnceFormMixin):
    seal_number = forms.CharField(label=_("New seal number"), max_length=40)
    sealer = StaffChoiceField(label=_("Sealed by"), queryset=Staff.objects.none())
    witness = StaffChoiceField(label=_("Sealed jointly with"), queryset=Staff.objects.none())

    def __init__(self, *args, site_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sealer"].queryset = _site_staff(site_id)
        self.fields["witness"].queryset = _site_staff(site_id)


class IncidentCloseForm(OnceFormMixin):
    finding = forms.CharField(label=_("Finding"), widget=forms.Textarea(attrs={"rows": 3}))


class ReconciliationForm(OnceFormMixin):
    """One row of fields per key in custody (K-02)."""

    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, deposits, **kwargs):
        super().__init__(*args, **kwargs)
        self.deposits = list(deposits)
        for d in self.deposits:
            if d.status == KeyDeposit.Status.OUT:
                continue
            self.fields[f"present_{d.pk}"] = forms.BooleanField(label=_("present"), required=False, initial=True)
            self.fields[f"intact_{d.pk}"] = forms.BooleanField(label=_("seal intact"), required=False, initial=True)
            self.fields[f"seal_{d.pk}"] = forms.CharField(label=_("seal number seen"), max_length=40, required=False)

    def rows(self):
        for d in self.deposits:
            if d.status == KeyDeposit.Status.OUT:
                yield d, None, None, None
            else:
                yield d, self[f"present_{d.pk}"], self[f"intact_{d.pk}"], self[f"seal_{d.pk}"]

    def lines(self) -> dict[int, dict]:
        out = {}
        for d in self.deposits:
            if d.status == KeyDeposit.Status.OUT:
                continue
            out[d.pk] = {"present": self.cleaned_data.get(f"present_{d.pk}"),
                         "seal_intact": self.cleaned_data.get(f"intact_{d.pk}"),
                         "seal_number_seen": self.cleaned_data.get(f"seal_{d.pk}") or ""}
        return out
