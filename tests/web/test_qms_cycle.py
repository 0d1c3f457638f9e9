"""The QMS checking-and-improving cycle walked in headless Chromium through the pages only, each person signed in
as themselves: the ISO secretary drafts the year's internal audit programme (one department, the lead auditor named
in its pool) and the agency leader signs its document and approves it; the secretary plans the department's audit
and notifies the schedule; the internal auditor writes the checklist, starts, records a major and a minor
nonconformity and raises a finding from each line; the department leader raises the two nonconformities from the
audit (each links back to it), links the findings to them, analyses the causes, approves the plans and adds an
action; the action's owner completes it; the leader verifies; on a later day (the server's clock moved two days)
the secretary finds the first effective and the second ineffective, which reopens it. The secretary then sends the
management review notice to both departments, both leaders report, the secretary freezes the input pack (its
JSON, downloaded through the page's link with the signed-in session, holds both NCs) and records the meeting; the
chair signs the minutes and a decision becomes an action. A complaint sent from the public page without signing
in reaches the secretary's notifications and complaints list. No page may log a console error; a failing step
leaves a screenshot under tests/artifacts/. Set up beforehand through the ledger, as tests/web/test_planning_year.py
does: the organisation (two departments, their leaders) and the two formal documents to sign (the programme, the
minutes) — registered, uploaded and sent to the leader.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.web.conftest import OWN, Site, make_p12
from tests.web.test_browser import CHROMIUM, chromium, person, submit
from tests.web.test_planning_year import SECOND_LEADER, done, formal_document, go_to_case, open_case, sign_for_approval
from tests.web.test_planning_year import server as planning_server

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium package is not installed")
VN = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = datetime.now(VN)
LATER = TODAY + timedelta(days=2)  # the day of the effectiveness checks and the review
YEAR = TODAY.year
server = planning_server  # the same organisation: KHTC led by truongphong, QLKH led by truongphong2


class Clock:
    """The server's clock moved forward: the effectiveness check is made on a later day than the verification."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def vn_date(moment: datetime) -> str:
    return moment.strftime("%d/%m/%Y")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


def state(page: Any, name: str, label: str) -> None:
    badge = page.locator(f"[data-state={name}]")
    assert badge.is_visible(), f"not in state {name}"
    assert label in badge.inner_text()


def raise_nc(s: Any, site: Site, audit_title: str, title: str) -> str:
    page = open_case(s, "Sự không phù hợp", "Ghi nhận")
    page.locator("#f-raise-year").fill(str(YEAR))
    page.locator("#f-raise-department").select_option(site.khtc)
    page.locator("#f-raise-source").select_option("audit_finding")
    page.locator("#f-raise-ref").select_option(label=audit_title)
    page.locator("#f-raise-title").fill(title)
    page.locator("#f-raise-description").fill(f"{title}: phát hiện trong đánh giá nội bộ.")
    submit(page, "Ghi nhận", exact=True)
    done(page, "Ghi nhận")
    state(page, "raised", "Đã ghi nhận")
    return str(page.url.split("?")[0])


def plan_and_do(s: Any, page: Any, url: str, title: str) -> None:
    """The department leader analyses the cause, approves the plan and adds the action; the owner finishes it."""
    page.goto(url)
    page.locator("#f-analyse-method").select_option("five_whys")
    page.locator("#f-analyse-causes").fill("Chưa phân công người theo dõi hạn xử lý hồ sơ.")
    submit(page, "Phân tích nguyên nhân")
    done(page, "Phân tích nguyên nhân")
    page.locator("#f-plan-plan").fill("Phân công người theo dõi; nhắc hạn tự động.")
    page.locator("#f-plan-criteria").fill("Không còn hồ sơ trễ hạn trong 1 tháng.")
    page.locator("#f-plan-check_on").fill(vn_date(TODAY + timedelta(days=1)))
    submit(page, "Phê duyệt kế hoạch khắc phục")
    done(page, "Phê duyệt kế hoạch khắc phục")
    state(page, "planned", "Đang thực hiện khắc phục")
    page.locator("#f-actions-action").fill(f"Phân công cán bộ theo dõi — {title}")
    page.locator("#f-actions-owner").select_option("chuyenvien")
    page.locator("#f-actions-due").fill(vn_date(TODAY))
    submit(page, "Thêm hành động")
    done(page, "Thêm hành động")


