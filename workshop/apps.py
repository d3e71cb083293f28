from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save


class WorkshopConfig(AppConfig):
    name = "workshop"
    verbose_name = "Workshop site"

    def ready(self):
        # Here rather than where the cache middleware is imported, so that every writer retires cached pages:
        # the admin, the loader, a script, `manage.py shell`.
        from . import caching

        post_save.connect(caching.programme_changed, dispatch_uid="programme-saved")
        post_delete.connect(caching.programme_changed, dispatch_uid="programme-deleted")
        m2m_changed.connect(caching.programme_changed, dispatch_uid="programme-links-changed")
        post_migrate.connect(caching.migrated, dispatch_uid="programme-migrated")
