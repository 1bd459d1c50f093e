"""The department vocabulary: table names and allowed values, shared by contracts and the engine."""

SHIFT_KINDS = ("day", "evening", "night", "long-day", "on-call")
LEAVE_TYPES = ("annual", "sick", "study", "parental", "other")
LEAVE_STATUSES = ("approved", "requested", "declined")
REQUESTS = ("prefer", "avoid", "day_off")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
DAY_KEYWORDS = ("all", "weekday", "weekend")
EVENT_TYPES = ("sick", "unavailable", "extra_cover", "training", "leave_cancelled")
TABLES = (
    "registrars",
    "shift_types",
    "cover",
    "leave",
    "preferences",
    "training",
    "partners",
    "history",
    "history_totals",
    "public_holidays",
    "events",
)
REQUIRED_TABLES = ("registrars", "shift_types", "cover")
