"""The public change log of a workshop's programme: the log itself (log.py), its page (views.py) and its Atom
feed (feed.py); the "changed" marks on the timetable and detail pages are the template tags in
workshop/templatetags/changes.py."""
