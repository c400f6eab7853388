from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from modelarts.client import MAX_JOB_ID

from .models import AutoStopPolicy


class LookupForm(forms.Form):
    """A job id typed by a person: checked here so a bad one never reaches ModelArts."""

    project_id = forms.ChoiceField(label=_("Project"))
    job_id = forms.CharField(
        label=_("Visualization job ID"),
        max_length=19,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "placeholder": _("e.g. 10086")}),
    )

    def __init__(self, *args, credentials, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["project_id"]).choices = [(c.project_id, str(c)) for c in credentials]

    def clean_job_id(self) -> int:
        text = self.cleaned_data["job_id"].strip()
        if not text.isascii() or not text.isdigit():
            raise forms.ValidationError(_("A job ID is a number, such as 10086."))
        job_id = int(text)
        if not 0 < job_id <= MAX_JOB_ID:
            raise forms.ValidationError(_("This number is too large to be a job ID."))
        return job_id


class DescriptionForm(forms.Form):
    """A job's new description, within ModelArts' limit (0-256 characters), so a longer one is never sent."""

    job_desc = forms.CharField(
        label=_("Description"),
        max_length=256,
        required=False,
        help_text=_("Up to 256 characters."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class AutoStopForm(forms.Form):
    """A project's auto-stop policy: the hours after which running jobs are stopped, or none for no policy."""

    hours = forms.IntegerField(
        label=_("Stop visualization jobs running longer than (hours)"),
        required=False,
        min_value=AutoStopPolicy.MIN_HOURS,
        max_value=AutoStopPolicy.MAX_HOURS,
        help_text=_("From 1 to 168 (a week). Leave it empty to turn the policy off."),
    )
