"""The province generator behind bench/province.py builds through the ledger's own commands and rules: it keeps
working as the rules tighten (a name that is not an account is refused), every chain intact."""

from __future__ import annotations

from bench.province_build import Province
from ledger.verify import verify_chains


def test_the_province_generator_builds_a_province_the_rules_accept_with_intact_chains(ledger):
    province = Province(ledger, 3000, seed=5, batch=50)
    written = province.build()
    assert written >= 3000
    busiest = province.biggest()
    assert busiest.documents > 0 and busiest.records > 0
    report = verify_chains(ledger)
    assert report.intact and report.events >= written
    kinds = {n.topic.rsplit(".", 1)[-1] for n in ledger.recorder.select_notifications(start=1, limit=report.events)}
    assert {"Issued", "Superseded", "Opened", "Borrowed", "Returned", "Destroyed"} <= kinds, kinds
