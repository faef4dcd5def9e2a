"""Every uploaded file, in every app, is judged here by its content (issue 13 item 1, SPEC X-03).

Never by the name or the browser's content type:

- images (JPEG, PNG, WebP, GIF) are decoded and verified by Pillow, refused above a pixel bound,
  turned upright and re-encoded (PNG/GIF and transparent pictures as PNG, the rest as JPEG), so no
  EXIF (GPS, camera), no text chunks and no trailing bytes survive;
- PDF by its magic bytes `%PDF-`; DOCX/XLSX by their zip structure; CSV as UTF-8/GB18030 text;
- the size is checked on `UploadedFile.size` before a byte is read (uploads above
  FILE_UPLOAD_MAX_MEMORY_SIZE are spooled to a temporary file, never held in memory);
- what passes is a `CheckedFile` named `<uuid>.<ext of the real type>`, stored through the field's
  storage (Django's storage API, so the backend may be the filesystem or S3).

Serving: `serve()` is the only way a stored upload leaves the server, from views that first find the
record through the site-scoped selectors (another site's file is 404). The content type is what the
bytes are, `nosniff` is set, and anything that is not a verified image or PDF is an attachment.
"""

from __future__ import annotations

import io
import uuid
import zipfile
from collections.abc import Iterable
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.base import ContentFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from core.errors import DomainError

IMAGE = "image"  # kinds a caller may accept
PDF = "pdf"
DOCX = "docx"
XLSX = "xlsx"
CSV = "csv"
DOCUMENT_KINDS = (PDF, IMAGE, DOCX, XLSX)
TABLE_KINDS = (CSV, XLSX)

CONTENT_TYPES = {
    "jpg": "image/jpeg",
    "png": "image/png",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
}
PIL_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "MPO"}  # MPO: JPEG with a depth map (many phones)
INLINE_TYPES = {"image/jpeg", "image/png", "image/webp", "image/gif", "application/pdf"}
JPEG_QUALITY = 85


class CheckedFile(ContentFile):
    """Bytes that passed the checks, under a generated name; `ext`/`content_type` are the real type."""

    def __init__(self, content: bytes, *, ext: str, original_name: str) -> None:
        super().__init__(content, name=f"{uuid.uuid4().hex}.{ext}")
        self.ext = ext
        self.content_type = CONTENT_TYPES[ext]
        self.original_name = (original_name or "")[:200]


def limit_for(group: str) -> int:
    """Bytes allowed for `image`, `document` or `table` uploads: UPLOAD_LIMITS, capped by UPLOAD_MAX_BYTES."""
    cap = int(settings.UPLOAD_MAX_BYTES)
    return min(cap, int(getattr(settings, "UPLOAD_LIMITS", {}).get(group) or cap))


def _size_check(f: Any, group: str, code: str, max_bytes: int | None = None) -> None:
    limit, size = min(limit_for(group), max_bytes or limit_for(group)), int(getattr(f, "size", 0) or 0)
    if size > limit:  # before anything is read
        raise DomainError(_("The file is too large (%(size)s); the limit is %(limit)s.")
                          % {"size": filesizeformat(size), "limit": filesizeformat(limit)}, code=code)


def _read(f: Any) -> bytes:
    f.seek(0)
    data = f.read()
    f.seek(0)
    return data


class RequestSizeLimitUploadHandler(FileUploadHandler):
    """First in FILE_UPLOAD_HANDLERS: a multipart request larger than UPLOAD_REQUEST_MAX_BYTES (more than
    any form's files together) is refused with a 400 before a byte of it is read or spooled to disk."""

    def handle_raw_input(self, input_data: Any, META: Any, content_length: int, boundary: Any,
                         encoding: str | None = None) -> None:
        limit = getattr(settings, "UPLOAD_REQUEST_MAX_BYTES", None)
        if limit and content_length and content_length > limit:
            raise RequestDataTooBig(f"upload request of {content_length} bytes exceeds {limit}")

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


# ---- images -------------------------------------------------------------------------------------

