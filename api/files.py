"""Files in and out: uploads go to the archive in pieces; downloads stream verified bytes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

from fastapi import Request, UploadFile
from fastapi.responses import StreamingResponse

from api.errors import ApiError
from ledger.files import FileRef


def declared_size(request: Request) -> int | None:
    """The request's Content-Length: an upper bound of the file's size, to refuse a huge upload early."""
    try:
        return int(request.headers.get("content-length", ""))
    except ValueError:
        return None


def store_upload(archive: Any, upload: UploadFile, scope: str, request: Request) -> FileRef:
    """Stores the upload's bytes (read in pieces; Starlette spools big parts to disk, never all in memory)."""
    if not upload.filename:
        raise ApiError(422, "invalid_input", "Tệp tải lên không có tên.", "The uploaded file has no name.",
                       field="file")
    size = declared_size(request)
    limit = getattr(archive, "max_size", None)
    if size is not None and limit is not None and size > limit + 64 * 1024:  # multipart framing allowance
        from archive.errors import FileTooLarge

        raise FileTooLarge(limit)
    upload.file.seek(0)
    ref: FileRef = archive.put(upload.file, upload.filename, scope)
    return ref


def content_disposition(filename: str, disposition: str = "attachment") -> str:
    """RFC 6266: an ASCII fallback and the UTF-8 name (Vietnamese diacritics kept)."""
    fallback = "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "_" for c in filename) or "file"
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def download(archive: Any, ref_dict: dict[str, Any], scope: str, *, inline: bool = False,
             before_serving: Callable[[], object] | None = None) -> StreamingResponse:
    """Opens the object first (errors become problems before any byte is sent), then streams it.

    ``before_serving`` runs once the object opened and before the response exists (recording a confidential
    read); if it raises, the object is closed and nothing is served."""
    ref = FileRef.from_dict(ref_dict)
    stream = archive.open(ref, scope)
    if before_serving is not None:
        try:
            before_serving()
        except BaseException:
            stream.close()
            raise

    def chunks() -> Iterator[bytes]:
        with stream:
            yield from stream

    headers = {"Content-Length": str(ref.size), "ETag": f'"{ref.sha256}"',
               "Content-Disposition": content_disposition(ref.filename, "inline" if inline else "attachment"),
               "X-Content-SHA256": ref.sha256, "X-Content-Type-Options": "nosniff"}
    return StreamingResponse(chunks(), media_type=ref.media_type, headers=headers)
