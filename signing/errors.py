"""The signing error family: every failure a caller of `signing` can see.

SigningError (an IsoledgerError)    code                      field
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

from ledger.errors import IsoledgerError


class SigningError(IsoledgerError):
    """Base of every error raised by the signing package (old positional form: message_en, message_vi)."""

    code = "signing_error"
    message_vi = "Không thể ký số tài liệu."
    message_en = "The document could not be signed."
    positional = ("message_en", "message_vi")


class SigningConfigError(SigningError):
    code = "signing_config"
    message_vi = "Cấu hình ký số không hợp lệ."
    message_en = "The signing configuration is invalid."


class InvalidPdfError(SigningError):
    code = "pdf_invalid"
    message_vi = "Tệp không phải là PDF hợp lệ hoặc đã bị hỏng."
    message_en = "The file is not a valid PDF or is damaged."


class NotPdfError(InvalidPdfError):
    code = "pdf_required"
    message_vi = "Tệp không phải là PDF; chỉ ký số và kiểm tra được tệp PDF."
    message_en = "The file is not a PDF; only PDF files can be signed or verified."


class EncryptedPdfError(InvalidPdfError):
    code = "pdf_encrypted"
    message_vi = "Tệp PDF được mã hóa; hãy gỡ mã hóa trước khi ký."
    message_en = "The PDF is encrypted; remove the encryption before signing."


class PdfDecodeLimitError(InvalidPdfError):
    code = "pdf_decode_limit"
    message_vi = "Tệp PDF chứa dữ liệu nén vượt quá giới hạn cho phép."
    message_en = "The PDF contains compressed data beyond the allowed decoding limits."


class SignerError(SigningError):
    code = "signer_unavailable"
    message_vi = "Không truy cập được khóa ký (tệp PKCS#12 hoặc thiết bị USB token)."
    message_en = "The signing key (PKCS#12 file or USB token) is not available."


class SignerCredentialsError(SignerError):
    code = "signer_credentials"
    message_vi = "Mật khẩu hoặc mã PIN của khóa ký không đúng."
    message_en = "The passphrase or PIN of the signing key is wrong."


class CertificateError(SigningError):
    code = "certificate_invalid"
    message_vi = "Chứng thư số của người ký không hợp lệ."
    message_en = "The signer's certificate is not valid."


class CertificateExpiredError(CertificateError):
    code = "certificate_expired"
    message_vi = "Chứng thư số của người ký đã hết hạn."
    message_en = "The signer's certificate has expired."


class CertificateNotYetValidError(CertificateError):
    code = "certificate_not_yet_valid"
    message_vi = "Chứng thư số của người ký chưa có hiệu lực."
    message_en = "The signer's certificate is not yet valid."


class CertificateRevokedError(CertificateError):
    code = "certificate_revoked"
    message_vi = "Chứng thư số của người ký đã bị thu hồi."
    message_en = "The signer's certificate has been revoked."


class CertificateUntrustedError(CertificateError):
    code = "certificate_untrusted"
    message_vi = "Chứng thư số của người ký không do tổ chức chứng thực tin cậy cấp."
    message_en = "The signer's certificate does not chain to a trusted authority."


class TimestampUnavailableError(SigningError):
    code = "tsa_unavailable"
    message_vi = "Không lấy được dấu thời gian từ dịch vụ cấp dấu thời gian (TSA)."
    message_en = "No timestamp could be obtained from the time-stamping authority (TSA)."


class RevocationInfoUnavailableError(SigningError):
    code = "revocation_info_unavailable"
    message_vi = "Không lấy được thông tin thu hồi chứng thư (OCSP/CRL)."
    message_en = "Certificate revocation information (OCSP/CRL) could not be obtained."


class AppearanceError(SigningError):
    code = "appearance_invalid"
    message_vi = "Hình ảnh chữ ký, con dấu hoặc vị trí hiển thị không hợp lệ."
    message_en = "The signature image, seal image or placement is invalid."


class LevelUnavailableError(SigningError):
    code = "pades_level_unavailable"
    message_vi = "Mức PAdES đã chọn không dùng được trên máy chủ này."
    message_en = "The chosen PAdES level is not available on this server."


class SigningFailedError(SigningError):
    code = "signing_failed"
    message_vi = "Ký số thất bại do lỗi không xác định."
    message_en = "Signing failed for an unexpected reason."
