"""The signing error family: every failure a caller of `signing` can see.

SigningError                        code                      field
├── SigningConfigError              signing_config            the variable
├── InvalidPdfError                 pdf_invalid               file
│   ├── NotPdfError                 pdf_required              file
│   ├── EncryptedPdfError           pdf_encrypted             file
│   └── PdfDecodeLimitError         pdf_decode_limit          file
├── SignerError                     signer_unavailable        signer
│   └── SignerCredentialsError      signer_credentials        passphrase | pin
├── CertificateError                certificate_invalid       certificate
│   ├── CertificateExpiredError     certificate_expired       certificate
│   ├── CertificateNotYetValidError certificate_not_yet_valid certificate
│   ├── CertificateRevokedError     certificate_revoked       certificate
│   └── CertificateUntrustedError   certificate_untrusted     certificate
├── TimestampUnavailableError       tsa_unavailable           —
├── RevocationInfoUnavailableError  revocation_info_unavailable —
├── AppearanceError                 appearance_invalid        the image, page or box
├── LevelUnavailableError           pades_level_unavailable   level
└── SigningFailedError              signing_failed            —

Library exceptions (pyHanko, certvalidator, pkcs11, asn1crypto, OSError) are
converted at the boundary (`signing._boundary`) with ``raise ... from e``.
"""

from __future__ import annotations


class SigningError(Exception):
    """Base of every error raised by the signing package."""

    code = "signing_error"
    default_vi = "Không thể ký số tài liệu."
    default_en = "The document could not be signed."

    def __init__(
        self,
        message_en: str | None = None,
        message_vi: str | None = None,
        *,
        field: str | None = None,
    ) -> None:
        self.message_en = message_en or self.default_en
        self.message_vi = message_vi or self.default_vi
        self.field = field
        super().__init__(self.message_en)

    def to_dict(self) -> dict[str, str | None]:
        return {
            "code": self.code,
            "message_vi": self.message_vi,
            "message_en": self.message_en,
            "field": self.field,
        }


class SigningConfigError(SigningError):
    code = "signing_config"
    default_vi = "Cấu hình ký số không hợp lệ."
    default_en = "The signing configuration is invalid."


class InvalidPdfError(SigningError):
    code = "pdf_invalid"
    default_vi = "Tệp không phải là PDF hợp lệ hoặc đã bị hỏng."
    default_en = "The file is not a valid PDF or is damaged."


class NotPdfError(InvalidPdfError):
    code = "pdf_required"
    default_vi = "Tệp không phải là PDF; chỉ ký số và kiểm tra được tệp PDF."
    default_en = "The file is not a PDF; only PDF files can be signed or verified."


class EncryptedPdfError(InvalidPdfError):
    code = "pdf_encrypted"
    default_vi = "Tệp PDF được mã hóa; hãy gỡ mã hóa trước khi ký."
    default_en = "The PDF is encrypted; remove the encryption before signing."


class PdfDecodeLimitError(InvalidPdfError):
    code = "pdf_decode_limit"
    default_vi = "Tệp PDF chứa dữ liệu nén vượt quá giới hạn cho phép."
    default_en = "The PDF contains compressed data beyond the allowed decoding limits."


class SignerError(SigningError):
    code = "signer_unavailable"
    default_vi = "Không truy cập được khóa ký (tệp PKCS#12 hoặc thiết bị USB token)."
    default_en = "The signing key (PKCS#12 file or USB token) is not available."


class SignerCredentialsError(SignerError):
    code = "signer_credentials"
    default_vi = "Mật khẩu hoặc mã PIN của khóa ký không đúng."
    default_en = "The passphrase or PIN of the signing key is wrong."


class CertificateError(SigningError):
    code = "certificate_invalid"
    default_vi = "Chứng thư số của người ký không hợp lệ."
    default_en = "The signer's certificate is not valid."


class CertificateExpiredError(CertificateError):
    code = "certificate_expired"
    default_vi = "Chứng thư số của người ký đã hết hạn."
    default_en = "The signer's certificate has expired."


class CertificateNotYetValidError(CertificateError):
    code = "certificate_not_yet_valid"
    default_vi = "Chứng thư số của người ký chưa có hiệu lực."
    default_en = "The signer's certificate is not yet valid."


class CertificateRevokedError(CertificateError):
    code = "certificate_revoked"
    default_vi = "Chứng thư số của người ký đã bị thu hồi."
    default_en = "The signer's certificate has been revoked."


class CertificateUntrustedError(CertificateError):
    code = "certificate_untrusted"
    default_vi = "Chứng thư số của người ký không do tổ chức chứng thực tin cậy cấp."
    default_en = "The signer's certificate does not chain to a trusted authority."


class TimestampUnavailableError(SigningError):
    code = "tsa_unavailable"
    default_vi = "Không lấy được dấu thời gian từ dịch vụ cấp dấu thời gian (TSA)."
    default_en = "No timestamp could be obtained from the time-stamping authority (TSA)."


class RevocationInfoUnavailableError(SigningError):
    code = "revocation_info_unavailable"
    default_vi = "Không lấy được thông tin thu hồi chứng thư (OCSP/CRL)."
    default_en = "Certificate revocation information (OCSP/CRL) could not be obtained."


class AppearanceError(SigningError):
    code = "appearance_invalid"
    default_vi = "Hình ảnh chữ ký, con dấu hoặc vị trí hiển thị không hợp lệ."
    default_en = "The signature image, seal image or placement is invalid."


class LevelUnavailableError(SigningError):
    code = "pades_level_unavailable"
    default_vi = "Mức PAdES đã chọn không dùng được trên máy chủ này."
    default_en = "The chosen PAdES level is not available on this server."


class SigningFailedError(SigningError):
    code = "signing_failed"
    default_vi = "Ký số thất bại do lỗi không xác định."
    default_en = "Signing failed for an unexpected reason."
