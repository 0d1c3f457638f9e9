"""The ArchiveError family: every storage failure, with a stable code and Vietnamese/English text.

    ArchiveError (an IsoledgerError: keyword-only code, message_vi, message_en, field, **details)
    ├── InvalidConfiguration      bad URL, bad master key value, bad scope or key name
    │   └── InvalidFileInput      a file the caller sent cannot be taken (no name, not of this scope)
    ├── StorageUnavailable        object store or key database cannot be reached / answered an error
    │   ├── StorageAccessDenied   wrong credentials or missing permission
    │   ├── BucketMissing         the bucket does not exist and could not be created
    │   └── StorageFull           no space left on the device
    ├── ObjectNotFound            no object under that key
    ├── RetentionActive           a WORM retention date forbids deleting the object yet
    ├── IntegrityError            stored bytes do not match their SHA-256 / authentication tags
    ├── KeyUnavailable            the data key of a scope cannot be used
    │   ├── ScopeKeyMissing       never created or destroyed (crypto-shredded)
    │   └── WrongMasterKey        the key was wrapped by another master key
    ├── UploadInterrupted         the caller's stream failed while being read (field "file")
    ├── FileTooLarge              the upload exceeded the size limit (field "file")
    └── UnsupportedMediaType      the bytes are not an allowed type (field "file")
        └── UnreadablePdf         starts with %PDF- but a PDF reader cannot open it

Library exceptions (minio, urllib3, sqlite3, psycopg, OSError) are converted into these at the
adapters with ``raise ... from e``; nothing else escapes the package's public methods.
"""

from __future__ import annotations

from ledger.errors import IsoledgerError


class ArchiveError(IsoledgerError):
    """Base of every error raised by ``archive`` (old positional form: message_en, message_vi)."""

    code = "archive_error"
    message_vi = "Lỗi kho lưu trữ tệp."
    message_en = "File storage error."
    positional = ("message_en", "message_vi")


class InvalidConfiguration(ArchiveError):
    code = "archive_invalid_configuration"
    message_vi = "Cấu hình kho lưu trữ tệp không hợp lệ."
    message_en = "The file storage configuration is invalid."


class InvalidFileInput(InvalidConfiguration):
    code = "file_invalid"
    message_vi = "Tệp gửi lên không hợp lệ."
    message_en = "The file sent is invalid."
    field = "file"


class StorageUnavailable(ArchiveError):
    code = "storage_unavailable"
    message_vi = "Không kết nối được kho lưu trữ tệp. Vui lòng thử lại sau."
    message_en = "The file storage cannot be reached. Please try again later."


class StorageAccessDenied(StorageUnavailable):
    code = "storage_access_denied"
    message_vi = "Kho lưu trữ tệp từ chối truy cập (sai khóa truy cập hoặc thiếu quyền)."
    message_en = "The file storage refused access (wrong credentials or missing permission)."


class BucketMissing(StorageUnavailable):
    code = "storage_bucket_missing"
    message_vi = "Không tìm thấy bucket của kho lưu trữ tệp và không tạo được."
    message_en = "The storage bucket does not exist and could not be created."


class StorageFull(StorageUnavailable):
    code = "storage_full"
    message_vi = "Kho lưu trữ tệp đã hết dung lượng."
    message_en = "The file storage is full (no space left on device)."


class ObjectNotFound(ArchiveError):
    code = "file_not_found"
    message_vi = "Không tìm thấy tệp trong kho lưu trữ."
    message_en = "The file is not in the storage."


class RetentionActive(ArchiveError):
    code = "file_retention_active"
    message_vi = "Tệp đang trong thời hạn bảo quản bắt buộc (WORM), chưa được xóa."
    message_en = "The file is under a WORM retention period and cannot be deleted yet."


class IntegrityError(ArchiveError):
    code = "file_integrity_error"
    message_vi = "Tệp lưu trữ đã bị hỏng hoặc bị sửa đổi (không khớp mã băm SHA-256)."
    message_en = "The stored file is corrupted or was altered (SHA-256 or authentication tag mismatch)."


class KeyUnavailable(ArchiveError):
    code = "data_key_unavailable"
    message_vi = "Không sử dụng được khóa mã hóa của tài liệu/hồ sơ."
    message_en = "The encryption key of this document or record cannot be used."


class ScopeKeyMissing(KeyUnavailable):
    code = "data_key_missing"
    message_vi = "Khóa mã hóa của tài liệu/hồ sơ không tồn tại hoặc đã bị hủy; không thể đọc tệp."
    message_en = "The encryption key of this document or record does not exist or was destroyed."


class WrongMasterKey(KeyUnavailable):
    code = "master_key_mismatch"
    message_vi = "Khóa chủ (ISOLEDGER_MASTER_KEY) không đúng với khóa đã dùng để mã hóa dữ liệu."
    message_en = "The master key (ISOLEDGER_MASTER_KEY) is not the one the data keys were wrapped with."


class UploadInterrupted(ArchiveError):
    code = "upload_interrupted"
    message_vi = "Việc tải tệp lên bị gián đoạn. Vui lòng tải lại."
    message_en = "The upload was interrupted. Please send the file again."

    def __init__(self, message_en: str | None = None) -> None:
        super().__init__(message_en, field="file")


class FileTooLarge(ArchiveError):
    code = "file_too_large"
    message_vi = "Tệp vượt quá dung lượng cho phép."
    message_en = "The file is larger than allowed."

    def __init__(self, max_size: int) -> None:
        mib = max_size / (1024 * 1024)
        super().__init__(
            f"The file is larger than the limit of {mib:g} MiB.",
            f"Tệp vượt quá dung lượng cho phép ({mib:g} MiB).",
            field="file",
            max_size=max_size,
        )


class UnsupportedMediaType(ArchiveError):
    code = "unsupported_media_type"
    message_vi = "Định dạng tệp không được chấp nhận. Chỉ nhận PDF, DOCX, XLSX, ODT, ODS, PNG, JPEG, TIFF."
    message_en = "This file type is not accepted. Allowed: PDF, DOCX, XLSX, ODT, ODS, PNG, JPEG, TIFF."

    def __init__(self, detected: str | None = None) -> None:
        super().__init__(field="file", detected=detected)


class UnreadablePdf(UnsupportedMediaType):
    """Bytes that start as a PDF but that a PDF reader cannot open (no trailer, no page tree)."""

    code = "pdf_unreadable"
    message_vi = "Tệp bắt đầu như một PDF nhưng không đọc được (hỏng hoặc không phải PDF)."
    message_en = "The file starts like a PDF but cannot be read as one (damaged, or not a PDF)."

    def __init__(self) -> None:
        super().__init__(PDF_TYPE)


PDF_TYPE = "application/pdf"
