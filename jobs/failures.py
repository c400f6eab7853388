"""Failures told to people: what happened, ModelArts' own words, and what to do next."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext, gettext_noop

from accounts.crypto import SecretMissing, SecretUnreadable
from modelarts.errors import ModelArtsError


@dataclass(frozen=True)
class Explanation:
    """A failure told to a person: what happened, the upstream code and words, what to do next.

    ``title`` and ``advice`` are the English texts, which are also the translation catalog's keys: they are
    stored like that (a list's last failure) and translated when shown, in each viewer's own language.
    ``message`` is ModelArts' own words (or the transport failure), shown as they came.
    """

    title: str
    message: str
    advice: str

    @property
    def translated_title(self) -> str:
        return gettext(self.title) if self.title else ""

    @property
    def translated_advice(self) -> str:
        return gettext(self.advice) if self.advice else ""

    def __str__(self) -> str:
        message = "" if self.message == self.title else f" {self.message}"  # an error without words of its own
        return f"{self.translated_title}{message} — {self.translated_advice}"


def explain(error: ModelArtsError | SecretUnreadable) -> Explanation:
    if isinstance(error, SecretMissing):
        return Explanation(
            gettext_noop("No secret is stored for this credential."),
            str(error),
            gettext_noop("Enter the secret again on the credential's page."),
        )
    if isinstance(error, SecretUnreadable):
        return Explanation(
            gettext_noop("The stored secret cannot be read."),
            str(error),
            gettext_noop("Enter the secret again on the credential's page."),
        )
    return Explanation(error.title, str(error), error.advice)