def test_audit_to_nonconformity_to_effectiveness_through_the_pages(browser: Any, server: tuple[str, Site],
                                                                   tmp_path: Path) -> None:
    site = server[1]
    doc = formal_document(site, f"CTDG-{YEAR}", f"Chương trình đánh giá nội bộ năm {YEAR}", "other")
    minutes = formal_document(site, f"BB-XXLD-{YEAR}", f"Biên bản họp xem xét của lãnh đạo năm {YEAR}", "other")
    programme_title = f"Chương trình đánh giá nội bộ năm {YEAR}"
    audit_title = f"Đánh giá nội bộ Phòng Kế hoạch - Tài chính năm {YEAR}"

    with person(browser, server, "thuky") as s:
        with s.step("cycle-secretary-drafts-the-programme") as page:
            open_case(s, "Chương trình đánh giá nội bộ", "Lập chương trình")
            page.locator("#f-draft-year").fill(str(YEAR))
            page.locator("#f-draft-objectives").fill("Đánh giá sự phù hợp và hiệu lực của HTQLCL.")
            page.locator("#f-draft-auditors").get_by_label("Phạm Thị Diễm").check()  # the lead auditor, named
            page.locator("#f-draft-document").select_option(doc)
            submit(page, "Lập chương trình")
            done(page, "Lập chương trình")
            page.locator("#f-add_line-department").select_option(site.khtc)
            page.locator("#f-add_line-processes").fill("Quy trình tiếp nhận và giải quyết hồ sơ")
            page.locator("#f-add_line-clauses").fill("7.5, 8.5, 9.1")
            page.locator("#f-add_line-risk").select_option("high")
            page.locator("#f-add_line-month").fill(str(TODAY.month))
            submit(page, "Thêm phòng ban được đánh giá")
            done(page, "Thêm phòng ban được đánh giá")
            submit(page, "Trình phê duyệt")
            done(page, "Trình phê duyệt")
            state(page, "submitted", "Trình phê duyệt")

    with person(browser, server, "giamdoc") as s:
        p12 = tmp_path / "giamdoc.p12"
        p12.write_bytes(make_p12("Nguyễn Văn Ánh"))
        with s.step("cycle-leader-approves-the-programme") as page:
            sign_for_approval(page, s, doc, p12)
            go_to_case(s, "audit-programmes", programme_title)
            submit(page, "Phê duyệt", exact=True)
            done(page, "Phê duyệt")
            state(page, "approved", "Đã phê duyệt")

    with person(browser, server, "thuky") as s:
        with s.step("cycle-secretary-plans-the-audit") as page:
            open_case(s, "Cuộc đánh giá nội bộ", "Lập kế hoạch đánh giá")
            page.locator("#f-plan-programme").select_option(label=programme_title)
            page.locator("#f-plan-year").fill(str(YEAR))
            page.locator("#f-plan-department").select_option(site.khtc)
            page.locator("#f-plan-title").fill(audit_title)
            page.locator("#f-plan-objectives").fill("Xác định sự phù hợp của quy trình giải quyết hồ sơ.")
            page.locator("#f-plan-scope").fill("Hồ sơ tiếp nhận trong năm.")
            page.locator("#f-plan-criteria").fill("TCVN ISO 9001:2015; quy trình nội bộ.")
            page.locator("#f-plan-starts_on").fill(vn_date(TODAY))
            page.locator("#f-plan-ends_on").fill(vn_date(TODAY))
            page.locator("#f-plan-lead_auditor").select_option(SECOND_LEADER)
            page.locator("#f-plan-auditors").get_by_label("Võ Thành Đạt", exact=False).check()
            submit(page, "Lập kế hoạch đánh giá")
            done(page, "Lập kế hoạch đánh giá")
            state(page, "planned", "Đã lập kế hoạch")
            page.locator("#f-schedule-notice").fill("Đoàn đánh giá làm việc tại phòng trong ngày.")
            submit(page, "Thông báo lịch đánh giá")
            done(page, "Thông báo lịch đánh giá")
            state(page, "scheduled", "Đã thông báo lịch")

    with person(browser, server, "danhgia") as s:
        with s.step("cycle-auditor-checklist-and-finding") as page:
            go_to_case(s, "audits", audit_title)
            for clause, question in (("8.5.1", "Hồ sơ có được giải quyết đúng hạn?"),
                                     ("7.5.3", "Hồ sơ có được lưu trữ đúng quy định?")):
                page.locator("#f-add_line-clause").fill(clause)
                page.locator("#f-add_line-question").fill(question)
                submit(page, "Thêm câu hỏi kiểm tra")
                done(page, "Thêm câu hỏi kiểm tra")
            submit(page, "Bắt đầu đánh giá")
            done(page, "Bắt đầu đánh giá")
            state(page, "in_progress", "Đang đánh giá")
            for line, result, evidence in (("L1", "major_nc", "12/40 hồ sơ trễ hạn, không có văn bản xin lỗi."),
                                           ("L2", "minor_nc", "3 hồ sơ thiếu phiếu kiểm soát.")):
                page.locator("#f-record_line-line_id").fill(line)
                page.locator("#f-record_line-evidence").fill(evidence)
                page.locator("#f-record_line-result").select_option(result)
                submit(page, "Ghi kết quả kiểm tra")
                done(page, "Ghi kết quả kiểm tra")
                page.locator("#f-raise_finding-line_id").fill(line)
                page.locator("#f-raise_finding-description").fill(evidence)
                submit(page, "Ghi nhận phát hiện")
                done(page, "Ghi nhận phát hiện")
            assert page.get_by_text("Không phù hợp nặng").first.is_visible()

    with person(browser, server, "truongphong") as s:
        with s.step("cycle-department-raises-two-ncs") as page:
            first = raise_nc(s, site, audit_title, "Hồ sơ giải quyết trễ hạn")
            assert page.get_by_role("link", name=audit_title, exact=False).first.is_visible()  # back to the audit
            second = raise_nc(s, site, audit_title, "Hồ sơ thiếu phiếu kiểm soát")
        with s.step("cycle-department-links-the-findings-to-their-ncs") as page:
            go_to_case(s, "audits", audit_title)
            for finding, title in (("F1", "Hồ sơ giải quyết trễ hạn"), ("F2", "Hồ sơ thiếu phiếu kiểm soát")):
                page.locator("#f-link_nc-finding_id").fill(finding)
                page.locator("#f-link_nc-nonconformity").select_option(label=title)
                submit(page, "Gắn sự không phù hợp")
                done(page, "Gắn sự không phù hợp")
                findings = page.locator("dt", has_text="findings").first.locator("xpath=following-sibling::dd[1]")
                assert f"Sự không phù hợp đã ghi nhận: {title}" in findings.inner_text()  # the finding names its NC
        with s.step("cycle-department-plans-both") as page:
            plan_and_do(s, page, first, "NC1")
            plan_and_do(s, page, second, "NC2")

    with person(browser, server, "chuyenvien") as s:
        with s.step("cycle-owner-completes-the-actions") as page:
            for url in (first, second):
                page.goto(url)
                page.locator("#f-complete_action-action_id").fill("A1")
                page.locator("#f-complete_action-result").fill("Đã phân công, có quyết định.")
                submit(page, "Hoàn thành hành động")
                done(page, "Hoàn thành hành động")

    with person(browser, server, "truongphong") as s:
        with s.step("cycle-department-verifies") as page:
            for url in (first, second):
                page.goto(url)
                page.locator("#f-verify-note").fill("Đã kiểm tra quyết định phân công.")
                submit(page, "Xác nhận thực hiện")
                done(page, "Xác nhận thực hiện")
                state(page, "verified", "Đã xác nhận thực hiện")

    site.ctx.ledger.clock = Clock(LATER)  # two days later
    with person(browser, server, "thuky") as s:
        with s.step("cycle-effectiveness-passes-and-fails") as page:
            for url, result, state_name, label in ((first, "effective", "effective", "Đã có hiệu lực"),
                                                   (second, "ineffective", "reopened", "Mở lại, phân tích lại")):
                page.goto(url)
                page.locator("#f-effectiveness-result").select_option(result)
                page.locator("#f-effectiveness-findings").fill("Đối chiếu hồ sơ tháng sau.")
                submit(page, "Kiểm tra hiệu lực")
                done(page, "Kiểm tra hiệu lực")
                state(page, state_name, label)

    review_title = f"Xem xét của lãnh đạo năm {YEAR}"
    with person(browser, server, "thuky") as s:
        with s.step("cycle-secretary-sends-the-review-notice") as page:
            open_case(s, "Xem xét của lãnh đạo", "Soạn thông báo")
            page.locator("#f-draft-year").fill(str(YEAR))
            page.locator("#f-draft-meeting_date").fill(vn_date(LATER))
            page.locator("#f-draft-chair").select_option("giamdoc")
            page.locator("#f-draft-agenda").fill("Xem xét kết quả đánh giá nội bộ và hành động khắc phục.")
            submit(page, "Soạn thông báo")
            done(page, "Soạn thông báo")
            for department in (site.khtc, site.qlkh):
                page.locator("#f-ask-department").select_option(department)
                page.locator("#f-ask-topics").fill("Kết quả thực hiện mục tiêu, sự không phù hợp, hành động khắc phục.")
                submit(page, "Yêu cầu phòng ban báo cáo")
                done(page, "Yêu cầu phòng ban báo cáo")
            submit(page, "Gửi thông báo")
            done(page, "Gửi thông báo")
            state(page, "notified", "Đã thông báo, chờ báo cáo")

    for leader, department in (("truongphong", site.khtc), (SECOND_LEADER, site.qlkh)):
        with person(browser, server, leader) as s:
            with s.step(f"cycle-{leader}-reports-to-the-review") as page:
                go_to_case(s, "management-reviews", review_title)
                page.locator("#f-report-department").select_option(department)
                page.locator("#f-report-report").fill("Phòng đã thực hiện đủ các mục tiêu; còn một sự không phù hợp.")
                submit(page, "Gửi báo cáo của phòng")
                done(page, "Gửi báo cáo của phòng")

    with person(browser, server, "thuky") as s:
        with s.step("cycle-secretary-freezes-the-input-pack") as page:
            go_to_case(s, "management-reviews", review_title)
            submit(page, "Chốt hồ sơ đầu vào")
            done(page, "Chốt hồ sơ đầu vào")
            state(page, "frozen", "Đã chốt hồ sơ đầu vào")
            link = page.locator("a[data-input-pack]")
            answer = page.request.get(s.base + str(link.get_attribute("href")))  # with the signed-in session's cookies
            assert answer.ok, answer.status
            pack = json.dumps(answer.json(), ensure_ascii=False)
            assert "Hồ sơ giải quyết trễ hạn" in pack and "Hồ sơ thiếu phiếu kiểm soát" in pack
            page.locator("#f-hold-held_on").fill(vn_date(LATER))
            page.locator("#f-hold-attendees").get_by_label("Nguyễn Văn Ánh").check()
            page.locator("#f-hold-attendees").get_by_label("Trần Quốc Bảo").check()
            page.locator("#f-hold-discussion").fill("Thảo luận kết quả đánh giá nội bộ và hai sự không phù hợp.")
            submit(page, "Ghi nhận cuộc họp")
            done(page, "Ghi nhận cuộc họp")
            state(page, "held", "Đã họp")

    with person(browser, server, "giamdoc") as s:
        p12 = tmp_path / "giamdoc.p12"
        with s.step("cycle-chair-signs-the-minutes") as page:
            sign_for_approval(page, s, minutes, p12)
            go_to_case(s, "management-reviews", review_title)
            page.locator("#f-minute-document").select_option(minutes)
            page.locator("#f-minute-conclusions").fill("Tăng cường theo dõi hạn xử lý hồ sơ ở mọi phòng.")
            submit(page, "Ký biên bản")
            done(page, "Ký biên bản")
            state(page, "minuted", "Biên bản đã ký")
            page.locator("#f-actions-action").fill("Triển khai nhắc hạn tự động cho mọi phòng")
            page.locator("#f-actions-owner").select_option("truongphong")
            page.locator("#f-actions-due").fill(vn_date(LATER + timedelta(days=30)))
            submit(page, "Giao hành động")
            done(page, "Giao hành động")
            assert page.get_by_text("Triển khai nhắc hạn tự động cho mọi phòng").first.is_visible()
            assert page.locator("[data-derived=open_actions]").inner_text() == "1"


