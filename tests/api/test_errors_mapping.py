"""One place maps every error family to HTTP; nothing a client sent becomes a 500."""

from __future__ import annotations

import inspect

import pytest

import archive.errors as ae
import ledger.errors as le
import signing.errors as se
from api.errors import archive_status, ledger_status, signing_status


def _family(module, base):
    return [c for _, c in inspect.getmembers(module, inspect.isclass) if issubclass(c, base)]


SERVER_SIDE_ARCHIVE = (ae.StorageUnavailable, ae.IntegrityError, ae.KeyUnavailable, ae.RetentionActive,
                       ae.InvalidConfiguration, ae.ArchiveError)


@pytest.mark.parametrize("cls", [c for c in _family(le, le.LedgerError) if c is not le.Unavailable])
def test_every_ledger_error_but_unavailability_is_a_client_error(cls):
    assert 400 <= ledger_status(cls("vi", "en")) < 500


def test_a_busy_or_unreachable_database_is_503_so_clients_retry():
    assert ledger_status(le.Unavailable("vi", "en")) == 503


@pytest.mark.parametrize("cls", _family(ae, ae.ArchiveError))
def test_archive_errors_a_client_caused_are_4xx(cls):
    e = cls(1) if cls is ae.FileTooLarge else cls()
    status = archive_status(e)
    if cls in (ae.FileTooLarge, ae.UnsupportedMediaType, ae.ObjectNotFound, ae.ScopeKeyMissing):
        assert 400 <= status < 500
    else:
        assert issubclass(cls, SERVER_SIDE_ARCHIVE)


@pytest.mark.parametrize("cls", _family(se, se.SigningError))
def test_signing_errors_from_a_clients_input_are_422(cls):
    status = signing_status(cls())
    if issubclass(cls, se.NotPdfError):  # a file that is no PDF at all: unsupported media type
        assert status == 415
    elif issubclass(cls, se.InvalidPdfError | se.SignerError | se.CertificateError | se.AppearanceError):
        assert status == 422
    else:
        assert status in (500, 503, 422)


def test_an_unexpected_exception_is_a_problem_without_its_text(api):
    @api.app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    r = api.client.get("/boom")
    assert r.status_code == 500 and r.headers["content-type"].startswith("application/problem+json")
    assert "secret" not in r.text and r.json()["code"] == "internal_error"


def test_a_storage_outage_is_503_naming_storage(api, world, monkeypatch):
    def down():
        raise ae.StorageUnavailable()

    monkeypatch.setattr(api.archive, "check", down)
    r = api.client.get("/healthz")
    assert r.status_code == 503 and r.json() == {"status": "degraded", "database": "ok", "storage": "down"}
