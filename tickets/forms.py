"""Form shapes only; the rules are in services (STYLE §2)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.db import connection
from django.db.models import Q
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from core import numbers
from core.errors import DomainError
from core.once import OnceFormMixin
from core.uploads import IMAGE, PDF, DocumentUploadField, MultiImageUploadField
from core.validators import PhoneField, to_half_width
from estates.models import Department, Resident, Staff, Unit
from estates.selectors import unit_example_code
from tickets.forms_intake import IntakeExtras
from tickets.models import Category, Charge, PriceItem, WorkOrder

DT = {"type": "datetime-local"}


class VersionMixin(OnceFormMixin):
    """Every form that changes an existing order posts the version it was read at (issue 23.9): a post
    without it is refused, never saved past the optimistic conflict check."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def clean(self):
        data = super().clean()
        if data.get("version") is None and "version" not in self.errors:
            raise forms.ValidationError(
                _("This form is incomplete or out of date: reload the page and enter it again."), code="version")
        return data


class RegisterForm(IntakeExtras, OnceFormMixin):
    """SPEC T-01. The empty form's fields are cached per language and `fields_version` (issue 13.12):
    the site-scoped unit/resident and the one-time key are rendered outside that cache."""

    unit = forms.ModelChoiceField(Unit.objects.none(), label=_("Unit"), required=False,
                                  widget=forms.HiddenInput)
    unit_code = forms.CharField(label=_("Unit"), required=False, help_text=_("A unit, or a name or phone"),
                                widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True,
                                                              "inputmode": "search"}))
    resident = forms.ModelChoiceField(Resident.objects.none(), label=_("Resident"), required=False,
                                      widget=forms.HiddenInput)
    location = forms.CharField(label=_("Location (public areas)"), required=False, max_length=120)
    reporter_name = forms.CharField(label=_("Reported by"), required=False, max_length=60)
    phone = PhoneField(label=_("Contact phone"), required=False, max_length=20)  # issue 13.4: one phone rule
    channel = forms.ChoiceField(label=_("Channel"), choices=WorkOrder.Channel.choices)
    category = forms.ModelChoiceField(Category.objects.filter(is_active=True), label=_("Category"))
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 3}))
    photos = MultiImageUploadField(label=_("Photos"), required=False)  # issue 13: judged by content
    is_warranty = forms.BooleanField(label=_("Developer warranty defect (in-house repair at contractor's cost)"),
                                     required=False)

    def __init__(self, *args, site_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.site_ids = tuple(sorted(site_ids))
        self.fields["unit"].queryset = Unit.objects.filter(site_id__in=site_ids)
        self.fields["resident"].queryset = Resident.objects.filter(site_id__in=site_ids)
        self.intake_sites(site_ids)  # issue 15: cleaning date, work done first, capability check
        # issue 20.3: the empty form's example is a real unit of the clerk's site, read only when the help text
        # is shown (a cached form never asks, issue 13.12); a posted form keeps the plain help text (Django's
        # BoundField reads every help text while cleaning)
        if not self.is_bound:
            self.fields["unit_code"].help_text = lazy(self._unit_help, str)()

    def _unit_help(self) -> str:
        example = unit_example_code(self.site_ids)
        return (_("e.g. %(unit)s, or a name or phone") % {"unit": example} if example
                else str(_("A unit, or a name or phone")))

    def fields_version(self) -> str:
        """The cached fields' key: the clerk's sites and a fingerprint (rows, last change) of what the fields
        show — the categories, and the sites' units (the example), departments and workers (the work-done-
        first section). Any add, edit or retirement changes it, so the fields are rendered again. One
        statement: the registration page is the front desk's busiest (issue 13.12)."""
        marks = ",".join(["%s"] * len(self.site_ids)) or "NULL"
        tables = [(Category._meta.db_table, "")] + [(m._meta.db_table, f" WHERE site_id IN ({marks})")
                                                    for m in (Unit, Department, Staff)]
        # table names from the models' own meta and placeholders only: nothing from the request in the SQL
        sql = "SELECT " + ", ".join(f"(SELECT count(*) FROM {t}{w}), (SELECT max(updated_at) FROM {t}{w})"  # noqa: S608
                                    for t, w in tables)
        params = [site for t, w in tables if w for site in self.site_ids * 2]
        with connection.cursor() as cursor:  # raw: a quarter of the ORM's CPU for the same answer
            cursor.execute(sql, params)
            return repr((self.site_ids, cursor.fetchone()))

    def clean(self):
        data = super().clean()
        code = to_half_width(data.get("unit_code") or "")  # issue 13.4: ３-２-１５０２ typed in full width
        if not data.get("unit") and code:
            unit = self.fields["unit"].queryset.select_related("site", "building").filter(code=code).first()
            if unit is None:
                self.add_error("unit_code", _("No such unit at your site."))
            data["unit"] = unit
        return data


class WorkerSelect(forms.Select):
    """Workers grouped by department (<optgroup>); each option names its department so the page shows
    only the chosen department's people (static/js/propserv.js `data-filter-by`, issue 20.4)."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-group"] = str(instance.department_id)
        return option


class WorkerChoiceField(forms.ModelChoiceField):
    """The department's name as the <optgroup> label, its people under it (the queryset sorted by department)."""

    def _get_choices(self):
        choices = list(super()._get_choices())
        groups: dict[str, list] = {}
        for value, label in choices:
            instance = getattr(value, "instance", None)
            if instance is None:
                continue
            groups.setdefault(instance.department.name, []).append((value, label))
        return [("", self.empty_label), *groups.items()] if self.empty_label is not None else list(groups.items())

    choices = property(_get_choices, forms.ModelChoiceField.choices.fset)


class DispatchForm(VersionMixin):
    department = forms.ModelChoiceField(Department.objects.none(), label=_("Department"))
    assignee = WorkerChoiceField(Staff.objects.none(), label=_("Worker"), required=False,
                                 widget=WorkerSelect(attrs={"data-filter-by": "department"}),
                                 help_text=_("Only the chosen department's people are listed."))
    due_at = forms.DateTimeField(label=_("Deadline (internal jobs)"), required=False,
                                 widget=forms.DateTimeInput(attrs=DT))
    contractor_name = forms.CharField(label=_("Special contractor"), required=False)

    def __init__(self, *args, order=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(site_id=order.site_id, is_active=True)
        self.fields["assignee"].queryset = (Staff.objects.filter(site_id=order.site_id, is_active=True,
                                                                 department__isnull=False)
                                            .select_related("department").order_by("department__kind",
                                                                                   "department__name", "name"))
        self.initial.setdefault("department", order.department_id)

    def clean(self):
        data = super().clean()
        dept, worker = data.get("department"), data.get("assignee")
        if dept and worker and worker.department_id != dept.pk:  # the service refuses it too (issue 20.4)
            self.add_error("assignee", _("%(name)s is not in %(department)s: choose one of its workers.")
                           % {"name": worker.name, "department": dept.name})
        return data


class CompleteForm(VersionMixin):
    arrived_at = forms.DateTimeField(label=_("Arrival time"), widget=forms.DateTimeInput(attrs=DT))
    finished_at = forms.DateTimeField(label=_("Completion time"), widget=forms.DateTimeInput(attrs=DT))
    cause = forms.CharField(label=_("Cause"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    work_done = forms.CharField(label=_("Work done"), widget=forms.Textarea(attrs={"rows": 2}))
    # issue 13.3: bounded decimals; 1e309, NaN, 40 digits or a negative is a field error
    labour_hours = numbers.HOURS.form_field(label=_("Labour hours"))
    prep_hours = numbers.HOURS.form_field(label=_("Preparation hours"), required=False)
    materials = forms.CharField(label=_("Materials (one per line: name, quantity, unit)"), required=False,
                                widget=forms.Textarea(attrs={"rows": 2}))
    price_item = forms.ModelChoiceField(PriceItem.objects.none(), label=_("Paid service"), required=False)
    price_qty = numbers.QUANTITY.form_field(label=_("Quantity"), required=False)
    material_charge = numbers.PRICE.form_field(label=_("Materials charged (¥)"), required=False)
    labour_charge = numbers.PRICE.form_field(label=_("Labour charged (¥)"), required=False)
    price_told = forms.BooleanField(label=_("The resident was told the price before work started"), required=False)

    def __init__(self, *args, order=None, **kwargs):
        super().__init__(*args, **kwargs)

        self.fields["price_item"].queryset = PriceItem.objects.filter(Q(site__isnull=True) | Q(site_id=order.site_id),
                                                                      is_active=True)

    def clean_materials(self) -> list[tuple[str, Decimal, str]]:
        """One per line: name, quantity, unit; each quantity a bounded decimal (issue 13.3)."""
        materials = []
        for line in (self.cleaned_data.get("materials") or "").splitlines():
            parts = [p.strip() for p in line.replace("，", ",").split(",")]
            if parts and parts[0]:
                raw = parts[1] if len(parts) > 1 and parts[1] else "1"
                try:
                    qty = numbers.bounded_decimal(raw, numbers.QUANTITY, str(_("Quantity")))
                except DomainError as err:
                    raise forms.ValidationError(_("%(name)s: %(error)s")
                                                % {"name": parts[0], "error": err.message}) from None
                materials.append((parts[0], qty, parts[2] if len(parts) > 2 else ""))
        return materials

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        materials = d.get("materials") or []
        charges = []
        if d.get("price_item"):
            charges.append((d["price_item"], d.get("price_qty") or 1))
        if d.get("material_charge"):
            charges.append((Charge.Kind.MATERIAL, _("Materials"), 1, d["material_charge"]))
        if d.get("labour_charge"):
            charges.append((Charge.Kind.LABOUR, _("Labour"), 1, d["labour_charge"]))
        return {"arrived_at": d["arrived_at"], "finished_at": d["finished_at"], "cause": d.get("cause") or "",
                "work_done": d["work_done"], "labour_hours": d["labour_hours"], "prep_hours": d.get("prep_hours") or 0,
                "materials": materials, "charges": charges, "price_told": d.get("price_told", False)}


class EvaluateForm(VersionMixin):
    evaluation = forms.ChoiceField(label=_("Resident evaluation"), choices=WorkOrder.Evaluation.choices,
                                   widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Resident comment"), required=False)
    signer_name = forms.CharField(label=_("Signed by"), required=False)
    signed_on_paper = forms.BooleanField(label=_("Signed on the paper receipt"), required=False)
    signature_png = forms.CharField(widget=forms.HiddenInput, required=False)


class ReasonForm(VersionMixin):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(OnceFormMixin):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}))


class UnresolvableForm(VersionMixin):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    explanation = forms.CharField(label=_("Explanation given to the resident"),
                                  widget=forms.Textarea(attrs={"rows": 2}))


class ExtendForm(VersionMixin):
    """SPEC T-05/T-18: a request; the head (and the director) decide it in their own login."""

    new_due_at = forms.DateTimeField(label=_("New deadline"), widget=forms.DateTimeInput(attrs=DT))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    resident_consent = forms.BooleanField(label=_("The resident consents"), required=False)
    consent_note = forms.CharField(label=_("How the resident consented"), required=False)
    resident_caused = forms.BooleanField(label=_("The resident caused the delay"), required=False)


class AgreementForm(VersionMixin):
    agreement_no = forms.CharField(label=_("Agreement number"))
    due_at = forms.DateTimeField(label=_("Agreed completion"), widget=forms.DateTimeInput(attrs=DT))
    file = DocumentUploadField(label=_("Agreement"), required=False, accept=(PDF, IMAGE),
                               help_text=_("PDF or a photo of the signed agreement."))


class DeveloperForm(VersionMixin):
    due_at = forms.DateTimeField(label=_("Developer's deadline"), widget=forms.DateTimeInput(attrs=DT))
    note = forms.CharField(label=_("Note"), required=False)


class ReinspectForm(VersionMixin):
    passed = forms.BooleanField(label=_("Passed"), required=False)
    note = forms.CharField(label=_("Findings"))
    new_due_at = forms.DateTimeField(label=_("New developer deadline (if failed)"), required=False,
                                     widget=forms.DateTimeInput(attrs=DT))


class JointInspectionForm(VersionMixin):
    cs_staff = forms.ModelChoiceField(Staff.objects.none(), label=_("CS inspector"))
    engineer = forms.ModelChoiceField(Staff.objects.none(), label=_("Engineer"))
    note = forms.CharField(label=_("Findings"))

    def __init__(self, *args, order=None, **kwargs):
        super().__init__(*args, **kwargs)
        staff = Staff.objects.filter(site_id=order.site_id, is_active=True).select_related("department")
        self.fields["cs_staff"].queryset = staff
        self.fields["engineer"].queryset = staff


class ContractorForm(VersionMixin):
    contractor_name = forms.CharField(label=_("Special contractor"))
    review = forms.CharField(label=_("Review record"), widget=forms.Textarea(attrs={"rows": 2}))


class WithinAgreementForm(VersionMixin):
    """SPEC T-15/T-18: an unfinished order asks the head for "within agreement" (in his own login)."""


class VersionOnlyForm(VersionMixin):
    pass


class StepNoteForm(VersionMixin, NoteForm):
    """A note that also moves the order on (developer repaired): carries the version (issue 23.9)."""
