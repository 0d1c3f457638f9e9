"""The use cases of every declared QMS process (open a case, take a step, read, list, history, what waits on me):
one set of use cases for all processes, parameterised by the declaration (``ledger.qms``)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar

from ledger.actors import Actor
from ledger.errors import InvalidInput, NotFound
from ledger.files import FileKind, FileRef, file_scope
from ledger.qms.declaration import Process
from ledger.qms.registry import process_at, processes
from ledger.references import case_files
from usecases import qms_diagrams
from usecases import roles as R
from usecases.deps import Deps
from usecases.files import OpenFile, Upload, open_stored, store
from usecases.outcome import Done, done
from usecases.visibility import AGENCY, Visibility, What

T = TypeVar("T")
Read = Callable[[Any, str, list[Any]], T]
CASE: What = ("mục", "item")
READERS = frozenset(R.MEMBERS)  # the agency's own people, and the inspectors of agencies that supervise it
# (process, step) -> what the server computes for a step's values before it is taken, from the case and the log
# (the input pack a management review freezes: usecases/review_pack.py); whatever the caller sent is replaced
FILLED: dict[tuple[str, str], Callable[[Deps, dict[str, Any], dict[str, Any]], dict[str, Any]]] = {}
COLUMNS = "id, agency_id, process, department_id, year, title, state, data, search, opened_by, opened_at, version, " \
          "updated_at"


class Qms:
    """Cases of the QMS processes, seen by the agency's own people and its supervising inspectors."""

    def __init__(self, deps: Deps, visibility: Visibility) -> None:
        self.deps, self.visibility = deps, visibility

    @staticmethod
    def processes() -> list[Process]:
        return processes()

    @staticmethod
    def process(collection: str) -> Process:
        return process_at(collection)

    # ---- commands --------------------------------------------------------------------------
    def open(self, actor: Actor, agency_id: str, collection: str, *, values: dict[str, Any],
             reason: str = "") -> Done:
        """Opens a case of the process at ``collection`` in the actor's own agency (another agency: 404)."""
        process = process_at(collection)
        self.visibility.agency(agency_id)
        self.visibility.check_own(actor, agency_id)
        for f in process.opening.fields:  # no case, no scope yet: a file is uploaded to the case once opened
            if f.kind == "file" and values.get(f.name) is not None:
                raise InvalidInput(f"«{f.label[0]}»: hãy tải tệp lên sau khi tạo mục.",
                                   f"'{f.label[1]}': upload the file once the item exists.", field=f.name)
        case_id = self.deps.ledger.open_case(actor, process.name, values=values, reason=reason)
        return done(self.deps, case_id)

    def take(self, actor: Actor, collection: str, case_id: str, step: str, *, values: dict[str, Any],
             reason: str = "", expected_version: int | None = None) -> Done:
        """Takes ``step`` of a case of the actor's own agency (another agency's, or another process's: 404)."""
        state = self._load(actor, collection, case_id, command=True)
        fill = FILLED.get((process_at(collection).name, step))
        if fill is not None:
            values = fill(self.deps, state, values)
        self._check_files(process_at(collection), state["id"], step, values)
        self.deps.ledger.take_step(actor, state["id"], step, values=values, reason=reason,
                                   expected_version=expected_version)
        return done(self.deps, state["id"])

    def upload(self, actor: Actor, collection: str, case_id: str, upload: Upload) -> FileRef:
        """Stores a file for a later step of the case (a measurement's evidence) in the case's scope; a step then
        names it. Only someone whose role may take a step with a file field, of the case's own agency."""
        process = process_at(collection)
        state = self._load(actor, collection, case_id, command=True)
        roles = file_roles(process)
        if not roles:
            raise NotFound("Quy trình này không nhận tệp.", "This process takes no files.", field="file")
        actor.meta(*roles)
        return store(self.deps.archive, upload, file_scope(FileKind.CASE, state["id"]))

    def open_file(self, actor: Actor, collection: str, case_id: str, sha256: str) -> OpenFile:
        """A file a step of the case named (e.g. the evidence of a measurement), verified as it is read."""
        state = self._load(actor, collection, case_id, command=False)
        events = self.deps.ledger.history(state["id"])
        for ref in (r for e in events for r in case_files(e["data"].get("values", {}))):
            if ref.sha256 == sha256:
                return open_stored(self.deps.archive, ref.to_dict(), file_scope(FileKind.CASE, state["id"]))
        raise NotFound("Không có tệp này trong mục.", "No such file in this item.", field="sha256",
                       code="no_such_file")

    def _check_files(self, process: Process, case_id: str, step_name: str, values: dict[str, Any]) -> None:
        """Every file a step names is stored, intact, in the case's scope (uploaded first: ``upload``)."""
        step = process.step(step_name)
        if step is None:
            return
        scope = file_scope(FileKind.CASE, case_id)
        for f in step.fields:
            if f.kind != "file" or not isinstance(values.get(f.name), dict):
                continue
            try:
                ref = FileRef.from_dict(values[f.name])
            except (KeyError, TypeError, ValueError):
                continue  # malformed: the step's own check names the field
            if not self.deps.archive.verify(ref, scope).ok:
                raise InvalidInput(f"«{f.label[0]}»: tệp chưa được tải lên cho mục này hoặc không còn nguyên vẹn.",
                                   f"'{f.label[1]}': the file was not uploaded for this item, or is not intact.",
                                   field=f.name)

    # ---- reads ------------------------------------------------------------------------------
    def get(self, actor: Actor, collection: str, case_id: str) -> dict[str, Any]:
        """The case now, with its derived status and the steps ``actor`` could take next."""
        state = self._load(actor, collection, case_id, command=False)
        process = process_at(collection)
        state["next_steps"] = [s.name for s in process.available(state["state"])
                               if actor.agency_id == state["agency_id"] and actor.roles & set(s.roles)]
        return state

    def history(self, actor: Actor, collection: str, case_id: str,
                as_of: datetime | None = None) -> dict[str, Any]:
        """``{"as_of", "state", "events"}``: the case's events up to ``as_of`` and the case as it stood then."""
        self._load(actor, collection, case_id, command=False)
        if as_of is not None and as_of.tzinfo is None:
            raise InvalidInput("Thời điểm phải có múi giờ, ví dụ 2026-06-30T17:00:00+07:00.",
                               "as_of needs a time zone, e.g. 2026-06-30T17:00:00+07:00.", field="as_of")
        ledger = self.deps.ledger
        return {"as_of": as_of.isoformat() if as_of else None,
                "state": ledger.state_at(case_id, as_of=as_of) if as_of else ledger.state_at(case_id),
                "events": ledger.history(case_id, as_of=as_of)}

    def page(self, actor: Actor, agency_id: str, collection: str, read: Read[T], *, year: int | None = None,
             department_id: str | None = None, state: str | None = None) -> T:
        """The agency's cases of one process through ``read(cursor, base, params)`` (a FROM ... WHERE clause)."""
        process = process_at(collection)
        self.visibility.agency(agency_id)
        if not (agency_id == actor.agency_id and actor.roles & {r for s in process.steps for r in s.roles}):
            self.visibility.check_visible(actor, agency_id, READERS)  # those who run a process list its cases
        if state is not None and state not in process.states:
            raise InvalidInput(f"Không có trạng thái «{state}».", f"There is no state '{state}'.", field="state")
        where: list[str] = ["agency_id=?", "process=?"]
        params: list[Any] = [agency_id, process.name]
        for column, value in (("year", year), ("department_id", department_id), ("state", state)):
            if value is not None:
                where.append(f"{column}=?")
                params.append(value)
        self.deps.projections.fresh()
        with self.deps.db.transaction(write=False) as cur:
            return read(cur, "FROM cases WHERE " + " AND ".join(where), params)

    def listed(self, actor: Actor, agency_id: str, collection: str, **filters: Any) -> list[dict[str, Any]]:
        """Every case of one process in the agency (for pages and charts), each with its derived status."""
        process, today = process_at(collection), self.deps.ledger.today()

        def read(cur: Any, base: str, params: list[Any]) -> list[dict[str, Any]]:
            cur.execute(f"SELECT {COLUMNS} {base} ORDER BY year DESC, title, id", params)
            names = [d[0] for d in cur.description]
            return [row_out(process, dict(zip(names, r, strict=True)), today) for r in cur.fetchall()]

        return self.page(actor, agency_id, collection, read, **filters)

    def department_as_of(self, actor: Actor, department_id: str, as_of: datetime,
                         collection: str = "objectives") -> list[dict[str, Any]]:
        """The department's cases of one process as they stood at ``as_of`` (e.g. its objectives on 30/06), rebuilt
        from the log: every case of the agency that then belonged to the department, in the state it was in."""
        if as_of.tzinfo is None:
            raise InvalidInput("Thời điểm phải có múi giờ, ví dụ 2026-06-30T17:00:00+07:00.",
                               "as_of needs a time zone, e.g. 2026-06-30T17:00:00+07:00.", field="as_of")
        dep = self.department(actor, department_id)
        process = process_at(collection)

        def read(cur: Any, base: str, params: list[Any]) -> list[str]:
            cur.execute(f"SELECT id {base} ORDER BY id", params)
            return [str(r[0]) for r in cur.fetchall()]

        ids = self.page(actor, dep["agency_id"], collection, read)
        then = [self.deps.ledger.state_at(i, as_of=as_of) for i in ids]
        field = process.department_field or "department"
        return sorted((s for s in then if s is not None and s["data"].get(field) == department_id),
                      key=lambda s: (s["title"], s["id"]))

    def department(self, actor: Actor, department_id: str) -> dict[str, Any]:
        """A department of an agency the actor may read (another agency's: 404)."""
        dep = self.deps.directory.find_department(department_id)
        if dep is None:
            raise NotFound("Không tìm thấy phòng ban.", "No such department.", field="department_id")
        self.visibility.check_visible(actor, dep["agency_id"], READERS, ("phòng ban", "department"))
        return dep

    def decoded(self, collection: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Projected rows as the API and pages show them: data decoded, derived status for today."""
        process, today = process_at(collection), self.deps.ledger.today()
        return [row_out(process, r, today) for r in rows]

    def waiting_on(self, actor: Actor) -> list[dict[str, Any]]:
        """Cases of the actor's agency waiting on a step one of their roles may take (their QMS inbox), oldest first,
        each with those steps; a step into a final state (withdrawing...) is not something a case waits for."""
        roles = sorted(actor.roles)
        if not roles:
            return []
        self.deps.projections.fresh()
        marks = ",".join("?" * len(roles))
        with self.deps.db.transaction(write=False) as cur:
            cur.execute(f"SELECT c.id, c.process, c.title, c.state, w.step, w.since FROM case_waiting w "
                        f"JOIN cases c ON c.id=w.case_id WHERE w.agency_id=? AND w.role IN ({marks}) "
                        "ORDER BY w.since, c.id", [actor.agency_id, *roles])
            rows = cur.fetchall()
        by_name = {p.name: p for p in processes()}
        out: dict[str, dict[str, Any]] = {}
        for case_id, name, title, state, step, since in rows:
            process = by_name.get(name)
            taken = process.step(step) if process is not None else None
            if process is None or taken is None or taken.target in process.final:
                continue  # a step that ends the case (withdraw, cancel) is taken when decided, never awaited
            item = out.setdefault(case_id, {"id": case_id, "process": name, "collection": process.collection,
                                            "title": title, "state": state, "since": since, "steps": [],
                                            "process_label": process.label, "state_label": process.states[state]})
            item["steps"].append(step)
        for item in out.values():  # the steps in the order the process declares them
            order = [s.name for s in by_name[item["process"]].steps]
            item["steps"].sort(key=order.index)
        return list(out.values())

    # ---- what the pages show beside the cases ---------------------------------------------------
    def choices(self, actor: Actor, agency_id: str) -> dict[str, Any]:
        """What a step's form offers in the agency and how pages name what a case records: its people (full name,
        department, whether active), departments, documents and QMS cases, for whoever may read the agency."""
        self.visibility.agency(agency_id)
        self.visibility.check_visible(actor, agency_id, READERS)
        self.deps.projections.fresh()
        with self.deps.db.transaction(write=False) as cur:
            cur.execute("SELECT id, name, closed FROM departments WHERE agency_id=? ORDER BY code, id", [agency_id])
            departments = [{"id": i, "name": n, "closed": bool(c)} for i, n, c in cur.fetchall()]
            cur.execute("SELECT username, full_name, department, status FROM users WHERE agency_id=? "
                        "ORDER BY full_name, username", [agency_id])
            names = {d["id"]: d["name"] for d in departments}
            people = [{"username": u, "full_name": n, "department": names.get(d) if d else None,
                       "active": s == "active"} for u, n, d, s in cur.fetchall()]
            cur.execute("SELECT id, code, title FROM documents WHERE agency_id=? ORDER BY code, id", [agency_id])
            documents = [{"id": i, "code": c, "title": t} for i, c, t in cur.fetchall()]
            cur.execute("SELECT id, process, title, state FROM cases WHERE agency_id=? ORDER BY process, year DESC, "
                        "title, id", [agency_id])
            collections = {p.name: p.collection for p in processes()}
            cases = [{"id": i, "process": p, "collection": collections.get(p), "title": t, "state": st}
                     for i, p, t, st in cur.fetchall()]
        return {"people": people, "departments": departments, "documents": documents, "cases": cases}

    def overview(self, actor: Actor, agency_id: str) -> dict[str, Any]:
        """Every declared process with the agency's cases counted per state, and this year's deadlines with how
        many of the year's cases stand at each deadline's state now."""
        self.visibility.agency(agency_id)
        self.visibility.check_visible(actor, agency_id, READERS)
        today = self.deps.ledger.today()
        self.deps.projections.fresh()
        with self.deps.db.transaction(write=False) as cur:
            cur.execute("SELECT process, state, year, COUNT(*) FROM cases WHERE agency_id=? "
                        "GROUP BY process, state, year", [agency_id])
            rows = cur.fetchall()
        out = []
        for p in processes():
            counts: dict[str, int] = {}
            this_year: dict[str, int] = {}
            for name, state, year, n in rows:
                if name == p.name:
                    counts[state] = counts.get(state, 0) + int(n)
                    if year == today.year:
                        this_year[state] = this_year.get(state, 0) + int(n)
            deadlines = [{"label": d.label, "state": d.state, "state_label": p.states[d.state],
                          "on": date(today.year, d.month, d.day).isoformat(),
                          "passed": date(today.year, d.month, d.day) < today,
                          "at_state": this_year.get(d.state, 0), "of": sum(this_year.values())}
                         for d in p.deadlines]
            out.append({"process": p, "counts": counts, "total": sum(counts.values()), "deadlines": deadlines})
        return {"year": today.year, "today": today.isoformat(), "processes": out}

    @staticmethod
    def diagram(collection: str, current: str | None = None, lang: str = "vi") -> str | None:
        """The process's state diagram as an inline ``<svg>``, ``current`` highlighted (None without Graphviz)."""
        return qms_diagrams.inline(process_at(collection).name, current, lang)

    def _load(self, actor: Actor, collection: str, case_id: str, *, command: bool) -> dict[str, Any]:
        process = process_at(collection)
        try:
            state = self.deps.ledger.case(case_id)
        except NotFound:
            raise NotFound(f"Không tìm thấy {process.label[0].lower()}.", f"No such {process.label[1].lower()}.",
                           field="id") from None
        if state["process"] != process.name:
            raise NotFound(f"Không tìm thấy {process.label[0].lower()}.", f"No such {process.label[1].lower()}.",
                           field="id")
        if command:
            self.visibility.check_own(actor, state["agency_id"], CASE)
        else:
            self.visibility.check_case(actor, state, READERS, CASE)
        return state


def file_roles(process: Process) -> tuple[str, ...]:
    """The roles that may take a step of ``process`` with a file field (who may upload its files)."""
    roles = [r for s in process.steps if any(f.kind == "file" for f in s.fields) for r in s.roles]
    return tuple(dict.fromkeys(roles))


def row_out(process: Process, row: dict[str, Any], today: Any) -> dict[str, Any]:
    """A projected case row as the API and pages show it: its data decoded and its derived status."""
    data = json.loads(row["data"]) if isinstance(row.get("data"), str) else row.get("data") or {}
    row = dict(row, data=data, derived=process.derive(data, today))
    row.pop("search", None)
    return row


__all__ = ["AGENCY", "FILLED", "Qms", "file_roles", "row_out"]
