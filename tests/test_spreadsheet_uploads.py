"""The admin's spreadsheet uploads are bounded like programme files: a file too large, or an XLSX that unpacks
into far more than it weighs (a "zip bomb"), is refused on the upload form with a sentence, and nothing is read."""

import io
import struct
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from schedule.models import Session
from tests.test_spreadsheet_formulas import FORMATS, admin_url, export


def upload(client, name, content, file_format):
    return client.post(admin_url(Session, "import"),
                       {"import_file": SimpleUploadedFile(name, content), "format": FORMATS[file_format], "resource": "0"})


def refusal(response):
    """The upload form's sentence about the file; no preview was made."""
    assert response.status_code == 200
    assert response.context.get("confirm_form") is None
    return " ".join(response.context["form"].errors.get("import_file", []))


def zip_bomb(unpacked_bytes, compression=zipfile.ZIP_DEFLATED, declared=None):
    """An XLSX-shaped zip whose sheet unpacks to unpacked_bytes of repeated rows; declared: the size its central
    directory states instead, as a bomb that lies about it does."""
    buffer = io.BytesIO()
    row = b"<row><c t=\"inlineStr\"><is><t>x</t></is></c></row>"
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            for _ in range(unpacked_bytes // len(row) + 1):
                sheet.write(row)
    content = buffer.getvalue()
    if declared is not None:
        # The sheet's entry in the central directory: its uncompressed size is 24 bytes into the entry.
        entry = content.rindex(b"PK\x01\x02", 0, content.rindex(b"xl/worksheets/sheet1.xml"))
        content = content[: entry + 24] + struct.pack("<I", declared) + content[entry + 28 :]
    return content


def test_a_spreadsheet_larger_than_a_programme_file_may_be_is_refused(admin_client, make_session, settings):
    make_session()
    settings.PROGRAMME_FILE_MAX_BYTES = 1_000
    content = export(admin_client, Session, "csv") + b"x" * 1_000
    message = refusal(upload(admin_client, "programme.csv", content, "csv"))
    assert message.startswith(f"This file has {len(content) / 1024 / 1024:.3g} MB; a spreadsheet may have")


@pytest.mark.parametrize("declared", [None, 100], ids=["sizes as declared", "a false declared size"])
def test_an_xlsx_that_unpacks_to_more_than_a_programme_file_may_hold_is_refused_unread(admin_client, db, settings,
                                                                                         declared):
    settings.PROGRAMME_FILE_MAX_BYTES = 2 * 1024 * 1024
    bomb = zip_bomb(20 * 1024 * 1024, declared=declared)
    assert len(bomb) < settings.PROGRAMME_FILE_MAX_BYTES  # small as sent
    if declared:
        assert zipfile.ZipFile(io.BytesIO(bomb)).getinfo("xl/worksheets/sheet1.xml").file_size == declared
    message = refusal(upload(admin_client, "programme.xlsx", bomb, "xlsx"))
    assert message == "This spreadsheet unpacks to more than 2 MB, all that a spreadsheet may hold."


def test_an_xlsx_compressed_as_no_spreadsheet_program_writes_one_is_refused(admin_client, db):
    bomb = zip_bomb(1024, compression=zipfile.ZIP_BZIP2)  # zipfile unpacks bzip2 without a bound
    message = refusal(upload(admin_client, "programme.xlsx", bomb, "xlsx"))
    assert message == "This file is compressed in a way no spreadsheet program writes an XLSX file."


def test_a_cut_off_xlsx_is_refused_with_a_sentence(admin_client, db):
    content = export(admin_client, Session, "xlsx")
    message = refusal(upload(admin_client, "programme.xlsx", content[: len(content) // 2], "xlsx"))
    assert message == "This file is a damaged zip (an XLSX file is one): save it again."


def test_a_damaged_xlsx_is_refused_with_a_sentence(admin_client, db):
    content = export(admin_client, Session, "xlsx")
    damaged = content[:200] + b"\0" * 64 + content[264:]  # the central directory is whole: it opens, then fails
    message = refusal(upload(admin_client, "programme.xlsx", damaged, "xlsx"))
    assert message == "This file is a damaged zip (an XLSX file is one): save it again."


def test_a_csv_that_happens_to_hold_a_zips_marker_is_read_as_a_csv(admin_client, make_session):
    session = make_session()
    content = export(admin_client, Session, "csv").rstrip(b"\r\n") + b" PK\x05\x06\r\n"
    response = upload(admin_client, "programme.csv", content, "csv")
    assert response.context["form"].errors == {}
    assert session.title in response.text


@pytest.mark.parametrize("file_format", FORMATS)
def test_a_spreadsheet_within_the_limits_still_imports(admin_client, make_session, file_format):
    session = make_session()
    content = export(admin_client, Session, file_format)
    response = upload(admin_client, f"programme.{file_format}", content, file_format)
    assert response.context["form"].errors == {}
    assert response.context["confirm_form"] is not None
    assert session.title in response.text  # the preview lists the row
