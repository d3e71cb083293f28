"""The ordered lists a person stands in (session speakers, poster authors, workshop organizers), generically."""

from .models import OrderedPerson, Speaker


def ordered_lists():
    """Every list a person can stand in, as (through model, name of its link to the list's owner), without
    naming the apps that define them: each is an OrderedPerson, whose OWNER names its link to the owner."""
    for relation in Speaker._meta.related_objects:
        model = relation.related_model
        if issubclass(model, OrderedPerson):
            yield model, model.OWNER


def lists_of(model):
    """The ordered lists whose owner is a model instance (a Session has its speakers)."""
    return [(through, owner) for through, owner in ordered_lists()
            if through._meta.get_field(owner).related_model is model]


def set_people(owner, through, owner_field, people):
    """Make owner's list exactly people, in that order (a person listed twice keeps the first place); rows
    already right are left alone, so the history shows only what changed."""
    wanted = list(dict.fromkeys(people))
    wanted_ids = {person.pk for person in wanted}
    current = {entry.speaker_id: entry for entry in through.objects.filter(**{owner_field: owner})}
    for entry in current.values():
        if entry.speaker_id not in wanted_ids:
            entry.delete()
    for position, person in enumerate(wanted):
        entry = current.get(person.pk)
        if entry is None:
            through.objects.create(**{owner_field: owner}, speaker=person, position=position)
        elif entry.position != position:
            entry.position = position
            entry.save()
