from django.db import models


class ProgrammeVersion(models.Model):
    """One row whose number moves on whenever any programme data changes: cached pages are keyed on it, so a
    change anywhere (admin, loader, import, migration) retires every cached page at once, in every process."""

    number = models.PositiveBigIntegerField(default=1)
    changed_at = models.DateTimeField()

    class Meta:
        verbose_name = "programme version"

    def __str__(self):
        return f"version {self.number} ({self.changed_at:%Y-%m-%d %H:%M:%S})"
