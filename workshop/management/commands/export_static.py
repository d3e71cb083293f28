from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from workshop.archive import write_archive


class Command(BaseCommand):
    help = ("Write the public site of a workshop (of every workshop by default) as plain files with relative links: "
            "a static archive that any web host, a CDN or a browser opening the folder from disk can serve.")

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)
        parser.add_argument("--workshop", action="append", dest="workshops", metavar="SLUG",
                            help="a workshop to write (repeat for several); others' pages are left out")
        parser.add_argument("--base-url", default="http://localhost/",
                            help="where the archive will be served, for the addresses that stay absolute "
                                 "(sitemap, feed, calendars, og:url, QR codes)")

    def handle(self, *args, directory, workshops, base_url, **options):
        try:
            report = write_archive(directory, workshops, base_url)
        except ValueError as error:
            raise CommandError(str(error)) from None
        for url, status in report.missing:
            self.stderr.write(f"warning: {url} answered {status}; not in the archive")
        for page, link in sorted(set(report.dropped)):
            self.stderr.write(f"warning: {page} links to {link}, which the archive does not hold; written without it")
        self.stdout.write(self.style.SUCCESS(f"Wrote {len(report.files)} files to {directory}"))
