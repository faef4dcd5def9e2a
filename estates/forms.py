from __future__ import annotations

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import numbers
from core.once import OnceFormMixin
from core.roles import Role, is_company_level
from core.validators import PhoneField, normalize_id_number, to_half_width
from estates.imports import FIELDS
from estates.models import Building, Department, DutyShift, ImportJob, Resident, Site, Staff, Unit, UnitDocument, Zone
from estates.selectors import (
    building_list_visible_to,
    department_list_visible_to,
    site_list_visible_to,
    staff_list_visible_to,
    unit_list_visible_to,
    zone_list_visible_to,
)
from estates.services import FRONT_DESK_CAPABLE
from estates.validators import normalize_entrance, normalize_room


class _SiteScopedForm(OnceFormMixin, forms.ModelForm):
    """`site` is chosen only by company-level users; everyone else works at their own site.

    Every related choice is limited to what the user may see (SPEC X-02)."""

    def __init__(self, *args, user, site: Site | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fixed_site = site or (self.instance.site if self.instance.pk and self.instance.site_id else None)
        if "site" in self.fields:
            if self.fixed_site is not None or not is_company_level(user):
                del self.fields["site"]
            else:
                self.fields["site"].queryset = site_list_visible_to(user)
        self.limit_choices()

    def limit_choices(self) -> None:
        pass

    def _site_for_choices(self):
        return self.fixed_site

    def _limit(self, name: str, qs) -> None:
        if name in self.fields:
            site = self._site_for_choices()
            self.fields[name].queryset = qs.filter(site=site) if site else qs

    def clean(self):
        data = super().clean()
        site = self.fixed_site or data.get("site")
        if site is None:
            raise forms.ValidationError(_("Choose the site."))
        self.instance.site = site
        for name in ("zone", "building", "department", "unit", "manager"):
            obj = data.get(name)
            if obj is not None and obj.site_id != site.pk:
                self.add_error(name, _("This belongs to another site."))
        return data


class SiteForm(OnceFormMixin, forms.ModelForm):
    class Meta:
        model = Site
        fields = ["company", "name", "code", "address", "phone", "office_open", "office_close", "households"]
        field_classes = {"phone": PhoneField}
        widgets = {"office_open": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                   "office_close": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}

    def __init__(self, *args, user=None, site=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)


class ZoneForm(_SiteScopedForm):
    class Meta:
        model = Zone
        fields = ["site", "name", "manager"]

    def limit_choices(self) -> None:
        qs = staff_list_visible_to(self.user).filter(is_active=True)
        self._limit("manager", qs)


class BuildingForm(_SiteScopedForm):
    class Meta:
        model = Building
        fields = ["site", "number", "name", "zone", "floors"]

    def limit_choices(self) -> None:
        self._limit("zone", zone_list_visible_to(self.user))


class UnitForm(_SiteScopedForm):
    # issue 13.4: a unit has a floor area; 0, -1, NaN or 1e309 is a field error
    area = numbers.AREA_ENTERED.form_field(label=Unit._meta.get_field("area").verbose_name)

    class Meta:
        model = Unit
        fields = ["site", "building", "entrance", "room", "floor", "area", "occupancy", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def limit_choices(self) -> None:
        self._limit("building", building_list_visible_to(self.user))

    def clean_entrance(self) -> str:
        return normalize_entrance(self.cleaned_data["entrance"])

    def clean_room(self) -> str:
        return normalize_room(self.cleaned_data["room"])  # issue 13.4: 15O2 (letter O) is refused

    def clean(self):
        data = super().clean()
        b, e, r = data.get("building"), data.get("entrance"), data.get("room")
        if b and e and r:
            self.instance.code = f"{b.number}-{e}-{r}"
            site = self.instance.site
            clash = Unit.objects.filter(site=site, code=self.instance.code).exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("room", _("Unit %(code)s already exists.") % {"code": self.instance.code})
        return data


class ResidentForm(_SiteScopedForm):
    unit_code = forms.CharField(label=pgettext_lazy("flat", "unit"), max_length=32,
                                widget=forms.TextInput(attrs={"placeholder": "3-2-1502"}))

    class Meta:
        model = Resident
        fields = ["name", "kind", "relation", "phone", "phone2", "id_number", "move_in_date"]
        field_classes = {"phone": PhoneField, "phone2": PhoneField}  # issue 13.4: one phone rule
        widgets = {"move_in_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    field_order = ["unit_code"]

    def __init__(self, *args, unit: Unit | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["unit_code"] = self.instance.unit.code
        elif unit is not None:
            self.initial["unit_code"] = unit.code
        # The stored ID number is never sent to the browser: empty = keep it.
        self.keep_id = bool(self.instance.pk and self.instance.id_number)
        if self.keep_id:
            self.initial["id_number"] = ""
            self.fields["id_number"].help_text = _("Stored: %(masked)s. Leave empty to keep it.") % {
                "masked": self.instance.id_number_masked}

    def clean_id_number(self) -> str:
        return normalize_id_number(self.cleaned_data.get("id_number") or "")  # GB 11643 check digit

    def clean(self):
        code = to_half_width(self.cleaned_data.get("unit_code") or "")  # issue 13.4: full-width digits
        if code:
            qs = unit_list_visible_to(self.user)
            if self.fixed_site is not None:
                qs = qs.filter(site=self.fixed_site)
            unit = qs.filter(code=code).first()
            if unit is None:
                self.add_error("unit_code", _("No unit %(code)s.") % {"code": code})
            else:
                self.instance.unit = unit
                self.fixed_site = unit.site
        if self.keep_id and not self.cleaned_data.get("id_number"):
            self.cleaned_data["id_number"] = Resident.objects.get(pk=self.instance.pk).id_number
        if self.fixed_site is None:
            return self.cleaned_data
        return super().clean()


class DepartmentForm(_SiteScopedForm):
    class Meta:
        model = Department
        fields = ["site", "name", "kind", "is_active"]


class StaffForm(_SiteScopedForm):
    roles = forms.MultipleChoiceField(label=_("roles"), choices=Role.choices, required=False,
                                      widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Staff
        fields = ["site", "name", "phone", "employee_no", "department", "zone"]
        field_classes = {"phone": PhoneField}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not is_company_level(self.user):
            self.fields["roles"].choices = [(c, label) for c, label in Role.choices
                                            if c not in ("company_leader", "executive")]
        if self.instance.pk:
            self.initial["roles"] = list(self.instance.user.groups.values_list("name", flat=True))

    def limit_choices(self) -> None:
        self._limit("department", department_list_visible_to(self.user))
        self._limit("zone", zone_list_visible_to(self.user))


class StaffCreateForm(StaffForm):
    username = forms.RegexField(label=_("login name"), regex=r"^[a-z0-9_.]{3,30}$", max_length=30,
                                help_text=_('Lower-case letters, digits and _, e.g. '
                                            '<code translate="no">ssty_front_desk</code>.'))
    password = forms.CharField(label=_("initial password"), widget=forms.PasswordInput(render_value=True),
                               min_length=10)

    field_order = ["username", "password"]

    def clean_password(self):

        pw = self.cleaned_data["password"]
        validate_password(pw)
        return pw


class ReasonForm(OnceFormMixin):
    reason = forms.CharField(label=_("reason"), max_length=200)


class UnitDocumentForm(OnceFormMixin, forms.ModelForm):
    upload = forms.FileField(label=_("file"), help_text=_("PDF, JPG, PNG, DOCX or XLSX."))

    class Meta:
        model = UnitDocument
        fields = ["doc_type", "title"]


class ImportForm(OnceFormMixin):
    kind = forms.ChoiceField(label=_("what"), choices=ImportJob.Kind.choices)
    site = forms.ModelChoiceField(label=_("site"), queryset=Site.objects.none())
    upload = forms.FileField(label=_("file"), help_text=_(
        "CSV (as Excel saves it, GBK or UTF-8) or XLSX; columns such as 楼栋, 单元, 房号, 建筑面积, 业主姓名, "
        "联系电话. Unknown headers are matched in the next step."))

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        qs = site_list_visible_to(user)
        self.fields["site"].queryset = qs
        if not is_company_level(user):
            self.fields["site"].initial = qs.first()
            self.fields["site"].widget = forms.HiddenInput()


class ImportMappingForm(OnceFormMixin):
    """Issue 13.5: each column of the user's file matched to a field (or left out); the file is kept."""

    def __init__(self, *args, job: ImportJob, **kwargs) -> None:

        super().__init__(*args, **kwargs)
        layout = job.layout or {}
        headers = layout.get("headers") or []
        mapped = {int(i): k for k, i in (layout.get("mapping") or {}).items()}
        samples = layout.get("samples") or []
        choices = [("", _("— not imported —"))] + [(f.key, f.label) for f in FIELDS]
        self.columns = []
        for i, header in enumerate(headers):
            name = f"col_{i}"
            example = "、".join(row[i] for row in samples if i < len(row) and row[i])
            self.fields[name] = forms.ChoiceField(
                label=header or _("Column %(n)s") % {"n": i + 1}, choices=choices, required=False,
                initial=mapped.get(i, ""), help_text=_("e.g. %(values)s") % {"values": example} if example else "")
            self.columns.append(name)

    def clean(self):
        data = super().clean()
        mapping: dict[str, int] = {}
        for i, name in enumerate(self.columns):
            key = data.get(name)
            if not key:
                continue
            if key in mapping:
                self.add_error(name, _("This field is already matched to another column."))
            mapping[key] = i
        data["mapping"] = mapping
        return data


class DutyShiftForm(OnceFormMixin):
    staff = forms.ModelChoiceField(label=_("on duty"), queryset=Staff.objects.none())
    date = forms.DateField(label=_("date"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=_("from"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("until"), widget=forms.TimeInput(attrs={"type": "time"}))

    def __init__(self, *args, user, site: Site, **kwargs) -> None:
        super().__init__(*args, **kwargs)

        self.fields["staff"].queryset = staff_list_visible_to(user).filter(
            site=site, is_active=True, user__groups__name__in=FRONT_DESK_CAPABLE).distinct()

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            self.add_error("end", _("The shift must end after it starts."))
        return data


__all__ = ["DutyShift"]
