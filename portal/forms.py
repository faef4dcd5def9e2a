from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from core.once import OnceFormMixin
from core.uploads import IMAGE_ACCEPT
from portal.models import USERNAME_PREFIX, Notice, OnlineEvaluation, OnlineReport
from portal.services import MAX_PHOTOS
from tickets.selectors import categories_active


class Styled:
    """Bootstrap classes for the phone pages (no crispy: one small include renders every form)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if not isinstance(field.widget, forms.RadioSelect | forms.HiddenInput):
                field.widget.attrs.setdefault("class", "form-control form-control-lg")


class PhoneLoginForm(AuthenticationForm):  # styled in __init__ below
    """P-01: phone + password; authenticate() goes through django-axes like the staff login."""

    username = forms.CharField(label=_("Mobile phone"), max_length=20,
                               widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel",
                                                             "autofocus": True}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control form-control-lg")

    def clean(self):
        phone = (self.cleaned_data.get("username") or "").strip()
        if phone:
            self.cleaned_data["username"] = f"{USERNAME_PREFIX}{phone}"
        return super().clean()


class PasswordSetForm(Styled, forms.Form):
    password1 = forms.CharField(label=_("New password"), widget=forms.PasswordInput(attrs={"autocomplete":
                                                                                            "new-password"}))
    password2 = forms.CharField(label=_("Repeat the password"), widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}))

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            raise forms.ValidationError(_("The two passwords differ."))
        return data


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files; each is judged by its content in the service (core.uploads)."""

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(_("At most %(n)d photos.") % {"n": MAX_PHOTOS})
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class ReportForm(Styled, OnceFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("What is it?"), choices=OnlineReport.Kind.choices, widget=forms.RadioSelect,
                             initial=OnlineReport.Kind.REPAIR)
    content = forms.CharField(label=_("Describe it"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    preferred_time = forms.CharField(label=_("When may we come?"), max_length=60, required=False,
                                     help_text=_("For example: weekday evenings after 18:00"))
    photos = MultipleFileField(label=_("Photos (at most %(n)d)") % {"n": MAX_PHOTOS}, required=False,
                             widget=MultipleFileInput(attrs={"accept": IMAGE_ACCEPT, "multiple": True}))


class EvaluationForm(Styled, OnceFormMixin, forms.Form):
    value = forms.ChoiceField(label=_("Your evaluation"), choices=OnlineEvaluation.Value.choices,
                              widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment"), max_length=300, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))


class AccountOpenForm(forms.Form):
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False)
    email = forms.EmailField(label=_("Email"), required=False)


class ConfirmForm(OnceFormMixin, forms.Form):
    category = forms.ModelChoiceField(label=_("Category"), queryset=None, required=False)
    subject = forms.CharField(label=_("Subject"), max_length=60, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)


        self.fields["category"].queryset = categories_active()


class DeclineForm(OnceFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class NoticeForm(OnceFormMixin, forms.Form):
    site = forms.ModelChoiceField(label=_("Site"), queryset=None)
    kind = forms.ChoiceField(label=_("Kind"), choices=Notice.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=100)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args, sites=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        if sites is not None and len(sites) == 1:
            self.initial["site"] = sites[0].pk
