"""Forms give shape only; the rules are in handover.services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.once import OnceFormMixin
from estates.models import Building, Resident, Unit
from fees.selectors import payment_method_choices
from handover.models import MoveInDocument, Scope
from handover.services import items_of

DATE = {"type": "date"}
DT = {"type": "datetime-local"}
RESULT = [("pass", _("Pass")), ("fail", _("Fail"))]


class TakeoverForm(OnceFormMixin):
    developer = forms.CharField(label=_("Developer"), max_length=100)
    notified_on = forms.DateField(label=_("Developer's notice dated"), widget=forms.DateInput(attrs=DATE))
    scope_note = forms.CharField(label=_("What is handed over"), max_length=200, required=False)


class DocumentsForm(OnceFormMixin):
    """One row per document of the checklist: received, copies, note."""

    def __init__(self, *args, takeover, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.rows = []
        for d in takeover.documents.select_related("item"):
            self.fields[f"received_{d.item_id}"] = forms.BooleanField(label=d.item.text, required=False,
                                                                       initial=d.received)
            self.fields[f"copies_{d.item_id}"] = forms.IntegerField(label=_("Copies"), min_value=0, max_value=999,
                                                                     required=False, initial=d.copies)
            self.fields[f"note_{d.item_id}"] = forms.CharField(label=_("Note"), max_length=200, required=False,
                                                                initial=d.note)
            self.rows.append(d.item_id)

    def lines(self) -> dict[int, dict]:
        d = self.cleaned_data
        return {i: {"received": d[f"received_{i}"], "copies": d[f"copies_{i}"], "note": d[f"note_{i}"]}
                for i in self.rows}

    def row_fields(self):
        return [(self[f"received_{i}"], self[f"copies_{i}"], self[f"note_{i}"]) for i in self.rows]

    def service_kwargs(self) -> dict:
        return {"lines": self.lines()}


class ReplyForm(OnceFormMixin):
    text = forms.CharField(label=_("Reply letter"), widget=forms.Textarea(attrs={"rows": 8}))


class ItemResultsMixin(forms.Form):
    """Pass/fail and a note for each item of a list; the agreed dates for the failed ones."""

    due_at = forms.DateTimeField(label=_("Rectify by (agreed with the developer)"), required=False,
                                 widget=forms.DateTimeInput(attrs=DT))
    reinspect_on = forms.DateField(label=_("Re-inspection date"), required=False, widget=forms.DateInput(attrs=DATE))

    def add_items(self, scope: str) -> None:
        self.item_ids = []
        for item in items_of(scope):
            self.fields[f"r_{item.pk}"] = forms.ChoiceField(label=item.text, choices=RESULT, initial="pass",
                                                            widget=forms.RadioSelect)
            self.fields[f"n_{item.pk}"] = forms.CharField(label=_("Problem found"), max_length=200, required=False)
            self.item_ids.append(item.pk)

    def service_kwargs(self) -> dict:
        return {"results": self.results()}

    def results(self) -> dict[int, dict]:
        d = self.cleaned_data
        return {i: {"passed": d[f"r_{i}"] == "pass", "note": d[f"n_{i}"]} for i in self.item_ids}


class InspectionForm(OnceFormMixin, ItemResultsMixin):
    building = forms.ModelChoiceField(label=_("Building"), queryset=Building.objects.none(), required=False)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    field_order = ["building", "unit"]

    def __init__(self, *args, site, scope: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.scope = scope
        self.fields["building"].queryset = Building.objects.filter(site=site)
        self.fields["unit"].queryset = Unit.objects.filter(site=site, archived=False).select_related("building")
        if scope == Scope.UNIT:
            del self.fields["building"]
            self.fields["unit"].required = True
        else:
            del self.fields["unit"]
        self.add_items(scope)


class KeysReceiveForm(OnceFormMixin):
    key_description = forms.CharField(label=_("Keys"), max_length=200, initial=_("Entrance door keys"))
    key_count = forms.IntegerField(label=_("Number of keys"), min_value=1, max_value=20, initial=2)


class NoteForm(OnceFormMixin):
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class ReinspectForm(OnceFormMixin):
    passed = forms.TypedChoiceField(label=_("Result"), choices=[("1", _("Rectified: close the defect")),
                                                                ("0", _("Not rectified: back to the developer"))],
                                    coerce=lambda v: v == "1", widget=forms.RadioSelect)
    note = forms.CharField(label=_("What the re-inspection found"), max_length=500, widget=forms.Textarea(
        attrs={"rows": 2}))
    new_due_at = forms.DateTimeField(label=_("New agreed deadline"), required=False,
                                     widget=forms.DateTimeInput(attrs=DT))
    new_reinspect_on = forms.DateField(label=_("New re-inspection date"), required=False,
                                       widget=forms.DateInput(attrs=DATE))


class MoveInNewForm(OnceFormMixin):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())

    def __init__(self, *args, site, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(site=site, archived=False).select_related("building")


class IdentityForm(OnceFormMixin):
    resident = forms.ModelChoiceField(label=_("Owner"), queryset=Resident.objects.none())
    id_number = forms.CharField(label=_("ID number"), max_length=30)
    identity_doc = forms.CharField(label=_("Document shown"), max_length=40, initial=_("Resident identity card"))

    def __init__(self, *args, move_in, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["resident"].queryset = Resident.objects.filter(unit=move_in.unit, kind=Resident.Kind.OWNER,
                                                                   is_active=True)
        if move_in.resident_id:
            self.fields["resident"].initial = move_in.resident_id


class FeesForm(OnceFormMixin):
    desc1 = forms.CharField(label=_("Charge"), max_length=120, initial=_("Property service fee (first period)"))
    amount1 = forms.CharField(label=_("Amount (yuan)"), max_length=20)
    desc2 = forms.CharField(label=_("Charge"), max_length=120, required=False)
    amount2 = forms.CharField(label=_("Amount (yuan)"), max_length=20, required=False)
    desc3 = forms.CharField(label=_("Charge"), max_length=120, required=False)
    amount3 = forms.CharField(label=_("Amount (yuan)"), max_length=20, required=False)
    method = forms.ChoiceField(label=_("Paid by"), choices=payment_method_choices)

    def lines(self) -> list[tuple[str, str]]:
        d = self.cleaned_data
        return [(d[f"desc{i}"], d[f"amount{i}"]) for i in (1, 2, 3) if d[f"desc{i}"] or d[f"amount{i}"]]

    def service_kwargs(self) -> dict:
        return {"lines": self.lines()}


class ScansForm(OnceFormMixin):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for k in MoveInDocument.Kind:
            self.fields[k.value] = forms.FileField(label=_("Signed scan: %(doc)s") % {"doc": k.label},
                                                   required=False)

    def scans(self) -> dict:
        return {k.value: self.cleaned_data.get(k.value) for k in MoveInDocument.Kind}

    def service_kwargs(self) -> dict:
        return {"scans": self.scans()}


class KeysHandForm(OnceFormMixin):
    signer_name = forms.CharField(label=_("Received by (name)"), max_length=60)
    signed_on_paper = forms.BooleanField(label=_("Signed on the paper register"), required=False)


class UnitInspectForm(OnceFormMixin, ItemResultsMixin):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.add_items(Scope.UNIT)


class ConfirmForm(OnceFormMixin):
    pass


class UtilitiesForm(OnceFormMixin):
    utilities = forms.CharField(label=_("Utilities opened or applied for"), max_length=200,
                                initial=_("Water, electricity, gas"))