def _reencode(data: bytes) -> tuple[bytes, str]:
    """Decode, verify and re-encode; raises ValueError for anything that is not a sound picture."""

    max_pixels = int(getattr(settings, "UPLOAD_IMAGE_MAX_PIXELS", 40_000_000))
    try:
        with Image.open(io.BytesIO(data)) as probe:  # reads the header only
            if probe.format not in PIL_FORMATS:
                raise ValueError(probe.format)
            width, height = probe.size
            if width * height > max_pixels or not width or not height:
                raise OverflowError
            lossless = probe.format in ("PNG", "GIF")  # sketches and drawn signatures stay PNG
            probe.verify()
        with Image.open(io.BytesIO(data)) as img:
            img.seek(0)
            img.load()
            img = ImageOps.exif_transpose(img)  # keep the orientation the EXIF gave, then drop EXIF
            transparent = img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info)
            out = io.BytesIO()
            if transparent or lossless:
                mode = "RGBA" if transparent else (img.mode if img.mode in ("L", "RGB") else "RGB")
                img.convert(mode).save(out, "PNG", optimize=True)
                return out.getvalue(), "png"
            img.convert("RGB").save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
            return out.getvalue(), "jpg"
    except OverflowError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, TypeError, EOFError,
            Image.DecompressionBombError) as err:
        raise ValueError(str(err)) from err


