"""How RunnerHub shows dates and times, everywhere: the thread, article pages, admin columns
and emails. Django reads these through FORMAT_MODULE_PATH, so `formats.date_format`, the
`date` template filter and admin's own date columns all use them; runnerhub/dates.py is the
one helper Python code calls. "May 18, 2013 at 6:07am" is the comment date of the page the
site grew from; Django's `a` says "a.m.", which locale/en_GB turns into "am".
"""

DATE_FORMAT = "F j, Y"  # May 18, 2013
TIME_FORMAT = "g:ia"  # 6:07am
DATETIME_FORMAT = r"F j, Y \a\t g:ia"  # May 18, 2013 at 6:07am
YEAR_MONTH_FORMAT = "F Y"  # May 2013
MONTH_DAY_FORMAT = "F j"  # May 18
SHORT_DATE_FORMAT = "M j, Y"  # May 18, 2013 with the month cut to three letters
SHORT_DATETIME_FORMAT = r"M j, Y \a\t g:ia"
FIRST_DAY_OF_WEEK = 1  # Monday
# Input formats stay Django's en_GB ones (25/10/2006): the admin's date widgets write them.
