"""The admin's spreadsheet uploads, bounded as programme files are (workshop/importers/files.py): a sheet comes
from other people, and a small XLSX, which is a zip, can unpack into gigabytes that the import would hold in
memory before the preview shows a thing."""

import copy
import zipfile
import zlib

from django.conf import settings
from django.core.exceptions import ValidationError
from import_export.forms import ImportForm

ZIP_SIGNATURE = b"PK\x03\x04"  # how an XLSX file starts
CHUNK = 64 * 1024
# Office writes XLSX parts stored or deflated; bzip2 and LZMA are read by zipfile without any bound on the output.
XLSX_COMPRESSIONS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}


def megabytes(size):
    return f"{size / (1024 * 1024):.3g} MB"


def unpacked_size(upload, limit):
    """What the zip's parts unpack to, counted as they are read a chunk at a time, stopping once past limit: the
    sizes a zip declares are not trusted, as a false one is how a zip bomb passes a check of the declared sizes."""
    total = 0
    with zipfile.ZipFile(upload) as archive:
        for member in archive.infolist():
            if member.compress_type not in XLSX_COMPRESSIONS:
                raise ValidationError("This file is compressed in a way no spreadsheet program writes an XLSX file.")
            unbounded = copy.copy(member)
            # Read what the part really holds, not what it says. Counting stops a chunk past the limit at most,
            # before zipfile would stop at this size and check the CRC of the part read so far.
            unbounded.file_size = limit + 2 * CHUNK
            size = 0
            with archive.open(unbounded) as part:
                while chunk := part.read(CHUNK):
                    size += len(chunk)
                    if total + size > limit:
                        return total + size
            if size != member.file_size:
                raise ValidationError("This file is a damaged zip (an XLSX file is one): save it again.")
            total += size
    return total


class BoundedImportForm(ImportForm):
    """import-export's upload form, refusing a file over PROGRAMME_FILE_MAX_BYTES, sent or unpacked."""

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        limit = settings.PROGRAMME_FILE_MAX_BYTES
        if upload.size > limit:
            raise ValidationError(f"This file has {megabytes(upload.size)}; a spreadsheet may have {megabytes(limit)}.")
        upload.seek(0)
        if upload.read(len(ZIP_SIGNATURE)) == ZIP_SIGNATURE:
            upload.seek(0)
            try:
                unpacked = unpacked_size(upload, limit)
            except (zipfile.BadZipFile, EOFError, zlib.error):  # a part cut short, or not deflate at all
                raise ValidationError("This file is a damaged zip (an XLSX file is one): save it again.") from None
            if unpacked > limit:
                raise ValidationError(
                    f"This spreadsheet unpacks to more than {megabytes(limit)}, all that a spreadsheet may hold."
                )
        upload.seek(0)
        return upload