def test_a_complaint_sent_from_the_public_page_reaches_the_secretary(browser: Any, server: tuple[str, Site]) -> None:
    base = server[0]
    subject = f"Hồ sơ cấp phép chậm trả kết quả — {TODAY:%H%M%S}"
    context = browser.new_context()  # nobody signed in: a citizen on the agency's public page
    errors: list[str] = []
    try:
        public = context.new_page()
        public.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        public.goto(f"{base}/public/agencies/{OWN}/complaints")
        public.locator("#f-kind").select_option(index=0)
        public.locator("#f-subject").fill(subject)
        public.locator("#f-content").fill("Tôi nộp hồ sơ từ tháng trước nhưng đến nay chưa nhận được kết quả.")
        public.locator("#f-sender_name").fill("Nguyễn Thị Hoa")
        public.locator("#f-sender_contact").fill("hoa@example.vn")
        public.wait_for_timeout(3500)  # the abuse guard refuses a form filled faster than a person can
        submit(public, "Gửi", exact=True)
        assert public.get_by_text("mã theo dõi", exact=False).first.is_visible()
        assert not errors, errors
    finally:
        context.close()

    with person(browser, server, "thuky") as s:
        with s.step("cycle-secretary-sees-the-public-complaint") as page:
            s.go("/notifications")
            note = page.get_by_text("Phản ánh mới từ trang công khai chờ giao xử lý").first
            assert note.is_visible()
            s.go("/qms/complaints")
            page.get_by_role("link", name=subject, exact=False).first.click()
            page.wait_for_load_state("domcontentloaded")
            state(page, "received", "Đã tiếp nhận")
            assert page.get_by_text("Tôi nộp hồ sơ từ tháng trước", exact=False).first.is_visible()
