"""Plain words for what validation finds: ETSI indications, coverage, changes, PAdES levels, revocation, times."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from signing.results import SignatureReport


@dataclass(frozen=True)
class Words:
    """One machine code with its Vietnamese and English text and, where something can be done, the advice."""

    code: str
    vi: str
    en: str
    advice_vi: str = ""
    advice_en: str = ""

    def text(self, lang: str) -> str:
        return self.en if lang == "en" else self.vi

    def advice(self, lang: str) -> str:
        return self.advice_en if lang == "en" else self.advice_vi

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


def _table(*rows: tuple[str, str, str, str, str] | tuple[str, str, str]) -> dict[str, Words]:
    return {row[0]: Words(*row) for row in rows}


_RESIGN = ("Đề nghị người ký ký lại và gửi lại tệp.", "Ask the signer to sign again and resend the file.")
_ORIGINAL = ("Không dựa vào tệp này; lấy lại bản gốc từ người ký hoặc từ sổ đăng ký tài liệu.",
             "Do not rely on this file; get the original from the signer or from the document register.")
_TIMESTAMP = ("Chữ ký có dấu thời gian (mức B-T trở lên) tránh được trường hợp này; nếu tài liệu cần kiểm tra lâu "
              "dài, đề nghị ký lại ở mức B-T hoặc cao hơn.",
              "A timestamped signature (B-T or above) avoids this; if the document must stay verifiable, ask for a "
              "new signature at B-T or above.")
_ADMIN = ("Thử lại sau; nếu vẫn vậy, báo quản trị hệ thống và gửi kèm mã kỹ thuật.",
          "Try again later; if it persists, tell the administrator and include the technical code.")

# ETSI EN 319 102-1 clause 5.1.3: the main indication ...
STATUSES = _table(
    ("PASSED", "Đạt", "Passed"),
    ("INDETERMINATE", "Chưa kết luận được", "Indeterminate"),
    ("FAILED", "Không đạt", "Failed"),
)

# ... every sub-indication pyHanko reports (AdESPassed, AdESFailure, AdESIndeterminate), and three of ours:
# OK_AT_CURRENT_TIME (valid now, but pyHanko's long-term procedure finds no proof of existence for later
# years: every signature without a document timestamp), SELF_SIGNED (pyHanko says CHAIN_CONSTRAINTS_FAILURE)
# and DISALLOWED_CHANGES (a change the signature forbids).
INDICATIONS = _table(
    ("OK", "Chữ ký hợp lệ: nội dung nguyên vẹn, chứng thư số được tin cậy và không bị thu hồi.",
     "The signature is valid: the content is intact, the certificate is trusted and not revoked.",
     "Không cần làm gì thêm.", "Nothing to do."),
    ("OK_AT_CURRENT_TIME", "Chữ ký hợp lệ tại thời điểm kiểm tra: nội dung nguyên vẹn, chứng thư số được tin cậy "
     "và không bị thu hồi.", "The signature is valid now: the content is intact, the certificate is trusted and "
     "not revoked.", "Tài liệu cần kiểm tra được sau nhiều năm (khi chứng thư đã hết hạn) thì nên ký ở mức B-LTA.",
     "A document that must stay verifiable for years (after the certificate expires) should be signed at B-LTA."),
    ("SELF_SIGNED", "Chứng thư số là chứng thư tự ký: không tổ chức cung cấp dịch vụ chứng thực nào cấp nó, nên "
     "không thể được tin cậy.", "The certificate is self-signed: no certification authority issued it, so it "
     "cannot be trusted.", "Đề nghị người ký dùng chứng thư số do tổ chức cung cấp dịch vụ chứng thực chữ ký số "
     "cấp (có chứng thư gốc được hệ thống tin cậy).", "Ask the signer to use a certificate issued by a "
     "certification authority whose root this system trusts."),
    ("DISALLOWED_CHANGES", "Tệp có thay đổi sau khi ký mà chữ ký không cho phép.",
     "The file was changed after signing in a way the signature does not allow.", *_ORIGINAL),
    ("FORMAT_FAILURE", "Chữ ký không đúng định dạng hoặc không đọc được.",
     "The signature is malformed or cannot be read.",
     "Đề nghị người ký ký lại bằng phần mềm ký số theo chuẩn PAdES.",
     "Ask the signer to sign again with PAdES-compliant signing software."),
    ("HASH_FAILURE", "Nội dung tệp đã bị thay đổi sau khi ký (mã băm không khớp).",
     "The file's content was changed after it was signed (the hash does not match).", *_ORIGINAL),
    ("SIG_CRYPTO_FAILURE", "Giá trị chữ ký không khớp với khóa công khai trong chứng thư số.",
     "The signature value does not verify with the certificate's public key.", *_ORIGINAL),
    ("REVOKED", "Chứng thư số của người ký đã bị thu hồi trước thời điểm ký.",
     "The signer's certificate was revoked before the signing time.",
     "Chữ ký không có giá trị; đề nghị người ký ký lại bằng chứng thư số còn hiệu lực.",
     "The signature has no value; ask the signer to sign again with a valid certificate."),
    ("NOT_YET_VALID", "Chứng thư số chưa đến ngày có hiệu lực tại thời điểm ký.",
     "The certificate was not yet valid at the signing time.",
     "Kiểm tra đồng hồ của máy đã ký và đề nghị ký lại.",
     "Check the clock of the computer that signed, and ask for a new signature."),
    ("SIG_CONSTRAINTS_FAILURE",
     "Chữ ký không đáp ứng ràng buộc của chính sách kiểm tra (ví dụ: mục đích sử dụng khóa của chứng thư).",
     "The signature does not meet the validation policy (for example the certificate's key usage).",
     "Đề nghị người ký dùng chứng thư số được cấp cho mục đích ký số.",
     "Ask the signer to use a certificate issued for digital signatures."),
    ("CHAIN_CONSTRAINTS_FAILURE",
     "Chuỗi chứng thư không đáp ứng ràng buộc của chính sách (ví dụ: chứng thư trung gian không được phép cấp "
     "chứng thư).",
     "The certificate chain breaks the policy's constraints (for example an intermediate not allowed to issue "
     "certificates).",
     "Báo quản trị hệ thống kiểm tra chứng thư gốc và chứng thư trung gian của tổ chức cấp chứng thư.",
     "Ask the administrator to check the issuing CA's root and intermediate certificates."),
    ("CERTIFICATE_CHAIN_GENERAL_FAILURE", "Không kiểm tra được chuỗi chứng thư số.",
     "The certificate chain could not be checked.", *_ADMIN),
    ("CRYPTO_CONSTRAINTS_FAILURE", "Chữ ký hoặc chứng thư dùng thuật toán mật mã không còn được coi là an toàn.",
     "The signature or certificate uses an algorithm no longer considered secure.",
     "Đề nghị người ký ký lại bằng thuật toán hiện hành (ví dụ SHA-256).",
     "Ask the signer to sign again with a current algorithm (e.g. SHA-256)."),
    ("EXPIRED", "Chữ ký được tạo sau khi chứng thư số đã hết hạn.",
     "The signature was made after the certificate had expired.",
     "Đề nghị người ký gia hạn chứng thư số và ký lại.",
     "Ask the signer to renew the certificate and sign again."),
    ("POLICY_PROCESSING_ERROR", "Không xử lý được chính sách chữ ký mà chữ ký viện dẫn.",
     "The signature policy the signature refers to could not be processed.", *_ADMIN),
    ("SIGNATURE_POLICY_NOT_AVAILABLE", "Không lấy được chính sách chữ ký mà chữ ký viện dẫn.",
     "The signature policy the signature refers to is not available.", *_ADMIN),
    ("TIMESTAMP_ORDER_FAILURE", "Các dấu thời gian trong chữ ký không theo đúng thứ tự thời gian.",
     "The timestamps in the signature are not in chronological order.", *_RESIGN),
    ("NO_SIGNING_CERTIFICATE_FOUND", "Không tìm thấy chứng thư số của người ký trong chữ ký.",
     "The signer's certificate is not in the signature.", *_RESIGN),
    ("NO_CERTIFICATE_CHAIN_FOUND", "Chứng thư số không nối được tới chứng thư gốc nào mà hệ thống tin cậy.",
     "The certificate does not chain to any root certificate this system trusts.",
     "Đề nghị quản trị hệ thống thêm chứng thư gốc quốc gia (Root CA) của tổ chức cấp chứng thư vào danh sách "
     "chứng thư gốc tin cậy; chứng thư tự ký thì không bao giờ được tin cậy.",
     "Ask the administrator to add the national root CA of the issuing authority to the trusted roots; a "
     "self-signed certificate is never trusted."),
    ("REVOKED_NO_POE",
     "Chứng thư số đã bị thu hồi và không có dấu thời gian chứng minh chữ ký được tạo trước khi thu hồi.",
     "The certificate has been revoked and no timestamp proves the signature was made before that.",
     "Coi chữ ký là không có giá trị; đề nghị người ký ký lại bằng chứng thư số mới.",
     "Treat the signature as without value; ask the signer to sign again with a new certificate."),
    ("REVOKED_CA_NO_POE",
     "Chứng thư của tổ chức cấp (CA) trong chuỗi đã bị thu hồi và không có dấu thời gian chứng minh chữ ký được "
     "tạo trước đó.",
     "A CA certificate in the chain has been revoked and no timestamp proves the signature was made before that.",
     "Coi chữ ký là không có giá trị; đề nghị người ký ký lại bằng chứng thư số mới.",
     "Treat the signature as without value; ask the signer to sign again with a new certificate."),
    ("OUT_OF_BOUNDS_NO_POE",
     "Chứng thư số đã hết hạn (hoặc chưa có hiệu lực) lúc kiểm tra, và không có dấu thời gian chứng minh chữ ký "
     "được tạo khi chứng thư còn hiệu lực.",
     "The certificate is expired (or not yet valid) now, and no timestamp proves the signature was made while "
     "it was valid.", *_TIMESTAMP),
    ("REVOCATION_OUT_OF_BOUNDS_NO_POE",
     "Thời điểm thu hồi nằm ngoài thời hạn của chứng thư số, và không có dấu thời gian chứng minh thời điểm ký.",
     "The revocation time lies outside the certificate's validity, and no timestamp proves the signing time.",
     *_TIMESTAMP),
    ("OUT_OF_BOUNDS_NOT_REVOKED",
     "Chứng thư số đã hết hạn lúc kiểm tra (không bị thu hồi), và không có dấu thời gian chứng minh chữ ký được "
     "tạo khi chứng thư còn hiệu lực.",
     "The certificate has expired (it was not revoked), and no timestamp proves the signature was made while it "
     "was valid.", *_TIMESTAMP),
    ("CRYPTO_CONSTRAINTS_FAILURE_NO_POE",
     "Thuật toán mật mã đã dùng không còn an toàn, và không có dấu thời gian chứng minh chữ ký được tạo trước đó.",
     "An algorithm used is no longer secure, and no timestamp proves the signature was made before that.",
     "Đề nghị ký lại bằng thuật toán hiện hành; tài liệu lưu trữ lâu dài nên ký ở mức B-LTA.",
     "Ask for a new signature with a current algorithm; documents kept for long should be signed at B-LTA."),
    ("NO_POE", "Thiếu dấu thời gian (bằng chứng tồn tại) mà việc kiểm tra cần.",
     "A timestamp (proof of existence) the check needs is missing.", *_TIMESTAMP),
    ("TRY_LATER", "Chưa lấy được thông tin thu hồi (OCSP/CRL) đủ mới để kết luận.",
     "Fresh enough revocation information (OCSP/CRL) could not be obtained yet.",
     "Thử lại sau; nếu vẫn vậy, đề nghị quản trị hệ thống kiểm tra kết nối tới máy chủ OCSP/CRL của tổ chức cấp "
     "chứng thư.",
     "Try again later; if it persists, ask the administrator to check access to the CA's OCSP/CRL servers."),
    ("SIGNED_DATA_NOT_FOUND", "Không tìm thấy dữ liệu đã được ký trong tệp.",
     "The signed data cannot be found in the file.", *_ORIGINAL),
    ("GENERIC", "Không kết luận được (lỗi chung khi kiểm tra).",
     "No conclusion could be reached (general validation error).", *_ADMIN),
)

# pyHanko's SignatureCoverageLevel, and UNKNOWN when the signature could not be read at all.
COVERAGE = _table(
    ("ENTIRE_FILE", "Chữ ký bao trùm toàn bộ tệp; không có gì được thêm vào sau khi ký.",
     "The signature covers the whole file; nothing was added after signing."),
    ("ENTIRE_REVISION", "Chữ ký bao trùm toàn bộ tệp như lúc ký; có phần được thêm vào sau đó (xem «Thay đổi sau "
     "khi ký»).", "The signature covers the whole file as it was when signed; something was added later (see "
     "«Changes after signing»)."),
    ("CONTIGUOUS_BLOCK_FROM_START", "Chữ ký chỉ bao trùm phần đầu của tệp.",
     "The signature covers only the beginning of the file.", *_ORIGINAL),
    ("UNCLEAR", "Không xác định được phần nào của tệp được ký; đây là dấu hiệu bất thường.",
     "It is unclear which part of the file is signed; a bad sign.", *_ORIGINAL),
    ("UNKNOWN", "Không xác định (chữ ký không đọc được).", "Unknown (the signature could not be read)."),
)

# pyHanko's ModificationLevel, and NOT_ANALYSED when the difference analysis gave no result.
MODIFICATIONS = _table(
    ("NONE", "Không có thay đổi nào sau khi ký.", "No change after signing."),
    ("LTA_UPDATES", "Chỉ bổ sung dữ liệu kiểm tra dài hạn (chứng thư, OCSP/CRL, dấu thời gian tài liệu); nội dung "
     "không đổi.", "Only long-term validation data was added (certificates, OCSP/CRL, document timestamps); the "
     "content is unchanged."),
    ("FORM_FILLING", "Chỉ thêm chữ ký khác hoặc điền biểu mẫu; nội dung không đổi.",
     "Only further signatures or form filling were added; the content is unchanged."),
    ("ANNOTATIONS", "Có ghi chú (annotation) được thêm vào sau khi ký.", "Annotations were added after signing.",
     "Mở tệp và xem các ghi chú được thêm; chúng không thuộc nội dung đã ký.",
     "Open the file and look at the added annotations; they are not part of the signed content."),
    ("OTHER", "Có thay đổi khác sau khi ký, có thể làm khác nội dung hiển thị.",
     "Other changes were made after signing; they may alter what is shown.", *_ORIGINAL),
    ("NOT_ANALYSED", "Không phân tích được các thay đổi sau khi ký.",
     "The changes after signing could not be analysed.", *_ORIGINAL),
)

LEVELS = _table(
    ("B-B", "Cơ bản (B-B): không có dấu thời gian; thời điểm ký do người ký tự khai báo.",
     "Basic (B-B): no timestamp; the signing time is the signer's own claim."),
    ("B-T", "Có dấu thời gian (B-T): thời điểm ký được tổ chức cung cấp dấu thời gian xác nhận.",
     "Timestamped (B-T): a time-stamping authority vouches for the signing time."),
    ("B-LT", "Dài hạn (B-LT): có dấu thời gian, kèm dữ liệu kiểm tra (chứng thư, OCSP/CRL) trong tệp.",
     "Long-term (B-LT): timestamped, with the validation data (certificates, OCSP/CRL) inside the file."),
    ("B-LTA", "Lưu trữ dài hạn (B-LTA): như B-LT, thêm dấu thời gian tài liệu để còn kiểm tra được sau nhiều năm.",
     "Long-term archival (B-LTA): as B-LT, plus a document timestamp so it can be checked years from now."),
)

REVOCATION = _table(
    ("not_revoked", "Không bị thu hồi (đã kiểm tra OCSP/CRL).", "Not revoked (checked with OCSP/CRL)."),
    ("revoked", "Đã bị thu hồi.", "Revoked.",
     "Coi chữ ký là không có giá trị, trừ khi dấu thời gian chứng minh chữ ký có trước khi thu hồi.",
     "Treat the signature as without value, unless a timestamp proves it was made before the revocation."),
    ("not_checked", "Không kiểm tra (chứng thư chưa được tin cậy, hoặc chưa lấy được thông tin thu hồi).",
     "Not checked (the certificate is not trusted, or revocation information could not be obtained)."),
)

SIGNING_TIME = _table(
    ("timestamp", "Thời điểm ký theo dấu thời gian", "Signing time per the timestamp"),
    ("signer", "Thời điểm ký do người ký khai báo", "Signing time claimed by the signer",
     "Đây là giờ trên máy của người ký, không được bên thứ ba xác nhận.",
     "This is the clock of the signer's computer; no third party vouches for it."),
)


# Which configured root a trusted certificate's chain ends at; the root's name follows the text.
TRUST_ROOT = _table(
    ("trusted_root", "Chuỗi chứng thư tới gốc tin cậy", "The certificate chains to the trusted root"),
    ("no_trusted_root", "Chưa xác lập được chuỗi chứng thư tới một chứng thư gốc mà hệ thống tin cậy.",
     "No certificate chain to a root this system trusts could be established."),
)


def trust_root_words(report: SignatureReport) -> Words:
    """The trust root sentence of ``report``: the root's name when the chain ends at one."""
    if report.trust_root_name is None:
        return TRUST_ROOT["no_trusted_root"]
    w = TRUST_ROOT["trusted_root"]
    return Words(w.code, f"{w.vi}: {report.trust_root_name}", f"{w.en}: {report.trust_root_name}")


