"""Form shapes only; rules live in services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core import numbers
from core.forms import SingleLineCharField
from core.once import OnceFormMixin
from estates.models import Site, Staff, Zone
from surveys.models import MAX_SAMPLE, Campaign, Grade, Questionnaire, QuestionnaireItem, Response


class CampaignForm(OnceFormMixin):
    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.none())
    title = SingleLineCharField(label=_("Title"), max_length=120)  # issue 23.5: one line (notice titles)
    kind = forms.ChoiceField(label=_("Kind"), choices=Campaign.Kind.choices)
    zone = forms.ModelChoiceField(label=_("Zone"), queryset=Zone.objects.none(), required=False,
                                  help_text=_("Empty = the whole site."))
    questionnaire = forms.ModelChoiceField(label=_("Questionnaire"), queryset=Questionnaire.objects.none())
    # issue 13.3: bounded; 40 digits, NaN or 1e309 is a field error
    sample_size = forms.IntegerField(label=_("Sample size (households)"), min_value=1, max_value=MAX_SAMPLE,
                                     required=False)
    sample_share = numbers.PERCENT.form_field(label=_("or sample share (%)"), required=False)
    launch_date = forms.DateField(label=_("Service launch date"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}),
                                  help_text=_("New-service campaigns only."))
    incident = forms.CharField(label=_("Incident"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                               help_text=_("Ad-hoc campaigns only."))

    def __init__(self, *args: Any, sites: Any, zones: Any, questionnaires: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        self.fields["zone"].queryset = zones
        self.fields["questionnaire"].queryset = questionnaires
        if sites.count() == 1:
            self.fields["site"].initial = sites.first()

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("sample_size") and not data.get("sample_share"):
            self.add_error("sample_size", _("Give a sample size or a sample share."))
        return data


class QuestionnaireForm(OnceFormMixin):
    name = forms.CharField(label=_("Name"), max_length=100)
    intro = forms.CharField(label=_("Introduction"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    # the codes typed here are identifiers, not words to translate (issue 20.1)
    items = forms.CharField(label=_("Items"), widget=forms.Textarea(attrs={"rows": 8, "translate": "no"}),
                            help_text=_('One item per line: code|label, e.g. <code translate="no">cleaning</code>'
                                        '|保洁服务.'))

    def clean_items(self) -> list[tuple[str, str]]:
        out = []
        for n, line in enumerate(self.cleaned_data["items"].splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            code, sep, label = line.partition("|")
            if not sep or not code.strip() or not label.strip():
                raise forms.ValidationError(_("Line %(n)s: write code|label.") % {"n": n})
            out.append((code.strip(), label.strip()))
        if not out:
            raise forms.ValidationError(_("A questionnaire needs at least one item."))
        return out


class ReasonForm(OnceFormMixin):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ResponseForm(OnceFormMixin):
    """The questionnaire's ratings + open answers; with `unit` for staff entry from paper."""

    def __init__(self, *args: Any, items: list[QuestionnaireItem], with_unit: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        if with_unit:
            self.fields["unit"] = forms.CharField(label=_("Unit"), max_length=32,
                                                  widget=forms.TextInput(attrs={"autofocus": True,
                                                                                "autocomplete": "off"}))
        for item in items:
            if with_unit:
                widget = forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 1, "class": "grade-key",
                                                "autocomplete": "off"})
                self.fields[f"rating_{item.pk}"] = forms.IntegerField(label=item.label, required=False,
                                                                      widget=widget)
            else:
                self.fields[f"rating_{item.pk}"] = forms.TypedChoiceField(
                    label=item.label, choices=Grade.choices, coerce=int, required=False, widget=forms.RadioSelect)
        self.fields["comments"] = forms.CharField(label=_("Comments"), required=False,
                                                  widget=forms.Textarea(attrs={"rows": 2}))
        self.fields["expectations"] = forms.CharField(label=_("Expectations"), required=False,
                                                      widget=forms.Textarea(attrs={"rows": 2}))
        for name in ("age_band", "gender", "occupation", "resident_type"):
            field = Response._meta.get_field(name)
            self.fields[name] = forms.ChoiceField(label=field.verbose_name, required=False,
                                                  choices=[("", "—"), *field.choices])

    def rating_fields(self) -> list:
        return [self[f"rating_{item.pk}"] for item in self.items]

    def profile_fields(self) -> list:
        return [self[n] for n in ("age_band", "gender", "occupation", "resident_type")]

    def ratings(self) -> dict[int, Any]:
        return {item.pk: self.cleaned_data.get(f"rating_{item.pk}") for item in self.items}

    def profile(self) -> dict[str, str]:
        return {n: self.cleaned_data.get(n) or "" for n in ("comments", "expectations", "age_band", "gender",
                                                             "occupation", "resident_type")}


class ActionForm(OnceFormMixin):
    item = forms.ModelChoiceField(label=_("Item"), queryset=QuestionnaireItem.objects.none(), required=False)
    description = forms.CharField(label=_("Corrective action"), widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.ModelChoiceField(label=_("Responsible"), queryset=Staff.objects.none())
    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = campaign.questionnaire.items.all()
        self.fields["owner"].queryset = Staff.objects.filter(site_id=campaign.site_id, is_active=True)


class ActionDoneForm(OnceFormMixin):
    note = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 2}))
