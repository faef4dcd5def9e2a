from django import forms
from django.utils.translation import gettext_lazy as _

from callbacks.models import CallbackSettings, Method, Result
from core.once import OnceFormMixin
from core.validators import PhoneField

EVALUATIONS = [c for c in Result.choices if c[0] != Result.UNREACHABLE]


class AttemptForm(OnceFormMixin):
    """SPEC CB-02 / CB-03."""

    method = forms.ChoiceField(label=_("Method"), choices=Method.choices, initial=Method.PHONE)
    number_dialled = PhoneField(label=_("Number dialled"), max_length=30, required=False)  # issue 13.4
    result = forms.ChoiceField(label=_("Result"), choices=Result.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    signed_on_paper = forms.BooleanField(label=_("Resident signed on paper"), required=False)
    signer_name = forms.CharField(label=_("Signed by"), max_length=60, required=False)
    signature = forms.CharField(required=False, widget=forms.HiddenInput)
    mismatch = forms.BooleanField(label=_("Resident's account differs from the department's report"),
                                  required=False)
    mismatch_note = forms.CharField(label=_("Resident's account"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 2}))


class FindingForm(OnceFormMixin):
    finding = forms.CharField(label=_("Site check finding"), widget=forms.Textarea(attrs={"rows": 3}))


class ReasonForm(OnceFormMixin):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class PromisedReplyForm(OnceFormMixin):
    question = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 2}))
    due_at = forms.DateTimeField(label=_("Promised reply by"),
                                 widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                 input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])


class AnswerForm(OnceFormMixin):  # one per reply on the list of replies; answering twice is refused
    answer = forms.CharField(label=_("Answer given"), max_length=1000)


class VisitForm(OnceFormMixin):
    """SPEC CB-04 visit record; an open question becomes a promised reply (CB-05)."""

    resident_name = forms.CharField(label=_("Resident met"), max_length=60, required=False)
    result = forms.ChoiceField(label=_("Evaluation"), choices=EVALUATIONS, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    signed_on_paper = forms.BooleanField(label=_("Resident signed on paper"), required=False)
    signer_name = forms.CharField(label=_("Signed by"), max_length=60, required=False)
    signature = forms.CharField(required=False, widget=forms.HiddenInput)
    question = forms.CharField(label=_("Open question (answered later)"), required=False,
                               widget=forms.Textarea(attrs={"rows": 2}))
    reply_due_at = forms.DateTimeField(label=_("Promised reply by"), required=False,
                                       widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                       input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])


class SettingsForm(OnceFormMixin, forms.ModelForm):
    class Meta:
        model = CallbackSettings
        fields = ["sampling_share", "in_person_share", "director_visits", "zone_manager_visits"]


class GenerateForm(forms.Form):
    month = forms.DateField(label=_("Month"), widget=forms.DateInput(attrs={"type": "month"}),
                            input_formats=["%Y-%m", "%Y-%m-%d"])
