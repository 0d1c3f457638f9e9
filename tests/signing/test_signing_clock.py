"""A signing service built with a clock signs at that clock's time: the CMS signing-time and the facts agree."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from pyhanko.pdf_utils.reader import PdfFileReader

from signing import SigningConfig, build_signing_service


def test_the_signature_claims_the_time_of_the_services_clock(pdf, leader) -> None:
    then = (datetime.now(UTC) - timedelta(days=3)).replace(microsecond=0)
    with build_signing_service(SigningConfig(check_signer=False), clock=lambda: then) as service:
        signed = service.sign(pdf, leader, signer_name="Nguyễn Văn Ánh", agency="Sở KH&CN", meaning="approval")
    assert signed.facts.signing_time == then
    embedded = PdfFileReader(io.BytesIO(signed.content)).embedded_signatures[0]
    assert embedded.self_reported_timestamp == then
