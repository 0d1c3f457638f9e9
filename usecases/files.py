"""Files in and out of the archive for the use cases: uploads stored before their facts, verified opens."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from archive.errors import FileTooLarge
from ledger.errors import InvalidInput
from ledger.files import FileRef

FRAMING = 64 * 1024  # what a multipart request adds around its file


@dataclass(frozen=True)
class Upload:
    """A file as it arrives: its name, its bytes (read in pieces), and the size its request declared."""

    filename: str | None
    stream: IO[bytes]
    declared_size: int | None = None


def store(archive: Any, upload: Upload, scope: str) -> FileRef:
    """Stores the upload's bytes in ``scope`` (streamed; a declared size over the limit is refused first)."""
    if not upload.filename:
        raise InvalidInput("Tệp tải lên không có tên.", "The uploaded file has no name.", field="file")
    limit = getattr(archive, "max_size", None)
    if upload.declared_size is not None and limit is not None and upload.declared_size > limit + FRAMING:
        raise FileTooLarge(limit)
    upload.stream.seek(0)
    ref: FileRef = archive.put(upload.stream, upload.filename, scope)
    return ref


@dataclass
class OpenFile:
    """A stored file opened and checked, ready to stream: its ref and its bytes in pieces."""

    ref: FileRef
    stream: Any

    def chunks(self) -> Iterator[bytes]:
        with self.stream:
            yield from self.stream


def open_stored(archive: Any, ref_dict: dict[str, Any], scope: str,
                before_serving: Callable[[], object] | None = None) -> OpenFile:
    """Opens the object first (errors surface before any byte is sent); ``before_serving`` then runs (recording
    a confidential read) and, if it raises, the object is closed and nothing is served."""
    ref = FileRef.from_dict(ref_dict)
    stream = archive.open(ref, scope)
    if before_serving is not None:
        try:
            before_serving()
        except BaseException:
            stream.close()
            raise
    return OpenFile(ref, stream)
