"""Simplified Chinese: the date as Chinese writes it (Django's own zh_Hans format), then the time to the second
and the zone, which Django's format leaves out."""

DATETIME_FORMAT = "Y年n月j日 H:i:s T"  # 2025年5月31日 20:52:39 UTC
