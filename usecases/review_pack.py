"""The input pack of a management review (§9.3.2): assembled from the log as it stood at one position, frozen
by the review's ``freeze`` step (which records its SHA-256, the position and the day), and rebuilt byte for byte.

The pack reads no mutable table: it replays the QMS case events of the agency up to the position through each
step's declared effect, as the aggregate does, and renders the result as canonical JSON (keys sorted, UTF-8,
no spaces), so the same log prefix always gives the same bytes. Processes not declared in this build (an audit
or complaint process still to come) give an empty section.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from eventsourcing.utils import get_topic

from ledger.actors import Actor
from ledger.errors import NotFound, RuleViolation
from ledger.qms import actions as A
from ledger.qms.case import Case
from ledger.qms.declaration import Applied, Process
from ledger.qms.registry import processes
from usecases import qms as Q
from usecases.deps import Deps

FORMAT = "isoledger.management-review-input-pack/1"
COLLECTION = "management-reviews"
REVIEW = "management_review"
TOPICS = (get_topic(Case.CaseOpened), get_topic(Case.StepTaken))  # type: ignore[attr-defined]
PAGE = 1000


@dataclass(frozen=True)
class Pack:
    """A rendered pack: its canonical bytes, their SHA-256, where it was taken, and whether it matches the hash the
    freeze recorded (None before the freeze)."""

    content: bytes
    sha256: str
    position: int
    day: str
    recorded: str | None

    @property
    def verified(self) -> bool | None:
        return None if self.recorded is None else self.recorded == self.sha256


def cases_at(ledger: Any, agency_id: str, position: int) -> dict[str, dict[str, Any]]:
    """Every QMS case of the agency as it stood once the log's event at ``position`` was written, replayed from the
    log (state, data, when opened and last changed) — of the processes this build declares."""
    declared = {p.name: p for p in processes()}
    decode = ledger.mapper.transcoder.decode
    out: dict[str, dict[str, Any]] = {}
    start = 0
    while start < position:
        page = ledger.recorder.select_notifications(start, PAGE, stop=position, topics=TOPICS,
                                                    inclusive_of_start=False)
        if not page:
            break
        for n in page:
            f = decode(n.state)
            case_id, at = str(n.originator_id), f["timestamp"].isoformat()
            opened = n.topic == TOPICS[0]
            if opened and f["agency_id"] == agency_id and f["process"] in declared:
                out[case_id] = {"id": case_id, "process": f["process"], "data": {}, "opened_at": at,
                                "opened_by": f["meta"]["user_id"]}
            case = out.get(case_id)
            if case is None:
                continue
            step = declared[case["process"]].step(f["step"])
            if step is not None:
                step.effect(case["data"], Applied(values=copy.deepcopy(f["values"]), user_id=f["meta"]["user_id"],
                                                  role=f["meta"]["role"], at=at, seq=n.originator_version))
            case.update(state=f["state"] if opened else f["to_state"], updated_at=at, version=n.originator_version)
        start = page[-1].id
    return out


def assemble(ledger: Any, agency_id: str, review_id: str, position: int, day: str) -> dict[str, Any]:
    """The pack as plain values: the review's notice and reports, the previous review's actions, and the year's
    objectives, audits, nonconformities, risks, complaints and improvements, as they stood at ``position``."""
    everything = cases_at(ledger, agency_id, position)
    review = everything.get(review_id)
    if review is None:
        raise NotFound("Không tìm thấy cuộc xem xét của lãnh đạo.", "No such management review.", field="id")
    year = int(review["data"]["year"])
    on = date.fromisoformat(day)
    declared = {p.name: p for p in processes()}

    def of(name: str, y: int | None = year) -> list[dict[str, Any]]:
        found = [c for c in everything.values() if c["process"] == name and (y is None or c["data"].get("year") == y)]
        return sorted(found, key=lambda c: (str(declared[name].title(c["data"])), c["id"]))

    def item(c: dict[str, Any], *extra: str) -> dict[str, Any]:
        process: Process = declared[c["process"]]
        data = c["data"]
        out = {"id": c["id"], "title": process.title(data), "state": c["state"],
               "state_label": list(process.states.get(c["state"], (c["state"], c["state"]))),
               "opened_at": c["opened_at"], "derived": process.derive(data, on)}
        if process.department_field:
            out["department"] = data.get(process.department_field)
        out.update({k: data[k] for k in extra if k in data})
        return out

    earlier = [c for c in of(REVIEW, None) if c["id"] != review_id and c["state"] != "cancelled"
               and (c["opened_at"], c["id"]) < (review["opened_at"], review_id)]
    previous = max(earlier, key=lambda c: (c["opened_at"], c["id"]), default=None)  # the review held before this one
    ncs = of("nonconformity", None)
    this_year_ncs = [c for c in ncs if c["data"].get("year") == year]
    data = review["data"]
    return {
        "format": FORMAT, "agency_id": agency_id,
        "as_of": {"position": position, "day": day},
        "review": {"id": review_id, "year": year, "state": review["state"],
                   **{k: data.get(k) for k in ("meeting_date", "chair", "agenda", "asks")},
                   "reports": [{k: r.get(k) for k in ("department", "report", "attachment", "by", "at")}
                               for r in data.get("reports", [])],
                   "missing_reports": declared[REVIEW].derive(data, on)["missing_reports"]},
        "previous_review": None if previous is None else {
            "id": previous["id"], "year": previous["data"].get("year"), "state": previous["state"],
            "actions": [{k: a.get(k) for k in ("id", "action", "owner", "due", "status", "done_at", "result")}
                        for a in A.actions_of(previous["data"])]},
        "objectives": [item(c, "code", "target", "unit", "direction") for c in of("quality_objective")],
        "internal_audits": section(of("internal_audit") if "internal_audit" in declared else [], item),
        "nonconformities": {
            "by_year": counted(ncs, lambda c: str(c["data"].get("year"))),
            "by_state": counted(this_year_ncs, lambda c: c["state"]),
            "by_source": counted(this_year_ncs, lambda c: str(c["data"].get("source"))),
            "open_actions": sum(len(A.open_actions(c["data"])) for c in this_year_ncs),
            "items": [item(c, "source", "detected_on", "closed_on") for c in this_year_ncs]},
        "risks": section(of("risk"), lambda c: item(c, "kind", "treatment", "reassess_on")),
        "complaints": section(of("complaint") if "complaint" in declared else [], item),
        "improvement": {
            "programme": [item(c, "plans", "round_results") for c in of("improvement_programme")],
            **section(of("improvement"), lambda c: item(c, "routine", "achieved", "measured", "proposer"))},
    }


def section(cases: list[dict[str, Any]], item: Any) -> dict[str, Any]:
    return {"by_state": counted(cases, lambda c: c["state"]), "items": [item(c) for c in cases]}


def counted(cases: list[dict[str, Any]], key: Any) -> dict[str, int]:
    out: dict[str, int] = {}
    for c in cases:
        out[key(c)] = out.get(key(c), 0) + 1
    return dict(sorted(out.items()))


def canonical(value: Mapping[str, Any]) -> bytes:
    """The one byte form of a pack: keys sorted, UTF-8 (Vietnamese as is), no insignificant whitespace."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode("utf-8")


