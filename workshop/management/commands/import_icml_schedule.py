import json
from datetime import date
from pathlib import Path

from django.core import serializers
from django.core.management.base import BaseCommand, CommandError

from workshop.importers.icml import SourceError, WorkshopInfo, import_page

INFO_FIELDS = ("slug", "title", "conference", "start_date", "end_date", "timezone", "website")
# Set anew on every save, so a fixture that carried them would differ each time it is generated.
NOT_IN_FIXTURES = {"revision"}


def fixture_fields(objects):
    # Generated fields (a search document) are the database's to compute, not a fixture's to carry.
    names = {field.name for obj in objects for field in obj._meta.concrete_fields if not field.generated}
    return sorted(names - NOT_IN_FIXTURES)


class Command(BaseCommand):
    help = (
        "Turn a workshop page copied from the ICML/NeurIPS virtual site into a fixture for load_workshop. "
        "What the page does not say (dates, zone, organizers, room names) comes from --meta or the options."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path, help="The page's text.")
        parser.add_argument("-o", "--output", type=Path, help="Fixture to write; standard output if absent.")
        parser.add_argument("--meta", type=Path, help="JSON file with the workshop's details (see fixtures/sources/).")
        parser.add_argument("--workshop", dest="slug", help="The workshop's slug, as in its URL.")
        parser.add_argument("--title")
        parser.add_argument("--conference")
        parser.add_argument("--start-date", dest="start_date", type=date.fromisoformat)
        parser.add_argument("--end-date", dest="end_date", type=date.fromisoformat)
        parser.add_argument("--timezone", help="IANA name of the zone the page's times are in.")
        parser.add_argument("--website")
        parser.add_argument("--organizer", dest="organizers", action="append", help="Repeat, in order.")

    def handle(self, *args, source, output, meta, **options):
        # call_command() passes options as given, without the parser's type conversion.
        source, output, meta = (Path(value) if value else None for value in (source, output, meta))
        info = self.workshop_info(meta, options)
        try:
            imported = import_page(source.read_text(encoding="utf-8"), info)
        except FileNotFoundError:
            raise CommandError(f"{source}: no such file")
        except SourceError as error:
            raise CommandError(f"{source}: {error}")
        for warning in imported.warnings:
            self.stderr.write(self.style.WARNING(f"warning: {warning}"))
        fixture = serializers.serialize(
            "json",
            imported.objects,
            indent=2,
            use_natural_foreign_keys=True,
            use_natural_primary_keys=True,
            fields=fixture_fields(imported.objects),
        )
        if output:
            output.write_text(fixture + "\n", encoding="utf-8")
            self.stderr.write(self.style.SUCCESS(f"Wrote {len(imported.objects)} objects to {output}"))
        else:
            self.stdout.write(fixture)

    def workshop_info(self, meta, options):
        details = {}
        if meta:
            try:
                details = json.loads(meta.read_text(encoding="utf-8"))
            except FileNotFoundError:
                raise CommandError(f"{meta}: no such file")
            except json.JSONDecodeError as error:
                raise CommandError(f"{meta}: not valid JSON ({error})")
            for name in ("start_date", "end_date"):
                if details.get(name):
                    details[name] = date.fromisoformat(details[name])
        details.update({name: options[name] for name in (*INFO_FIELDS, "organizers") if options.get(name)})
        missing = [name for name in ("slug", "title", "start_date", "timezone") if not details.get(name)]
        if missing:
            raise CommandError(f"missing workshop details: {', '.join(missing)} (give --meta or the options)")
        known = {*INFO_FIELDS, "organizers", "rooms"}
        return WorkshopInfo(**{name: value for name, value in details.items() if name in known})
