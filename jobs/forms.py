import re
from typing import Any, cast

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


# ModelArts' rules for a new visualization job, as its API reference states them.
JOB_NAME = re.compile(r"[\w-]{1,20}")  # letters (any script), digits, "_" and "-"
MAX_DESCRIPTION = 256
MAX_TRAIN_URL = 1024  # an OBS object key's limit
MAX_AUTOSTOP_HOURS = 24
AUTOSTOP_CHOICES = [
    ("", _("Never")),
    ("1", _("After 1 hour")),
    ("2", _("After 2 hours")),
    ("4", _("After 4 hours")),
    ("6", _("After 6 hours")),
    ("custom", _("After a custom number of hours")),
]
# OBS bucket names: 3-63 lowercase letters, digits, "-" and ".", starting and ending with a letter or digit,
# no ".." and no "-" beside a "." ; and not an IP address.
BUCKET = re.compile(r"[a-z0-9](?:[a-z0-9.-]{1,61})[a-z0-9]")
IP_ADDRESS = re.compile(r"\d+\.\d+\.\d+\.\d+")


def train_url_as_sent(path: str) -> str:
    """``obs://bucket/path/``, as the console shows it, in the form ModelArts' own samples send: ``/bucket/path/``."""
    return path[len("obs:/") :] if path.startswith("obs://") else path


def normalise_train_url(text: str) -> str:
    """The training output directory in the form sent to ModelArts: ``/bucket/path/``.

    People copy it from the console, which shows ``obs://bucket/path/``; the API reference's create samples send
    ``/bucket/path/``, and that is the form this dashboard sends (the form the API documents is the one its
    own examples prove). Both are accepted here; a missing final "/" is added, since it names a directory.
    Raises ValidationError naming the rule broken.
    """
    path = train_url_as_sent(text.strip())
    if not path.startswith("/"):
        raise forms.ValidationError(
            _("Give an OBS directory such as obs://bucket/path/ or /bucket/path/."), code="train_url_form"
        )
    if not path.endswith("/"):
        path += "/"
    bucket, *folders = path[1:-1].split("/")
    if (
        not BUCKET.fullmatch(bucket)
        or ".." in bucket
        or ".-" in bucket
        or "-." in bucket
        or IP_ADDRESS.fullmatch(bucket)
    ):
        raise forms.ValidationError(
            _(
                "“%(bucket)s” is not an OBS bucket name: 3-63 lowercase letters, digits, hyphens and periods, "
                "starting and ending with a letter or digit."
            ),
            code="bucket",
            params={"bucket": bucket},
        )
    if any(folder in ("", ".", "..") for folder in folders) or any(character.isspace() for character in path):
        raise forms.ValidationError(
            _("The path has an empty, “.” or “..” folder, or a space: give the directory as OBS names it."),
            code="train_url_path",
        )
    if len(path) > MAX_TRAIN_URL:
        raise forms.ValidationError(
            _("The path is longer than %(limit)s characters."), code="train_url_length", params={"limit": MAX_TRAIN_URL}
        )
    return path


class NewJobForm(forms.Form):
    """A new visualization job, checked against ModelArts' rules so that a job it would refuse is never sent.

    ``token`` is the form's one-time token (jobs.models.JobCreation): the same form sent twice creates one job.
    """

    token = forms.UUIDField(widget=forms.HiddenInput)
    job_name = forms.CharField(
        label=_("Name"),
        max_length=20,
        help_text=_("1-20 letters, digits, underscores (_) and hyphens (-)."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"max_length": _("A job name has at most 20 characters (it has %(show_value)d).")},
    )
    train_url = forms.CharField(
        label=_("Training output path"),
        max_length=MAX_TRAIN_URL + len("obs://"),
        help_text=_("The OBS directory holding the event files, such as obs://bucket/path/ or /bucket/path/."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "obs://bucket/path/"}),
    )
    job_type = forms.ChoiceField(
        label=_("Type"), choices=[("tensorboard", "TensorBoard"), ("mindinsight", "MindInsight")], initial="tensorboard"
    )
    job_desc = forms.CharField(
        label=_("Description"),
        max_length=MAX_DESCRIPTION,
        required=False,
        help_text=_("Up to 256 characters."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    auto_stop = forms.ChoiceField(label=_("Auto-stop"), choices=AUTOSTOP_CHOICES, required=False)
    custom_hours = forms.IntegerField(
        label=_("Custom hours"),
        required=False,
        min_value=1,
        max_value=MAX_AUTOSTOP_HOURS,
        help_text=_("For a custom auto-stop: 1-24 hours."),
    )

    def clean_job_name(self) -> str:
        name = self.cleaned_data["job_name"].strip()
        if not JOB_NAME.fullmatch(name):
            raise forms.ValidationError(
                _("A job name may contain only letters, digits, underscores (_) and hyphens (-)."), code="job_name"
            )
        return name

    def clean_train_url(self) -> str:
        return normalise_train_url(self.cleaned_data["train_url"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            cleaned.get("auto_stop") == "custom"
            and cleaned.get("custom_hours") is None
            and "custom_hours" not in self.errors
        ):
            self.add_error("custom_hours", _("Give the hours after which the job stops: 1-24."))
        return cleaned

    @property
    def autostop_hours(self) -> int | None:
        """The hours after which ModelArts stops the job once it runs, or None for never."""
        choice = self.cleaned_data.get("auto_stop")
        if not choice:
            return None
        return self.cleaned_data["custom_hours"] if choice == "custom" else int(choice)
