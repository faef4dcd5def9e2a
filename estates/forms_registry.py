"""SPEC O-01: the registry import form (sites, zones, buildings, departments, staff)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.once import OnceFormMixin
from core.roles import is_company_level
from estates.imports import REGISTRY_KINDS
from estates.models import Site
from estates.selectors import site_list_visible_to


class RegistryImportForm(OnceFormMixin):
    kind = forms.ChoiceField(label=_("what"), choices=REGISTRY_KINDS)
    site = forms.ModelChoiceField(label=_("site"), required=False, queryset=Site.objects.none(),
                                  help_text=_("Not needed for a file of sites."))
    upload = forms.FileField(label=_("file"), help_text=_(
        "CSV (as Excel saves it, GBK or UTF-8) or XLSX, with the headers of the template."))
    check_only = forms.BooleanField(label=_("Only check, import nothing"), required=False, initial=True)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        qs = site_list_visible_to(user)
        self.fields["site"].queryset = qs
        if not is_company_level(user):
            self.fields["site"].initial = qs.first()
            self.fields["site"].widget = forms.HiddenInput()
            self.fields["kind"].choices = [c for c in REGISTRY_KINDS if c[0] != "sites"]
