"""The printed programme on paper: Chromium prints it to PDF on A4 and on US Letter, and every session and poster
title is in the text, no row is split over two pages, and nothing is cut off at the page's edge.

Playwright and pypdf are imported inside the tests, so that a machine without them still collects this module.
"""

import io
import re
import unicodedata

import pytest

from posters.models import Poster
from schedule.models import Session, Workshop

PROGRAMME = "/oppo2021/programme/?also=Europe/Berlin"


def words(text):
    """Text as its words, so that the line breaks (also after a hyphen, as in "Low-" / "rank") and ligatures
    (ﬁ for fi) of a PDF's text do not count."""
    return re.sub(r"\s+", " ", re.sub(r"-\s+", "-", unicodedata.normalize("NFKC", text))).strip()


def pdf_pages(pdf):
    from pypdf import PdfReader

    return [words(page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


def seed_rows():
    """Each printed row's title and the line of people under it, which a row split across pages would part."""
    sessions = Session.objects.for_timetable(Workshop.objects.get(slug="oppo2021"))
    posters = Poster.objects.for_listing(Workshop.objects.get(slug="oppo2021"))
    return [(s.title, ", ".join(p.name for p in s.speaker_list)) for s in sessions] + [
        (p.title, ", ".join(a.name for a in p.author_list)) for p in posters
    ]


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_the_printed_programme_prints_every_title_whole_on_a_few_pages(page, site, paper):
    page.goto(site + PROGRAMME)
    assert not page.console_errors and not page.failed_responses and not page.external_requests
    assert page.locator(".printed-row__qr img").count() == 17 + 45
    # Every QR code has loaded and been drawn, not left as a broken image.
    assert page.evaluate("() => [...document.querySelectorAll('.printed-row__qr img')].every(i => i.naturalWidth > 0)")

    pages = pdf_pages(page.pdf(format=paper))
    assert 1 < len(pages) < 30
    # A row split over two pages would leave its end on the next one: each title is whole on one page, with the
    # people who present it.
    not_whole = [
        title for title, people in seed_rows()
        if not any(words(title) in text and words(people) in text for text in pages)
    ]
    assert len(seed_rows()) == 17 + 45
    assert not not_whole, f"not whole on any {paper} page: {not_whole}"
    assert "Sessions (17)" in pages[0] and any("Posters (45)" in text for text in pages)
    assert "Skip to content" not in pages[0] and "Back to the timetable" not in pages[0], "the site's furniture stays off"


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_rows_are_kept_whole_and_nothing_printed_is_wider_than_the_paper(page, site, paper):
    """Chromium lays the page out for print at the width the paper leaves inside print.css's margins; no row,
    line of text or room map may reach past it, where the printer would cut it off. The seed's rows happen to
    fit their pages even when allowed to break, so the PDF alone cannot show that a long row would be kept
    whole: the rule that keeps it so is checked as the browser applies it."""
    millimetre = 96 / 25.4  # CSS pixels
    paper_width = {"A4": 210, "Letter": 215.9}[paper]
    content_width = int((paper_width - 2 * 12) * millimetre)
    page.set_viewport_size({"width": content_width, "height": 1000})
    page.goto(site + PROGRAMME)
    page.emulate_media(media="print")
    overflowing = page.evaluate(
        """(width) => [...document.querySelectorAll('main *')]
             .filter(e => e.getBoundingClientRect().right > width + 1 || e.scrollWidth > e.clientWidth + 1)
             .map(e => e.tagName + ' ' + (e.getAttribute('class') || '') + ': ' + e.textContent.trim().slice(0, 60))""",
        content_width,
    )
    assert not overflowing, f"cut off or wider than {paper}: {overflowing}"
    breakable = page.evaluate(
        """() => [...document.querySelectorAll('.printed-row, .room-map')]
             .filter(e => getComputedStyle(e).breakInside !== 'avoid').map(e => e.id || e.className)"""
    )
    assert not breakable, f"may be split across pages: {breakable}"
