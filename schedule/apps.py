from django.apps import AppConfig


class ScheduleConfig(AppConfig):
    name = "schedule"
    verbose_name = "Programme"

    def ready(self):
        from . import revisions  # noqa: F401  (connects the revision signal)
