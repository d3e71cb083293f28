"""Merging two records of one person into one."""

from django.db import transaction

from .ordered_lists import ordered_lists


@transaction.atomic
def merge_people(keep, others):
    """Fold others into keep. Every list they stood in keeps them at the same place; where keep and another
    record stood in the same list, the earlier place is kept. Blank details of keep are filled from others."""
    others = [other for other in others if other.pk != keep.pk]
    for model, owner in ordered_lists():
        for other in others:
            for entry in model.objects.filter(speaker=other):
                existing = model.objects.filter(**{owner: getattr(entry, f"{owner}_id")}, speaker=keep).first()
                if existing is None:
                    entry.speaker = keep
                    entry.save()
                    continue
                if entry.position < existing.position:
                    existing.position = entry.position
                    existing.save()
                entry.delete()
    for other in others:
        for field in ("affiliation", "homepage"):
            if not getattr(keep, field) and getattr(other, field):
                setattr(keep, field, getattr(other, field))
    keep.save()
    for other in others:
        other.delete()
    return keep
