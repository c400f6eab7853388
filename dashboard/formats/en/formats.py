"""English: year first and a 24-hour clock, as ModelArts' console writes times, with the zone last."""

DATETIME_FORMAT = "Y-m-d H:i:s T"  # 2025-05-31 20:52:39 UTC
