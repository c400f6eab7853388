"""What a list shows, all of it in the query string so a copied URL reproduces the view, and the steps
every list runs (the overview, a project's page and the JSON list): validate the query string, queue a
refresh of the stale lists, filter, sort, paginate.

Filtering, sorting and paging run in the database on the cached rows: lists never call ModelArts. A stale
or never-fetched list is served as stored while the background worker refreshes it (jobs.tasks).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.core.paginator import Page, Paginator
from django.core.validators import ProhibitNullCharactersValidator
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import OrderBy
from django.db.models.functions import Lower
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from accounts.models import Credential
from modelarts.client import MAX_INTEGER, MAX_JOB_ID

from . import refresh, tasks
from .models import JobListRefresh
from .status import GROUP_LABELS, GROUPS, STATUSES, status_for

# Names sort case-insensitively, the same on every database (SQLite compares bytes by default).
SORTS: dict[str, F | Lower] = {
    "created": F("create_time"),
    "name": Lower("job_name"),
    "status": F("status"),
    "duration": F("duration_ms"),
}
SORT_CHOICES = [
    ("-created", gettext_lazy("Newest first")),
    ("created", gettext_lazy("Oldest first")),
    ("name", gettext_lazy("Name A–Z")),
    ("-name", gettext_lazy("Name Z–A")),
    ("status", gettext_lazy("Status code ascending")),
    ("-status", gettext_lazy("Status code descending")),
    ("-duration", gettext_lazy("Longest running")),
    ("duration", gettext_lazy("Shortest running")),
]
DEFAULT_SORT = "-created"
# The sortable columns, and the direction a first click on one sorts in (names A–Z, the newest and the longest
# first): a second click reverses it.
COLUMN_FIRST_SORT = {"name": "name", "status": "status", "created": "-created", "duration": "-duration"}
PAGE_SIZES = (10, 25, 50, 100, 200)
DEFAULT_PAGE_SIZE = 25
MAX_SEARCH = 64


class SearchField(forms.CharField):
    """Any text, NUL included: no job name holds a NUL (the databases cannot store one), so such a search
    finds nothing rather than being refused."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators = [v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)]


# What a yes/no parameter may say: the checkbox sends "on"; people and links write the others.
YES_WORDS = frozenset({"1", "on", "true", "yes"})
NO_WORDS = frozenset({"", "0", "off", "false", "no"})
MAX_SHOWN_VALUE = 30  # characters of a wrong value quoted back in a message


def _shown(value: object) -> str:
    """A value from the address as a message quotes it: shortened, so a long one cannot fill the page."""
    text = str(value)
    return text if len(text) <= MAX_SHOWN_VALUE else text[: MAX_SHOWN_VALUE - 1] + "…"


def is_yes(value: object) -> bool:
    """A yes word; any other ("maybe" included) is not a yes."""
    return value is True or str(value).strip().lower() in YES_WORDS


class YesNoCheckbox(forms.CheckboxInput):
    """A checkbox that passes on what the address says, so that the field can refuse a word that is neither yes
    nor no (Django's checkbox takes any text as ticked), and that is ticked only for a yes."""

    def __init__(self, attrs=None):
        super().__init__(attrs, check_test=is_yes)

    def value_from_datadict(self, data, files, name):
        return data.get(name, "")

    def format_value(self, value) -> None:
        """No value attribute: ticked, the box sends "on" (a yes), never the word that was refused."""
        return None


class YesNoField(forms.Field):
    """A yes/no filter: "long_running=maybe" is neither, and is refused rather than taken as yes."""

    widget = YesNoCheckbox
    default_error_messages = {
        "invalid": gettext_lazy("“%(value)s” is neither yes nor no: tick the box or leave it empty."),
    }

    def to_python(self, value) -> bool:
        if isinstance(value, bool):
            return value
        word = str(value).strip().lower()
        if word in YES_WORDS:
            return True
        if word in NO_WORDS:
            return False
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid", params={"value": _shown(value)})


