"""A QMS step's form is generated from its fields: every field kind gets an input, and what is sent back is read
into the values the API would take (dates dd/mm/yyyy, people of the agency or outside it, lists, flags, files)."""

from __future__ import annotations

import io

import pytest
from starlette.datastructures import FormData, Headers, UploadFile

from api.web import forms
from api.web.core import ENV
from api.web.qms_forms import EXTERNAL, WIDGETS, inputs, read
from ledger.qms.declaration import FIELD_KINDS, Field, Step

EVERY = Step("all", ("Mọi loại", "Every kind"), ("draft",), None, ("iso_secretary",), reason=True, fields=(
    Field("title", "text", ("Tên", "Title")), Field("plan", "long_text", ("Kế hoạch", "Plan"), required=False),
    Field("count", "integer", ("Số lượng", "Count"), required=False),
    Field("target", "number", ("Chỉ tiêu", "Target"), required=False),
    Field("year", "year", ("Năm", "Year"), required=False), Field("due", "date", ("Hạn", "Due"), required=False),
    Field("direction", "choice", ("Chiều", "Direction"), choices={"up": ("Tăng", "Up"), "down": ("Giảm", "Down")},
          required=False),
    Field("owner", "person", ("Người phụ trách", "Owner"), external=True, required=False),
    Field("team", "people", ("Người thực hiện", "Team"), required=False),
    Field("department", "department", ("Phòng ban", "Department"), required=False),
    Field("departments", "departments", ("Các phòng phối hợp", "Departments"), required=False),
    Field("evidence", "file", ("Minh chứng", "Evidence"), required=False),
    Field("document", "document", ("Văn bản", "Document"), required=False),
    Field("done", "flag", ("Đã xong", "Done"), required=False),
    Field("risk", "ref", ("Rủi ro", "Risk"), required=False),
    Field("risks", "refs", ("Các rủi ro", "Risks"), required=False)))
CHOICES = {"people": [{"username": "thuky", "full_name": "Lê Thị Thu Hà", "department": "Văn phòng Sở",
                       "active": True},
                      {"username": "cu", "full_name": "Người Đã Nghỉ", "department": None, "active": False}],
           "departments": [{"id": "dep-1", "name": "Phòng Kế hoạch - Tài chính", "closed": False},
                           {"id": "dep-0", "name": "Phòng Cũ", "closed": True}],
           "documents": [{"id": "doc-1", "code": "QT-01", "title": "Quy trình kiểm soát tài liệu"}],
           "cases": [{"id": "case-1", "process": "risk", "collection": "risks", "title": "Rủi ro trễ hạn",
                      "state": "open"}]}


def test_every_declared_field_kind_has_an_input() -> None:
    assert set(WIDGETS) == set(FIELD_KINDS)
    assert {f.kind for f in EVERY.fields} == set(FIELD_KINDS)


def _render(errors: dict[str, str] | None = None) -> str:
    template = ENV.from_string('{% from "qms_fields.html" import inputs as step_inputs with context %}'
                               "{{ step_inputs(items, errors, {}, 'all') }}")
    return template.render(items=inputs(EVERY, CHOICES, {"due": "2026-02-28"}, "vi"), errors=errors or {},
                           lang="vi", _=lambda vi, en: vi, forms=forms, i18n=__import__("api.web.i18n").web.i18n)


def test_each_kind_is_drawn_with_its_input_and_the_agencys_choices() -> None:
    html = _render({"title": "«Tên» không được để trống."})
    assert '<input id="f-all-title" name="title" type="text"' in html
    assert '<textarea id="f-all-plan" name="plan"' in html
    assert 'value="28/02/2026"' in html and "placeholder=\"dd/mm/yyyy\"" in html  # a date shown dd/mm/yyyy
    assert '<option value="up">Tăng</option>' in html
    assert '<option value="thuky">Lê Thị Thu Hà — Văn phòng Sở</option>' in html and "Người Đã Nghỉ" not in html
    assert f'<option value="{EXTERNAL}">' in html and 'name="owner__organisation"' in html
    assert '<input type="checkbox" name="team" value="thuky">' in html
    assert '<option value="dep-1">Phòng Kế hoạch - Tài chính</option>' in html and "Phòng Cũ" not in html
    assert '<input type="checkbox" name="departments" value="dep-1">' in html
    assert 'name="evidence" type="file"' in html
    assert '<option value="doc-1">QT-01 — Quy trình kiểm soát tài liệu</option>' in html
    assert '<input id="f-all-done" type="checkbox" name="done" value="1">' in html
    assert '<option value="case-1">Rủi ro trễ hạn</option>' in html
    assert '<input type="checkbox" name="risks" value="case-1">' in html
    assert '<p class="field-error" id="e-all-title">«Tên» không được để trống.</p>' in html


def _form(*pairs: tuple[str, object]) -> FormData:
    return FormData(list(pairs))  # type: ignore[arg-type]


def test_what_is_sent_back_reads_into_the_values_of_the_api() -> None:
    upload = UploadFile(io.BytesIO(b"%PDF"), filename="Minh chứng.pdf", headers=Headers({}))
    values, uploads, reason = read(EVERY, _form(
        ("title", " Giảm hồ sơ trễ hạn "), ("count", "3"), ("target", "98,5"), ("year", "2026"), ("due", "5/3/2026"),
        ("direction", "up"), ("owner", EXTERNAL), ("owner__name", "Nguyễn Văn Bình"),
        ("owner__organisation", "Trung tâm Phục vụ hành chính công"), ("team", "thuky"), ("team", "cu"),
        ("department", "dep-1"), ("departments", "dep-1"), ("evidence", upload), ("document", "doc-1"),
        ("done", "1"), ("risk", "case-1"), ("risks", "case-1"), ("reason", "Theo kế hoạch")))
    assert values == {"title": "Giảm hồ sơ trễ hạn", "count": "3", "target": "98,5", "year": "2026",
                      "due": "2026-03-05", "direction": "up",
                      "owner": {"external": {"name": "Nguyễn Văn Bình",
                                             "organisation": "Trung tâm Phục vụ hành chính công"}},
                      "team": ["thuky", "cu"], "department": "dep-1", "departments": ["dep-1"],
                      "document": "doc-1", "done": True, "risk": "case-1", "risks": ["case-1"]}
    assert uploads == {"evidence": upload} and reason == "Theo kế hoạch"


def test_every_problem_of_the_form_is_named_at_once() -> None:
    with pytest.raises(forms.FormProblems) as e:
        read(EVERY, _form(("due", "31/02/2026"), ("owner", EXTERNAL), ("owner__name", "Bình")))
    assert e.value.messages("vi") == {
        "title": "«Tên» không được để trống.",
        "due": "Hạn: không có ngày 31/02/2026; tháng 2/2026 chỉ có 28 ngày.",
        "owner": "Người ngoài cơ quan cần họ tên và đơn vị.",
        "reason": "Hãy ghi lý do; lý do được lưu trong lịch sử."}