def check_image(f: Any, *, max_bytes: int | None = None) -> CheckedFile:
    """A photo, sketch or drawn signature: a decodable picture, re-encoded without metadata."""
    if isinstance(f, CheckedFile) and f.ext in ("jpg", "png"):
        return f
    _size_check(f, IMAGE, "photo_size", max_bytes)
    try:
        body, ext = _reencode(_read(f))
    except OverflowError:
        raise DomainError(_("The picture has too many pixels (at most %(mp)d million).")
                          % {"mp": int(getattr(settings, "UPLOAD_IMAGE_MAX_PIXELS", 40_000_000)) // 1_000_000},
                          code="photo_size") from None
    except ValueError:
        raise DomainError(_("This file is not a picture (JPEG, PNG, WebP or GIF)."), code="photo_type") from None
    return CheckedFile(body, ext=ext, original_name=getattr(f, "name", ""))


# ---- documents and tables ------------------------------------------------------------------------

def _office_kind(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            if zf.testzip() is not None:
                return None
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


def _is_csv(data: bytes) -> bool:
    if b"\x00" in data[:4096] or data.startswith((b"MZ", b"%PDF", b"PK\x03\x04", b"<")):
        return False
    for enc in ("utf-8-sig", "gb18030"):
        try:
            data.decode(enc)
        except UnicodeDecodeError:
            continue
        return True
    return False


def sniff(data: bytes) -> str | None:
    """The real type of stored or uploaded bytes: jpg/png/webp/gif (magic only), pdf, docx, xlsx, or None."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if data.startswith(b"PK\x03\x04"):
        return _office_kind(data)
    return None


def check_file(f: Any, accept: Iterable[str], *, group: str = "document") -> CheckedFile:
    """A document or table of one of the `accept`ed kinds, judged by content; pictures are re-encoded.

    Raises DomainError code `file_size` / `file_type` (the message names what is accepted)."""
    accept = tuple(accept)
    if isinstance(f, CheckedFile) and (f.ext in accept or (IMAGE in accept and f.ext in ("jpg", "png"))):
        return f
    _size_check(f, group, "file_size")
    data = _read(f)
    kind = sniff(data)
    name = getattr(f, "name", "")
    if kind in ("jpg", "png", "webp", "gif") and IMAGE in accept:
        try:
            body, ext = _reencode(data)
        except (ValueError, OverflowError):
            kind = None
        else:
            return CheckedFile(body, ext=ext, original_name=name)
    elif kind in (PDF, DOCX, XLSX) and kind in accept:
        return CheckedFile(data, ext=kind, original_name=name)
    elif kind is None and CSV in accept and _is_csv(data):
        return CheckedFile(data, ext="csv", original_name=name)
    labels = {IMAGE: "JPG/PNG", PDF: "PDF", DOCX: "DOCX", XLSX: "XLSX", CSV: "CSV"}
    raise DomainError(_("This file is not one of the accepted kinds (%(kinds)s); it was judged by its content, "
                        "not by its name.") % {"kinds": ", ".join(labels[k] for k in accept)}, code="file_type")


# ---- serving ------------------------------------------------------------------------------------

def _verified_image(data: bytes) -> bool:

    try:
        with Image.open(io.BytesIO(data)) as img:
            img.verify()
        return True
    except Exception:
        return False


def serve(field_file: Any, *, filename: str = "", as_attachment: bool = False) -> FileResponse:
    """A stored upload as a response: the server's own content type, nosniff, and an attachment for
    anything that is not a verified image or PDF (also files stored before the checks existed).

    Call it only after finding the record through a site-scoped selector."""
    if not field_file:
        raise Http404
    try:
        fh = field_file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    head = fh.read(64)
    kind = sniff(head) if not head.startswith(b"PK") else None
    fh.seek(0)
    if kind in ("jpg", "png", "webp", "gif"):
        verify_limit = limit_for(IMAGE)
        size = getattr(field_file, "size", None) or 0
        if size > verify_limit or not _verified_image(fh.read()):
            kind = None
        fh.seek(0)
    content_type = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp", "gif": "image/gif",
                    "pdf": "application/pdf"}.get(kind or "", "application/octet-stream")
    if content_type == "application/octet-stream" and head.startswith(b"PK\x03\x04"):
        fh.seek(0)
        office = _office_kind(fh.read())
        fh.seek(0)
        content_type = CONTENT_TYPES.get(office or "", content_type)
    inline = content_type in INLINE_TYPES and not as_attachment
    stored = str(field_file.name).rsplit("/", 1)[-1]
    response = FileResponse(fh, as_attachment=not inline, filename=filename or stored, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    # a file opened directly runs nothing and embeds nothing (defence in depth; the PDF viewer needs no sandbox)
    sandbox = "" if content_type == "application/pdf" else "; sandbox"
    response["Content-Security-Policy"] = f"default-src 'none'; img-src 'self'; style-src 'unsafe-inline'{sandbox}"
    return response


# ---- form fields: the same checks as a field error beside the field, nothing else typed is lost -----


IMAGE_ACCEPT = "image/jpeg,image/png,image/webp,image/gif"


class _MultiInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class ImageUploadField(forms.FileField):
    """One picture; cleans to a re-encoded `CheckedFile`."""

    def __init__(self, *args: Any, max_bytes: int | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": IMAGE_ACCEPT}))
        self.max_bytes = max_bytes
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        f = super().clean(data, initial)
        if not f or f is initial:
            return f
        try:
            return check_image(f, max_bytes=self.max_bytes)
        except DomainError as err:
            raise forms.ValidationError(err.message, code=err.code) from err


class MultiImageUploadField(forms.FileField):
    """Several pictures (order and complaint photos); cleans to a list of `CheckedFile`."""

    def __init__(self, *args: Any, max_count: int | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("widget", _MultiInput(attrs={"accept": IMAGE_ACCEPT, "multiple": True}))
        self.max_count = max_count
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[CheckedFile]:
        files = [d for d in (data if isinstance(data, list | tuple) else [data]) if d]
        if not files:
            super().clean(None, initial)  # "required" when it is
            return []
        if self.max_count and len(files) > self.max_count:
            raise forms.ValidationError(_("At most %(n)d photos.") % {"n": self.max_count}, code="photo_count")
        out, errors = [], []
        for f in files:
            f = super().clean(f, initial)
            try:
                out.append(check_image(f))
            except DomainError as err:
                errors.append(forms.ValidationError("%(name)s: %(error)s", code=err.code,
                                                    params={"name": getattr(f, "name", ""), "error": err.message}))
        if errors:
            raise forms.ValidationError(errors)
        return out


class DocumentUploadField(forms.FileField):
    """A document or table of the `accept`ed kinds (see `check_file`); cleans to a `CheckedFile`."""

    def __init__(self, *args: Any, accept: Iterable[str] = DOCUMENT_KINDS, group: str = "document",
                 **kwargs: Any) -> None:
        self.accept, self.group = tuple(accept), group
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        f = super().clean(data, initial)
        if not f or f is initial:
            return f
        try:
            return check_file(f, self.accept, group=self.group)
        except DomainError as err:
            raise forms.ValidationError(err.message, code=err.code) from err
