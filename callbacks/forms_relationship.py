"""SPEC CB-08: forms of the relationship plan (shape only; the rules live in the services)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from callbacks.models import RelationshipTask
from core.once import OnceFormMixin
from estates.models import Site, Zone


class PlanForm(OnceFormMixin):
    site = forms.ModelChoiceField(label=_("site"), queryset=Site.objects.none())
    month = forms.DateField(label=_("month"), input_formats=["%Y-%m", "%Y-%m-%d"],
                            widget=forms.DateInput(attrs={"type": "month"}))
    notes = forms.CharField(label=_("notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, sites, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        if sites.count() == 1:
            self.fields["site"].initial = sites.first()


class TaskForm(OnceFormMixin):
    zone = forms.ModelChoiceField(label=_("zone"), queryset=Zone.objects.none())
    kind = forms.ChoiceField(label=_("kind"), choices=RelationshipTask.Kind.choices)
    title = forms.CharField(label=_("task"), max_length=120)
    due_date = forms.DateField(label=_("due"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, site_id, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = Zone.objects.filter(site_id=site_id).order_by("name")


class TaskDoneForm(OnceFormMixin):
    result = forms.CharField(label=_("what was done"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    households = forms.IntegerField(label=_("households reached"), min_value=0, max_value=100_000, initial=0,
                                    required=False)


class TaskCancelForm(OnceFormMixin):
    reason = forms.CharField(label=_("reason"), max_length=200)