class ListQueryForm(forms.Form):
    """Validates the query string. Sort and paging mistakes are corrected (the form then shows the value in use
    and one notice says what was replaced); unusable filters are a 400, the form marking the wrong field."""

    q = SearchField(label=gettext_lazy("Search"), required=False, max_length=MAX_SEARCH, strip=True)
    group = forms.ChoiceField(
        label=gettext_lazy("Status group"),
        required=False,
        choices=[("", gettext_lazy("All groups")), *((group, GROUP_LABELS[group]) for group in GROUPS)],
    )
    status = forms.TypedChoiceField(
        label=gettext_lazy("Status"), required=False, coerce=int, empty_value=None, choices=[]
    )
    # Typed as any field: ApiListQueryForm declares stricter ones under these names.
    long_running: forms.Field = YesNoField(label=gettext_lazy("Only long-running"), required=False)
    sort = forms.ChoiceField(label=gettext_lazy("Sort"), required=False, choices=SORT_CHOICES)
    per_page = forms.TypedChoiceField(
        label=gettext_lazy("Per page"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[(n, n) for n in PAGE_SIZES],
    )
    page: forms.Field = forms.CharField(required=False, widget=forms.HiddenInput)

    CORRECTABLE: tuple[str, ...] = ("sort", "per_page", "page")
    # What a correctable parameter becomes when its value is not offered.
    DEFAULTS = {"sort": DEFAULT_SORT, "per_page": DEFAULT_PAGE_SIZE, "page": 1}

    def __init__(self, data, *args, **kwargs):
        # Show the size and sort in use, so "Apply" keeps them rather than switching to the first choice.
        if data is not None and not (data.get("per_page") and data.get("sort")):
            data = data.copy()
            data["per_page"] = data.get("per_page") or str(DEFAULT_PAGE_SIZE)
            data["sort"] = data.get("sort") or DEFAULT_SORT
        super().__init__(data, *args, **kwargs)
        # Built per request, so the labels are in the viewer's language.
        status_choices = [(code, f"{code} · {status.display_label}") for code, status in STATUSES.items()]
        requested = self._requested_status()
        if requested is not None and requested not in STATUSES:  # codes beyond the table
            status_choices.append((requested, f"{requested} · {status_for(0).display_label}"))
        cast(forms.ChoiceField, self.fields["status"]).choices = [("", gettext("Any status")), *status_choices]

    def _requested_status(self) -> int | None:
        value = self.data.get("status", "")
        try:
            code = int(value)
        except (TypeError, ValueError):
            return None
        return code if -MAX_INTEGER <= code <= MAX_INTEGER else None

    def clean_page(self) -> int:
        """Non-numeric or negative pages show the first page; huge ones are clamped by the paginator. (The
        API's form has validated its number already, and passes through here unchanged.)"""
        try:
            return max(int(self.cleaned_data["page"]), 1)
        except (TypeError, ValueError):  # TypeError: the API's form leaves None for no page
            return 1

    def full_clean(self) -> None:
        """Validates, then replaces each correctable mistake by its default: in the cleaned data, and in the data
        the form shows, so that the controls show the view in use and only the fatal errors remain marked."""
        super().full_clean()
        self.corrected: dict[str, str] = {}
        for name in self.CORRECTABLE:
            if name in self.errors:
                del self.errors[name]
                self.corrected[name] = _shown(self.data.get(name, ""))
                self.cleaned_data[name] = self.DEFAULTS[name]
        if self.corrected:
            # A request's QueryDict cannot be changed, its copy can (as a dict's can): a mapping to write to.
            data = cast("dict[str, Any]", copy.copy(self.data))
            for name in self.corrected:
                data[name] = str(self.DEFAULTS[name])
            self.data = data

    @property
    def notices(self) -> list[str]:
        """One notice saying which values of the address were replaced, and by what; none when nothing was."""
        self.errors  # noqa: B018  (validates the form, if that has not happened yet)
        replaced = []
        if "sort" in self.corrected:
            label = dict(SORT_CHOICES)[DEFAULT_SORT]
            replaced.append(
                gettext("sort “%(given)s” by “%(used)s”") % {"given": self.corrected["sort"], "used": label}
            )
        if "per_page" in self.corrected:
            replaced.append(
                gettext("%(given)s jobs per page by %(used)s")
                % {"given": self.corrected["per_page"], "used": DEFAULT_PAGE_SIZE}
            )
        if not replaced:  # a page that cannot be read is the first page, which needs no notice
            return []
        return [gettext("Replaced what this list does not offer: %(replaced)s.") % {"replaced": ", ".join(replaced)}]

    @property
    def cleared_querystring(self) -> str:
        """The way back from any mistake: the list without filters, its valid sort and page size kept."""
        return self.query().cleared_querystring

    def query(self) -> ListQuery:
        """The view to show: valid values as given, correctable mistakes replaced by defaults."""
        errors = self.errors  # validates the form, if that has not happened yet
        cleaned = {name: value for name, value in self.cleaned_data.items() if name not in errors}
        return ListQuery(
            search=cleaned.get("q") or "",
            group=cleaned.get("group") or "",
            status=cleaned.get("status"),
            long_running=bool(cleaned.get("long_running")),
            sort=cleaned.get("sort") or DEFAULT_SORT,
            per_page=cleaned.get("per_page") or DEFAULT_PAGE_SIZE,
            page=cleaned.get("page", 1),
        )


class ApiListQueryForm(ListQueryForm):
    """The list's parameters for scripts, which get a 400 for any value the API description does not allow.

    The page takes yes and no words for long_running ("on" from its checkbox, "1", "yes"...), replaces a sort
    or page size it does not offer and shows any page it cannot read as the first, which suits a person who
    sees the result and the notice; a script would silently get another list than it asked for. So the API
    takes true or false only, and refuses the rest.
    """

    long_running = forms.TypedChoiceField(
        required=False, choices=[("true", "true"), ("false", "false")], coerce=lambda value: value == "true"
    )
    page = forms.IntegerField(required=False, min_value=1)

    CORRECTABLE = ()


@dataclass
class ListQuery:
    search: str = ""
    group: str = ""
    status: int | None = None
    long_running: bool = False
    sort: str = DEFAULT_SORT
    per_page: int = DEFAULT_PAGE_SIZE
    page: int = 1

    def params(self, **changes) -> dict[str, str]:
        """Query-string parameters that differ from the defaults, with ``changes`` applied."""
        values = {
            "q": self.search,
            "group": self.group,
            "status": "" if self.status is None else str(self.status),
            "long_running": "1" if self.long_running else "",
            "sort": "" if self.sort == DEFAULT_SORT else self.sort,
            "per_page": "" if self.per_page == DEFAULT_PAGE_SIZE else str(self.per_page),
            "page": "" if self.page == 1 else str(self.page),
        }
        values.update({name: str(value) for name, value in changes.items()})
        return {name: value for name, value in values.items() if value and not (name == "page" and value == "1")}

    def querystring(self, **changes) -> str:
        params = self.params(**changes)
        return "?" + urlencode(params) if params else "?"

    @property
    def cleared_querystring(self) -> str:
        """The same list without its filters (its sort and page size kept), on the first page."""
        return self.querystring(q="", group="", status="", long_running="", page=1)

    @property
    def is_filtered(self) -> bool:
        return bool(self.search or self.group or self.status is not None or self.long_running)

    def column_sort(self, column: str) -> tuple[str, str]:
        """How a sortable column's header shows this list: its aria-sort ("ascending" or "descending", or "" when
        another column sorts the list) and the sort its link asks for: the other direction when the list is
        sorted by this column, else the column's first direction (COLUMN_FIRST_SORT)."""
        if self.sort.lstrip("-") != column:
            return "", COLUMN_FIRST_SORT[column]
        if self.sort.startswith("-"):
            return "descending", column
        return "ascending", "-" + column


def long_running_since(now: datetime) -> datetime:
    return now - timedelta(hours=settings.LONG_RUNNING_HOURS)


def filter_jobs(jobs: QuerySet, query: ListQuery, now: datetime) -> QuerySet:
    if "\x00" in query.search:
        return jobs.none()  # no name holds a NUL, and PostgreSQL refuses one in a query
    if query.search:
        match = Q(job_name__icontains=query.search)
        if query.search.isascii() and query.search.isdigit() and int(query.search) <= MAX_JOB_ID:
            match |= Q(job_id=int(query.search))
        jobs = jobs.filter(match)
    if query.group:
        jobs = jobs.filter(status_group=query.group)
    if query.status is not None:
        jobs = jobs.filter(status=query.status)
    if query.long_running:
        jobs = jobs.filter(status_group="running", running_since__lte=long_running_since(now))
    return jobs.order_by(*_ordering(query.sort))


def _ordering(sort: str) -> tuple[OrderBy, OrderBy]:
    """Missing values last whatever the direction, the same on SQLite and PostgreSQL; ties by job id."""
    descending = sort.startswith("-")
    column = SORTS[sort.lstrip("-")]
    if descending:
        return column.desc(nulls_last=True), F("job_id").desc()
    return column.asc(nulls_last=True), F("job_id").asc()


def paginate(jobs: QuerySet, query: ListQuery) -> Page:
    paginator = Paginator(jobs, query.per_page)
    return paginator.get_page(min(query.page, paginator.num_pages))


@dataclass(frozen=True)
class JobList:
    """A list as run by list_jobs. ``page`` and ``query`` are None when the query string is unusable
    (``form`` says why); nothing was refreshed then, and ``states`` are the stored ones."""

    form: ListQueryForm
    states: dict[int, JobListRefresh | None]
    query: ListQuery | None = None
    page: Page | None = None
    # When nothing is listed: how many jobs there are without the filters, for the page to tell "no job matches
    # these filters" from "there are no jobs".
    total: int | None = None
    # When nothing is listed: some list was never fetched, so that nothing listed does not mean "no jobs".
    unfetched: bool = False


def list_jobs(
    jobs: QuerySet, data: QueryDict, form_class: type[ListQueryForm], credentials: list[Credential]
) -> JobList:
    """A page's list from ``jobs``, rows of ``credentials``' lists (the JSON list runs run_query itself, once
    its parameters, ListParams, have been judged by ApiListQueryForm).

    The query string is judged first, as it depends on nothing else: a bad one costs ModelArts no refresh.
    The page's form corrects mistakes in sorting and paging; the API's refuses any invalid value.
    """
    form = form_class(data)
    if not form.is_valid():  # only fatal errors are left: correctable ones were replaced
        return JobList(form, refresh.list_states(credentials))
    query = form.query()
    states, page = run_query(jobs, query, credentials)
    total, unfetched = None, False
    if page.paginator.count == 0:
        total = jobs.count() if query.is_filtered else 0  # one more query, only for an empty result
        unfetched = any(getattr(states.get(credential.pk), "fetched_at", None) is None for credential in credentials)
    return JobList(form, states, query, page, total, unfetched)


def run_query(
    jobs: QuerySet, query: ListQuery, credentials: list[Credential]
) -> tuple[dict[int, JobListRefresh | None], Page]:
    """A valid query's page, after queuing a refresh of those of ``credentials``' lists that are stale: the
    one way every list is made."""
    states = tasks.queue_stale_refreshes(credentials)
    return states, paginate(filter_jobs(jobs, query, timezone.now()), query)
