"""The admin's spreadsheet uploads, bounded as programme files are (workshop/importers/files.py): a sheet comes
from other people, and a small XLSX, which is a zip, can unpack into gigabytes that the import would hold in
memory row by row before the preview shows a thing."""

import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from import_export.forms import ImportForm


def megabytes(size):
    return f"{size / (1024 * 1024):.3g} MB"


class BoundedImportForm(ImportForm):
    """import-export's upload form, refusing a file over PROGRAMME_FILE_MAX_BYTES, sent or unpacked."""

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        limit = settings.PROGRAMME_FILE_MAX_BYTES
        if upload.size > limit:
            raise ValidationError(f"This file has {megabytes(upload.size)}; a spreadsheet may have {megabytes(limit)}.")
        if zipfile.is_zipfile(upload):
            try:
                with zipfile.ZipFile(upload) as archive:
                    # The sizes a zip declares are those Python's zipfile reads up to, and openpyxl reads through it.
                    unpacked = sum(member.file_size for member in archive.infolist())
            except zipfile.BadZipFile:
                raise ValidationError("This file is a damaged zip (an XLSX file is one): save it again.") from None
            if unpacked > limit:
                raise ValidationError(
                    f"This spreadsheet unpacks to {megabytes(unpacked)}; a spreadsheet may hold {megabytes(limit)}."
                )
        upload.seek(0)
        return upload
