from pathlib import Path

from django.core import serializers
from django.core.management.base import BaseCommand, CommandError

from workshop.importers.errors import LoadError
from workshop.importers.icml import SourceError, import_page
from workshop.importers.icml_details import workshop_info
from workshop.importers.textfile import read_text

# Set anew on every save, so a fixture that carried them would differ each time it is generated.
NOT_IN_FIXTURES = {"revision"}


def fixture_fields(objects):
    # Generated fields (a search document) are the database's to compute, not a fixture's to carry.
    names = {field.name for obj in objects for field in obj._meta.concrete_fields if not field.generated}
    return sorted(names - NOT_IN_FIXTURES)


class Command(BaseCommand):
    help = (
        "Turn a workshop page copied from the ICML/NeurIPS virtual site into a fixture for load_workshop. "
        "What the page does not say (dates, zones, organizers, room names) comes from --meta or the options."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path, help="The page's text (UTF-8, or UTF-16 with a byte-order mark).")
        parser.add_argument("-o", "--output", type=Path, help="Fixture to write; standard output if absent.")
        parser.add_argument("--meta", type=Path, help="JSON file with the workshop's details (see fixtures/sources/).")
        parser.add_argument("--workshop", dest="slug", help="The workshop's slug, as in its URL.")
        parser.add_argument("--title")
        parser.add_argument("--conference")
        parser.add_argument("--start-date", dest="start_date", help="YYYY-MM-DD, in the workshop's zone.")
        parser.add_argument("--end-date", dest="end_date", help="YYYY-MM-DD, in the workshop's zone.")
        parser.add_argument("--timezone", help="IANA name of the zone the workshop is shown in.")
        parser.add_argument(
            "--page-timezone",
            dest="page_timezone",
            help="IANA name of the zone the page was viewed in, when its “Timezone:” line does not say.",
        )
        parser.add_argument("--website")
        parser.add_argument("--organizer", dest="organizers", action="append", help="Repeat, in order.")

    def handle(self, *args, source, output, meta, **options):
        # call_command() passes options as given, without the parser's type conversion.
        source, output, meta = (Path(value) if value else None for value in (source, output, meta))
        try:
            info, meta_warnings = workshop_info(meta, options)
            imported = import_page(read_text(source), info)
        except LoadError as error:
            raise CommandError(str(error)) from None
        except SourceError as error:
            raise CommandError(error.note.at(source)) from None
        for name, warning in [(meta, w) for w in meta_warnings] + [(source, w) for w in imported.warnings]:
            self.stderr.write(self.style.WARNING(f"warning: {warning.at(name)}"))
        fixture = serializers.serialize(
            "json",
            imported.objects,
            indent=2,
            use_natural_foreign_keys=True,
            use_natural_primary_keys=True,
            fields=fixture_fields(imported.objects),
        )
        if not output:
            self.stdout.write(fixture)
            return
        try:
            output.write_text(fixture + "\n", encoding="utf-8")
        except OSError as error:
            raise CommandError(f"{output}: cannot be written ({error.strerror})") from None
        self.stderr.write(self.style.SUCCESS(f"Wrote {len(imported.objects)} objects to {output}"))
