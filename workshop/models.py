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


class ImportedRow(models.Model):
    """What the last import set on one programme row, field by field: a field whose value now differs from it was
    edited by hand since, and a re-import keeps the edit (workshop/loading.py)."""

    content_type = models.ForeignKey("contenttypes.ContentType", models.CASCADE)
    object_id = models.CharField(max_length=64)
    values = models.JSONField(default=dict)  # attname → the value as JSON (DjangoJSONEncoder)

    class Meta:
        verbose_name = "imported row"
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="importedrow_one_per_row"),
        ]

    def __str__(self):
        return f"{self.content_type} {self.object_id}"
