from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from workshop.importers.errors import LoadError
from workshop.importers.files import MB
from workshop.loading import LISTED_PROBLEMS, load_file


class Command(BaseCommand):
    help = "Load a programme, all or nothing: every object checked by the model rules, every problem listed."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="A fixture file, or the name of one in fixtures/.")
        parser.add_argument("--dry-run", action="store_true", help="Validate and report only; write nothing.")
        parser.add_argument(
            "--prune",
            action="store_true",
            help="Delete the rows of the file's workshops that the file no longer names (kept otherwise).",
        )
        parser.add_argument(
            "--prefer-file",
            action="store_true",
            help="The file's values replace fields edited by hand since the last import (kept and reported otherwise).",
        )
        parser.add_argument(
            "--max-size",
            type=float,
            metavar="MB",
            help="Refuse a larger file (default: DJANGO_PROGRAMME_FILE_MAX_MB, "
            f"now {settings.PROGRAMME_FILE_MAX_BYTES / MB:g}).",
        )

    def handle(self, *args, path, dry_run, max_size=None, prune=False, prefer_file=False, **options):
        if max_size is not None and not max_size > 0:
            raise CommandError("--max-size must be a positive number of megabytes")
        max_bytes = None if max_size is None else int(max_size * MB)
        try:
            report = load_file(self.find(Path(path)), dry_run=dry_run, max_bytes=max_bytes, prune=prune,
                               prefer_file=prefer_file)
        except LoadError as error:
            raise CommandError(str(error))
        for warning in report.warnings:
            self.stderr.write(self.style.WARNING(f"warning: {warning}"))
        if not report.ok:
            for problem in report.problems[:LISTED_PROBLEMS]:
                self.stderr.write(str(problem))
            if len(report.problems) > LISTED_PROBLEMS:
                self.stderr.write(f"… and {len(report.problems) - LISTED_PROBLEMS:,} more problems")
            raise CommandError(
                f"{report.source}: refused, {len(report.problems):,} problem(s); nothing was loaded."
            )
        self.print_changes(report)
        verb = "Would load" if dry_run else "Loaded"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {report.objects} objects from {report.source} "
                f"({report.created} new, {report.updated} changed, {report.unchanged} unchanged)."
            )
        )

    def print_changes(self, report):
        for label, changes in report.models.items():
            self.stdout.write(
                f"{label}: {changes.added} added, {len(changes.changed)} changed, {changes.unchanged} unchanged, "
                f"{len(changes.missing)} no longer in the file"
            )
            for key, names in changes.changed.items():
                self.stdout.write(f"  changed {key}: {', '.join(names)}")
            if report.prune:
                fate = "would be deleted" if report.dry_run else "deleted"
            else:
                fate = "kept (--prune deletes it)"
            for key in changes.missing:
                self.stdout.write(f"  no longer in the file, {fate}: {key}")
            for key in changes.hand_added:
                self.stdout.write(f"  added by hand, kept: {key}")
            for line in changes.kept:
                self.stdout.write(f"  kept hand edit: {line}")
            for line in changes.conflicts:
                self.stdout.write(f"  conflict: {line}")

    def find(self, path):
        if path.exists() or path.suffix:
            return path
        for folder in settings.FIXTURE_DIRS:
            candidate = Path(folder) / f"{path}.json"
            if candidate.exists():
                return candidate
        return path