def _look_up(table: dict[str, Words], code: str) -> Words:
    # A code this catalogue does not know (a newer pyHanko) still shows, as itself.
    return table.get(code) or Words(code, code, code)


@dataclass(frozen=True)
class ReportWords:
    """The words of one SignatureReport, each beside its machine code."""

    status: Words  # the ETSI main indication as pyHanko reports it
    indication: Words  # what explains the verdict (see explanation_code)
    coverage: Words
    modification: Words
    level: Words | None
    revocation: Words
    signing_time: Words | None
    trust_root: Words

    def to_dict(self) -> dict[str, dict[str, str] | None]:
        return {
            "status": self.status.to_dict(), "indication": self.indication.to_dict(),
            "coverage": self.coverage.to_dict(), "modification_level": self.modification.to_dict(),
            "pades_level": self.level.to_dict() if self.level else None,
            "revocation": self.revocation.to_dict(),
            "signing_time": self.signing_time.to_dict() if self.signing_time else None,
            "trust_root": self.trust_root.to_dict(),
        }  # fmt: skip


def explanation_code(report: SignatureReport) -> str:
    """The catalogue entry that explains the verdict (``report.ok``), so the words never contradict it."""
    r = report
    if r.ok:
        return "OK" if r.indication == "OK" else "OK_AT_CURRENT_TIME"
    if r.status == "FAILED" and r.indication != "OK":
        return r.indication  # a definite failure names itself
    if not r.intact:
        return "HASH_FAILURE"
    if not r.valid:
        return "SIG_CRYPTO_FAILURE"
    if not r.trusted and r.certificate is not None and r.certificate.self_signed:
        return "SELF_SIGNED"
    if r.trust_problem:
        return r.trust_problem  # the certificate's own problem, not what it then costs the timing checks
    if r.revoked:
        return "REVOKED_NO_POE"
    if r.trusted and r.docmdp_ok is False:
        return "DISALLOWED_CHANGES"
    return r.indication if r.indication != "OK" else "GENERIC"


def describe(report: SignatureReport) -> ReportWords:
    """What a person reads about ``report``: the page and the API both take their words from here."""
    return ReportWords(
        status=_look_up(STATUSES, report.status),
        indication=_look_up(INDICATIONS, explanation_code(report)),
        coverage=_look_up(COVERAGE, report.coverage),
        modification=_look_up(MODIFICATIONS, report.modification_level or "NOT_ANALYSED"),
        level=_look_up(LEVELS, report.pades_level) if report.pades_level else None,
        revocation=_look_up(REVOCATION, report.revocation),
        signing_time=_look_up(SIGNING_TIME, report.signing_time_source) if report.signing_time_source else None,
        trust_root=trust_root_words(report),
    )
