"""The regions as people know them: the console's name, then the code that URLs and SDKs use.

The codes and their endpoints live in modelarts.regions, which knows nothing of Django; the names are here so
they can be translated (the console shows Chinese names in Chinese). Where the console's name for a region is
not certain, only its area is named: the code beside it still tells the region apart, and a wrong name would
send people to the wrong project id.
"""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from modelarts.regions import REGIONS

REGION_NAMES = {
    "cn-north-1": _("CN North-Beijing1"),
    "cn-north-2": _("CN North-Beijing2"),
    "cn-north-4": _("CN North-Beijing4"),
    "cn-north-9": _("CN North-Ulanqab1"),
    "cn-north-11": _("CN North"),
    "cn-north-12": _("CN North"),
    "cn-east-3": _("CN East-Shanghai1"),
    "cn-east-4": _("CN East2"),
    "cn-south-1": _("CN South-Guangzhou"),
    "cn-southwest-2": _("CN Southwest-Guiyang1"),
    "cn-southwest-3": _("CN Southwest"),
    "ap-southeast-1": _("CN-Hong Kong"),
    "ap-southeast-2": _("AP-Bangkok"),
    "ap-southeast-3": _("AP-Singapore"),
    "ap-southeast-4": _("AP-Jakarta"),
    "af-south-1": _("AF-Johannesburg"),
    "af-north-1": _("AF-Cairo"),
    "la-south-2": _("LA-Santiago"),
    "la-north-2": _("LA-Mexico City2"),
    "sa-brazil-1": _("LA-Sao Paulo1"),
    "tr-west-1": _("TR-Istanbul"),
    "me-east-1": _("ME-Riyadh"),
}


def region_label(code: str) -> str:
    """ "CN North-Beijing4 (cn-north-4)", in the current language; a code without a name stays as it is."""
    name = REGION_NAMES.get(code)
    if name is None:
        return code
    return gettext("%(name)s (%(code)s)") % {"name": name, "code": code}


def region_choices() -> list[tuple[str, str]]:
    """Every region, labelled in the current language: made for each form, so in its request's language."""
    return [(code, region_label(code)) for code in REGIONS]
