"""Every save of a Revised row gets a new revision, whoever saves it: the admin, load_workshop, loaddata
(whose raw saves skip Model.save(), hence a signal), a spreadsheet import. A random token rather than a
counter: a reload that brought an old counter back could make a stale form look current."""

import uuid

from django.db.models.signals import pre_save
from django.dispatch import receiver

from .models import Revised


@receiver(pre_save)
def new_revision(sender, instance, **kwargs):
    if isinstance(instance, Revised):
        instance.revision = uuid.uuid4()
