"""One error base and one mapping to HTTP: each class has its status; nothing escapes as a bare 500."""

from __future__ import annotations

import inspect
import sqlite3

import pytest

import archive.errors as ae
import ledger.errors as le
import signing.errors as se
from api.errors import STATUS, ApiError, status_of
from isoledger.settings import SettingsError
from tests.api.conftest import OWN


def _family(module, base):
    return [c for _, c in inspect.getmembers(module, inspect.isclass) if issubclass(c, base)]


EXPECTED = {
    le.IsoledgerError: 500, le.LedgerError: 400, le.InvalidInput: 422, le.NotFound: 404, le.NotAllowed: 403,
    le.RuleViolation: 409, le.ConcurrencyConflict: 409, le.StaleVersion: 412, le.ConcurrentWrite: 409,
    le.RequestAlreadyApplied: 409,
    le.Unavailable: 503,
    ae.ArchiveError: 500, ae.InvalidConfiguration: 500, ae.InvalidFileInput: 422, ae.StorageUnavailable: 503,
    ae.StorageAccessDenied: 503, ae.BucketMissing: 503, ae.StorageFull: 503, ae.ObjectNotFound: 404,
    ae.RetentionActive: 500, ae.IntegrityError: 500, ae.KeyUnavailable: 500, ae.ScopeKeyMissing: 410,
    ae.WrongMasterKey: 500, ae.UploadInterrupted: 400, ae.FileTooLarge: 413, ae.UnsupportedMediaType: 415,
    ae.UnreadablePdf: 415,
    se.SigningError: 422, se.SigningConfigError: 500, se.InvalidPdfError: 422, se.NotPdfError: 415, se.EncryptedPdfError: 422,
    se.PdfDecodeLimitError: 422, se.SignerError: 422, se.SignerCredentialsError: 422, se.CertificateError: 422,
    se.CertificateExpiredError: 422, se.CertificateNotYetValidError: 422, se.CertificateRevokedError: 422,
    se.CertificateUntrustedError: 422, se.TimestampUnavailableError: 503, se.RevocationInfoUnavailableError: 503,
    se.AppearanceError: 422, se.LevelUnavailableError: 422, se.SigningFailedError: 500,
    SettingsError: 500,
}
FAMILIES = (_family(le, le.IsoledgerError) + _family(ae, ae.ArchiveError) + _family(se, se.SigningError)
            + [SettingsError])


def _make(cls):
    if cls is ae.FileTooLarge:
        return cls(1024)
    if cls in (ae.UploadInterrupted, ae.UnsupportedMediaType, ae.UnreadablePdf):
        return cls()
    return cls(code="x", message_vi="vi", message_en="en")


def test_every_error_class_of_every_family_is_listed_here() -> None:
    assert set(FAMILIES) == set(EXPECTED)


@pytest.mark.parametrize("cls", FAMILIES, ids=lambda c: c.__name__)
def test_each_error_class_maps_to_its_status(cls) -> None:
    assert status_of(_make(cls)) == EXPECTED[cls]


def test_the_status_is_decided_by_class_not_by_the_field() -> None:
    assert status_of(le.StaleVersion(current=3, expected=2)) == 412
    assert status_of(le.ConcurrentWrite(field="If-Match")) == 409
    assert status_of(le.ConcurrencyConflict("vi", "en", field="If-Match")) == 409
    assert status_of(ae.InvalidConfiguration(field="file")) == 500
    assert not any(hasattr(cls, "http_status") for cls in FAMILIES)  # the domain stores no HTTP status


def test_every_family_shares_the_base_and_its_keyword_only_form() -> None:
    for cls in FAMILIES + [ApiError]:
        assert issubclass(cls, le.IsoledgerError)
    e = ae.StorageFull(code="disk_full", message_vi="Đầy đĩa.", message_en="Disk full.", field="file", free=0)
    assert e.to_dict() == {"code": "disk_full", "message_vi": "Đầy đĩa.", "message_en": "Disk full.",
                           "field": "file", "free": 0}
    stale = le.StaleVersion(current=5, expected=4)
    assert (stale.code, stale.field) == ("concurrency_conflict", "If-Match")
    assert "phiên bản 5, bạn đang xem 4" in stale.message_vi and "now version 5, you had 4" in stale.message_en


