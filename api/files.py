"""Files in and out over HTTP: an upload as the use cases take it, an opened file as a streamed response."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Request, UploadFile
from fastapi.responses import StreamingResponse

from api.errors import ApiError
from usecases.files import OpenFile, Upload

MAX_P12 = 64 * 1024
MAX_VERIFY = 64 * 1024 * 1024
FILE_TYPES = {"content": {"application/pdf": {}, "application/octet-stream": {}},
              "description": "Các byte của tệp, đã kiểm tra SHA-256 / the verified bytes"}


def declared_size(request: Request) -> int | None:
    """The request's Content-Length: an upper bound of the file's size, to refuse a huge upload early."""
    try:
        return int(request.headers.get("content-length", ""))
    except ValueError:
        return None


def upload_of(file: UploadFile, request: Request) -> Upload:
    """The upload as the use cases store it (Starlette spools big parts to disk, never all in memory)."""
    return Upload(file.filename, file.file, declared_size(request))


def read_limited(upload: UploadFile, limit: int, field: str, vi: str, en: str) -> bytes:
    """The whole upload in memory (a key to sign with, a PDF to check: never stored), refused over ``limit``."""
    data = upload.file.read(limit + 1)
    if len(data) > limit:
        raise ApiError(413, "file_too_large", vi, en, field=field)
    return data


def read_p12(upload: UploadFile) -> bytes:
    """A PKCS#12 key file sent once to sign with (never stored), refused over 64 KiB."""
    return read_limited(upload, MAX_P12, "p12", "Tệp khóa PKCS#12 quá lớn.", "The PKCS#12 file is too large.")


def read_pdf(upload: UploadFile) -> bytes:
    """A PDF to verify, in memory (never stored), refused over 64 MiB."""
    return read_limited(upload, MAX_VERIFY, "file", "Tệp lớn hơn 64 MiB.", "The file is larger than 64 MiB.")


def content_disposition(filename: str, disposition: str = "attachment") -> str:
    """RFC 6266: an ASCII fallback and the UTF-8 name (Vietnamese diacritics kept)."""
    fallback = "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "_" for c in filename) or "file"
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def streamed(opened: OpenFile, *, inline: bool = False) -> StreamingResponse:
    """The opened file's verified bytes, streamed, with its name, size and hash."""
    ref = opened.ref
    headers = {"Content-Length": str(ref.size), "ETag": f'"{ref.sha256}"',
               "Content-Disposition": content_disposition(ref.filename, "inline" if inline else "attachment"),
               "X-Content-SHA256": ref.sha256, "X-Content-Type-Options": "nosniff"}
    return StreamingResponse(opened.chunks(), media_type=ref.media_type, headers=headers)
