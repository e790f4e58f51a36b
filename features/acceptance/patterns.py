"""The pieces of step text every step module matches the same way (regular expressions with
named groups, behave's "re" matcher)."""

DATE = r"(?P<day>\d{4}-\d{2}-\d{2})"
TIME = r"(?P<time>\d{1,2}:\d{2})"
WEEKDAY = r"(?: \((?P<weekday>[^)]+)\))?"  # an optional "(Tuesday)" after a date, checked
PHONE = r'["«](?P<phone>[^"»]+)["»]'
# A reason, with or without quotes ("..." or «...»): the refusal must contain it.
REASON = r'["«]?(?P<reason>.+?)["»]?'
PTS = r"points?"
PTS_RU = r"балл(?:а|ов)?"
DAYS_RU = r"(?:день|дня|дней)"
VALUE = r"(?P<value>\d+(?:\.\d+)?)"  # a money amount or a count