def test_the_older_positional_forms_still_work() -> None:
    ledger = le.RuleViolation("Tiếng Việt", "English", field="code", code="duplicate_code")
    archive = ae.StorageFull("English", "Tiếng Việt")
    signing = se.SignerError("English", "Tiếng Việt", field="pin")
    api = ApiError(429, "too_many", "Tiếng Việt", "English", field="username", headers={"Retry-After": "5"})
    for e in (ledger, archive, signing, api):
        assert (e.message_vi, e.message_en) == ("Tiếng Việt", "English")
    assert (ledger.code, ledger.field, status_of(ledger)) == ("duplicate_code", "code", 409)
    assert (api.code, api.field, status_of(api), api.headers) == ("too_many", "username", 429, {"Retry-After": "5"})
    assert se.CertificateRevokedError().message_vi == "Chứng thư số của người ký đã bị thu hồi."


def test_a_stale_if_match_is_412_and_a_lost_concurrent_write_409_through_http(api, world, monkeypatch) -> None:
    from eventsourcing.persistence import IntegrityError

    doc = world[OWN]["document_id"]
    submit = f"/api/v1/documents/{doc}/versions/1/submit"
    body = {"reviewers": [], "approver": "giamdoc"}
    version = api.call("GET", f"/api/v1/documents/{doc}", "thuky").json()["version"]
    stale = api.call("POST", submit, "thuky", json=body, headers={"If-Match": f'"{version - 1}"'})
    assert stale.status_code == 412 and stale.json()["code"] == "concurrency_conflict"
    assert stale.json()["errors"][0]["field"] == "If-Match"

    def lose(*args, **kwargs):
        raise IntegrityError("another writer got there first")

    monkeypatch.setattr(api.services.ledger, "save", lose)
    lost = api.call("POST", submit, "thuky", json=body, headers={"If-Match": f'"{version}"'})
    assert lost.status_code == 409 and lost.json()["code"] == "concurrent_write"


def test_an_error_of_any_family_raised_in_a_route_is_its_problem(api) -> None:
    for cls in FAMILIES:
        api.app.add_api_route(f"/raise/{cls.__name__}", _raiser(_make(cls)))
    for cls in FAMILIES:
        r = api.client.get(f"/raise/{cls.__name__}")
        assert r.status_code == EXPECTED[cls], cls
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["status"] == EXPECTED[cls] and r.json()["detail"] and r.json()["detail_en"]
        assert (r.headers.get("Retry-After") is not None) == (EXPECTED[cls] == 503)


def _raiser(exc: Exception):
    def route() -> None:
        raise exc
    return route


def test_a_library_exception_never_escapes_unmapped(api) -> None:
    for exc in (RuntimeError("secret internals"), sqlite3.OperationalError("secret internals"),
                KeyError("secret internals"), OSError("secret internals"), ValueError("secret internals")):
        name = type(exc).__name__

        api.app.add_api_route(f"/boom/{name}", _raiser(exc))
        r = api.client.get(f"/boom/{name}")
        assert r.status_code == 500 and r.headers["content-type"].startswith("application/problem+json"), name
        assert "secret" not in r.text and r.json()["code"] == "internal_error"


def test_the_mapping_names_only_error_classes() -> None:
    assert all(issubclass(cls, le.IsoledgerError) for cls in STATUS)


def test_a_storage_outage_is_503_naming_storage(api, world, monkeypatch):
    def down():
        raise ae.StorageUnavailable()

    monkeypatch.setattr(api.archive, "check", down)
    r = api.client.get("/healthz")
    assert r.status_code == 503 and r.json() == {"status": "degraded", "database": "ok", "storage": "down"}
