"""Refusing an admin save based on a form opened before someone else saved the same row.

The form carries the revision it was opened at. On save, if the row's revision has moved on, the save is
refused with what the other person changed (read from the history), the organizer's input stays in the
form, and the form now carries the new revision: saving again, after reading, is a deliberate choice.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

SEEN_REVISION = "seen_revision"


def describe_changes_since(instance, seen_revision):
    """(who, when, [(field label, before, after)]) of what was saved since seen_revision, as far as the
    history knows; who and when are None when it knows nothing."""
    history = instance.history.all()  # newest first
    latest = history.first()
    seen = history.filter(revision=seen_revision).first() if seen_revision else None
    if latest is None:
        return None, None, []
    changes = []
    if seen is not None:
        delta = latest.diff_against(seen, excluded_fields=["revision"])
        for change in delta.changes:
            label = instance._meta.get_field(change.field).verbose_name
            changes.append((str(label).capitalize(), change.old, change.new))
    return latest.history_user, latest.history_date, changes


def shorten(value, limit=80):
    text = "—" if value in (None, "") else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class RevisionCheckedForm(forms.ModelForm):
    seen_revision = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:  # a posted form carries the revision it was opened at
            # The row's revision as it stands, which is what the organizer is shown as current: the instance
            # may be an earlier version from the history, opened to be restored.
            model = type(self.instance)
            current = model._default_manager.filter(pk=self.instance.pk).values_list("revision", flat=True).first()
            self.fields[SEEN_REVISION].initial = current or self.instance.revision

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk:
            return cleaned
        model = type(self.instance)
        # Lock the row until the admin's transaction ends, so that no save slips in between check and write.
        # Unordered: a model's default ordering may join a nullable link (a poster's room), and PostgreSQL
        # cannot lock the nullable side of an outer join.
        locked = model._default_manager.select_for_update().filter(pk=self.instance.pk).order_by()
        current = locked.values_list("revision", flat=True).first()
        seen = cleaned.get(SEEN_REVISION)
        if current is None or seen == current:
            return cleaned
        who, when, changes = describe_changes_since(self.instance, seen)
        self.data = self.data.copy()
        self.data[self.add_prefix(SEEN_REVISION)] = str(current)
        name = model._meta.verbose_name
        by = f" by {who.get_username()}" if who else ""
        at = f" at {timezone.localtime(when):%H:%M:%S %Z}" if when else ""
        messages = [
            f"Not saved: this {name} was changed{by}{at} after you opened it. Your input is still in the form below."
        ]
        messages += [f"They changed {label}: “{shorten(before)}” → “{shorten(after)}”." for label, before, after in changes]
        messages.append("Check your input against their changes; saving again will replace their version with yours.")
        raise ValidationError(messages, code="stale")