def render(ledger: Any, agency_id: str, review_id: str, position: int, day: str,
           recorded: str | None = None) -> Pack:
    content = canonical(assemble(ledger, agency_id, review_id, position, day))
    return Pack(content, hashlib.sha256(content).hexdigest(), position, day, recorded)


def freeze_values(ledger: Any, state: dict[str, Any]) -> dict[str, Any]:
    """The ``freeze`` step's values for a review (``state``, as ``Ledger.case`` gives it): the pack as the log
    stands now — its hash, the position and today."""
    position = int(ledger.recorder.max_notification_id() or 0)
    day = ledger.today().isoformat()
    pack = render(ledger, state["agency_id"], state["id"], position, day)
    return {"pack_sha256": pack.sha256, "pack_position": position, "pack_day": day}


def _filled(deps: Deps, state: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    if state.get("state") != "notified":
        return values  # the step's own state check refuses it
    return freeze_values(deps.ledger, state)


Q.FILLED[(REVIEW, "freeze")] = _filled


class ReviewPacks:
    """The frozen input pack of a management review, rebuilt from the log for whoever may read the review."""

    def __init__(self, deps: Deps, qms: Q.Qms) -> None:
        self.deps, self.qms = deps, qms

    def frozen(self, actor: Actor, review_id: str) -> Pack:
        """The pack as frozen: rebuilt at the position the freeze recorded, with the hash it recorded (409
        ``not_frozen`` before the freeze)."""
        state = self.qms.get(actor, COLLECTION, review_id)  # 404: another agency's, or not a review
        data = state["data"]
        if not data.get("pack_sha256"):
            raise RuleViolation("Hồ sơ đầu vào chưa được chốt.", "The input pack has not been frozen yet.",
                                code="not_frozen", field="id")
        return render(self.deps.ledger, state["agency_id"], state["id"], int(data["pack_position"]),
                      str(data["pack_day"]),
                      recorded=str(data["pack_sha256"]))


SECTIONS = (("objectives", "Mục tiêu chất lượng"), ("internal_audits", "Đánh giá nội bộ"),
            ("nonconformities", "Sự không phù hợp"), ("risks", "Rủi ro và cơ hội"),
            ("complaints", "Phản ánh, khiếu nại"))


def readable(pack: Mapping[str, Any], names: Mapping[str, str]) -> list[tuple[str, str]]:
    """The pack as (section, line) pairs a person reads (the PDF rendering of it); ``names`` gives departments'
    and people's names by id."""
    def name(value: Any) -> str:
        return names.get(str(value), str(value)) if value else ""

    def line(item: Mapping[str, Any]) -> str:
        dep = f" — {name(item['department'])}" if item.get("department") else ""
        return f"{item['title']}{dep}: {item['state_label'][0]}"

    def day(iso: Any) -> str:
        return "/".join(reversed(str(iso).split("-"))) if iso else ""

    review = pack["review"]
    out = [("Cuộc xem xét", f"Năm {review['year']}, họp ngày {day(review.get('meeting_date'))}, chủ trì "
                            f"{name(review.get('chair'))}"),
           ("Hồ sơ chốt tại", f"vị trí {pack['as_of']['position']} của sổ cái, ngày {day(pack['as_of']['day'])}")]
    out += [("Báo cáo của phòng", f"{name(r['department'])} ({name(r['by'])}): {r['report']}")
            for r in review["reports"]]
    out += [("Chưa báo cáo", name(d)) for d in review["missing_reports"]]
    previous = pack.get("previous_review")
    if previous:
        out += [("Hành động của lần xem xét trước",
                 f"{a['id']} {a['action']} — {name(a['owner'])}, hạn {day(a['due'])}: {a['status']}")
                for a in previous["actions"]]
    for key, label in SECTIONS:
        section = pack[key]
        items = section if isinstance(section, list) else section["items"]
        out += [(label, line(i)) for i in items] or [(label, "(không có)")]
    ncs = pack["nonconformities"]
    out.append(("Sự không phù hợp theo năm", ", ".join(f"{y}: {n}" for y, n in ncs["by_year"].items()) or "0"))
    out.append(("Hành động khắc phục đang mở", str(ncs["open_actions"])))
    improvement = pack["improvement"]
    out += [("Chương trình cải tiến", line(p)) for p in improvement["programme"]]
    out += [("Đề xuất cải tiến", line(i)) for i in improvement["items"]] or [("Đề xuất cải tiến", "(không có)")]
    return out
