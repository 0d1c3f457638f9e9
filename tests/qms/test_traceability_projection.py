"""The read model of the links between QMS cases (projections/case_links.py): kept step by step it equals a rebuild
from the log; it holds each ``ref``/``refs`` value a case's data carries (at the top or inside its items) and each
clause its items name; tables made new over cases already projected are filled from them."""

from __future__ import annotations

from typing import Any

from projections.case_links import clause_items, links_in
from tests.qms.test_traceability import declared  # noqa: F401 - the processes declared for these tests
from tests.qms.traceability_world import build


def rows(projector: Any, table: str) -> set[tuple[Any, ...]]:
    with projector.db.transaction(write=False) as cur:
        cur.execute(f"SELECT * FROM {table}")
        return {tuple(r) for r in cur.fetchall()}


def test_a_rebuild_of_the_links_equals_the_incrementally_kept_ones(api, world, clock, projector,
                                                                  declared) -> None:  # noqa: F811
    t = build(api, clock)
    projector.catch_up()
    kept = projector.dump()
    assert rows(projector, "case_links") >= {
        (t.objective, t.policy, "so-khcn-a", "policy"), (t.sibling, t.policy, "so-khcn-a", "policy"),
        (t.risk, t.objective, "so-khcn-a", "refs"), (t.risk_nc, t.risk, "so-khcn-a", "ref"),
        (t.finding_nc, t.checklist, "so-khcn-a", "ref"), (t.review, t.finding_nc, "so-khcn-a", "looked_at")}
    assert rows(projector, "case_clauses") == {(t.checklist, "so-khcn-a", "8.5.1", "L1"),
                                               (t.checklist, "so-khcn-a", "7.5.3", "L2")}
    projector.rebuild()
    assert projector.dump() == kept
    with projector.db.transaction() as cur:  # a deployment whose views predate these tables
        cur.execute("DROP TABLE case_links")
        cur.execute("DROP TABLE case_clauses")
    projector.create_tables()
    assert projector.dump() == kept


def test_links_and_clauses_are_found_wherever_the_data_holds_them() -> None:
    data = {"ref": "a", "refs": ["b", "a"], "other": "c",
            "findings": [{"id": "F1", "ref": "d", "clause": "9.2.1"}, {"ref": ["e"], "note": "x"}],
            "lines": [{"clause": "8.5.1", "question": "?"}, {"clause": " "}, {"question": "no clause"}],
            "snapshot": {"findings": [{"id": "F1", "clause": "9.2.1"}]}}
    assert links_in(data, frozenset({"ref", "refs"})) == [("a", "ref"), ("b", "refs"), ("a", "refs"), ("d", "ref"),
                                                         ("e", "ref")]
    assert [(c, k) for c, k, _ in clause_items(data)] == [("9.2.1", "F1"), ("8.5.1", "lines[0]")]
