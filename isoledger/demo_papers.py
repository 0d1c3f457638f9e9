"""What the demo's documents and records say: Vietnamese administrative papers of the Sở KH&CN Trà Vinh."""

from __future__ import annotations

from datetime import date

from isoledger.demo_pdfs import Paper, Section

LEADER = "Nguyễn Văn Ánh"
DEPARTMENTS = "Văn phòng Sở, Phòng Kế hoạch - Tài chính, Phòng Quản lý Khoa học, Phòng Quản lý Công nghệ và " \
              "Thị trường công nghệ"
ISO = "TCVN ISO 9001:2015"
INTERNAL = ("Ban Giám đốc Sở;", "Ban Chỉ đạo ISO;", "Các phòng thuộc Sở;", "Lưu: VT, ISO.")


def _s(heading: str, *paragraphs: str) -> Section:
    return Section(heading, paragraphs)


def _purpose_scope(purpose: str, scope: str, *references: str) -> tuple[Section, ...]:
    return (_s("1. MỤC ĐÍCH", purpose), _s("2. PHẠM VI ÁP DỤNG", scope),
            _s("3. TÀI LIỆU VIỆN DẪN", *(f"- {r}" for r in references)))


def _issue_line(n: int, effective: date) -> str:
    return f"Lần ban hành: {n:02d} · Ngày hiệu lực: {effective:%d/%m/%Y}"


def document_control(n: int, dated: date, effective: date) -> Paper:
    """QT-01; version 2 adds the electronic distribution and acknowledgement of documents."""
    distribution = ("Thư ký ISO phân phối tài liệu đã ban hành cho các phòng theo danh sách phân phối, "
                    "thu hồi bản đã hết hiệu lực và đóng dấu «Tài liệu hết hiệu lực» lên bản lưu.")
    if n >= 2:
        distribution = ("Tài liệu đã ban hành được phân phối trên phần mềm ISO điện tử của Sở: mỗi phòng trong "
                        "danh sách phân phối nhận thông báo và xác nhận đã nhận trong 03 ngày làm việc; phiên bản "
                        "cũ tự động chuyển sang tình trạng «Hết hiệu lực» và chỉ còn xem được trong lịch sử. "
                        "Bản giấy chỉ in khi cần và phải ghi rõ «Bản in để tham khảo».")
    return Paper(
        kind="Quy trình", title="Kiểm soát tài liệu", number="Mã hiệu: QT-01", dated=dated,
        subtitle=_issue_line(n, effective), signer_name=LEADER, recipients=INTERNAL,
        sections=(
            *_purpose_scope(
                "Quy định thống nhất cách thức soạn thảo, xem xét, phê duyệt, ban hành, phân phối, sửa đổi và "
                "thu hồi tài liệu của Hệ thống quản lý chất lượng, bảo đảm mọi người sử dụng đúng phiên bản "
                "tài liệu đang có hiệu lực.",
                f"Áp dụng cho toàn bộ tài liệu của Hệ thống quản lý chất lượng tại Sở: chính sách, mục tiêu "
                f"chất lượng, quy trình, hướng dẫn, biểu mẫu và tài liệu có nguồn gốc bên ngoài; áp dụng cho "
                f"{DEPARTMENTS}.",
                f"{ISO}, điều 7.5 Thông tin dạng văn bản.",
                "Quyết định số 19/2014/QĐ-TTg và Quyết định số 101/2018/QĐ-TTg của Thủ tướng Chính phủ về "
                "áp dụng Hệ thống quản lý chất lượng vào hoạt động của cơ quan hành chính nhà nước.",
                "Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ về công tác văn thư."),
            _s("4. ĐỊNH NGHĨA VÀ TỪ VIẾT TẮT",
               "HTQLCL: Hệ thống quản lý chất lượng; BCĐ ISO: Ban Chỉ đạo ISO; TK ISO: Thư ký ISO; "
               "tài liệu có hiệu lực: phiên bản đã được phê duyệt, ký số và ban hành, từ ngày hiệu lực ghi trên "
               "tài liệu."),
            _s("5. NỘI DUNG QUY TRÌNH",
               "5.1. Soạn thảo: phòng chủ trì dự thảo tài liệu theo mẫu trình bày thống nhất, ghi mã hiệu, lần "
               "ban hành và tóm tắt nội dung thay đổi; dự thảo được gửi TK ISO để đăng ký vào danh mục.",
               "5.2. Xem xét: Trưởng phòng liên quan xem xét sự phù hợp của dự thảo với yêu cầu của tiêu chuẩn "
               "và quy định pháp luật, cho ý kiến «Thống nhất», «Thống nhất, có góp ý» hoặc «Không thống nhất» "
               "trong 05 ngày làm việc.",
               "5.3. Phê duyệt: Giám đốc Sở phê duyệt và ký số tài liệu; dự thảo chưa đạt được trả lại kèm lý do "
               "để phòng chủ trì hoàn thiện.",
               f"5.4. Ban hành và phân phối: {distribution}",
               "5.5. Sửa đổi: người có nhu cầu sửa đổi lập Phiếu đề nghị sửa đổi tài liệu (BM-01) gửi TK ISO; "
               "việc sửa đổi thực hiện lại các bước 5.1 đến 5.4 và tăng lần ban hành.",
               "5.6. Kiểm soát tài liệu bên ngoài: văn bản quy phạm pháp luật, tiêu chuẩn được cập nhật vào danh "
               "mục tài liệu bên ngoài khi có văn bản mới, chậm nhất 30 ngày kể từ ngày nhận."),
            _s("6. HỒ SƠ",
               "Danh mục tài liệu nội bộ; Danh mục tài liệu bên ngoài; Phiếu đề nghị sửa đổi tài liệu (BM-01); "
               "Danh sách phân phối tài liệu. Hồ sơ được lưu tại Văn phòng Sở, thời gian lưu 05 năm."),
        ))


def records_control(dated: date, effective: date) -> Paper:
    return Paper(
        kind="Quy trình", title="Kiểm soát hồ sơ", number="Mã hiệu: QT-02", dated=dated,
        subtitle=_issue_line(1, effective), signer_name=LEADER, recipients=INTERNAL,
        sections=(
            *_purpose_scope(
                "Quy định cách lập, nhận biết, bảo quản, bảo vệ, cho mượn, xác định thời hạn bảo quản và hủy hồ sơ "
                "của Hệ thống quản lý chất lượng, làm bằng chứng cho sự phù hợp với yêu cầu.",
                f"Áp dụng cho hồ sơ hình thành trong hoạt động của {DEPARTMENTS}.",
                f"{ISO}, điều 7.5.3 Kiểm soát thông tin dạng văn bản.",
                "Luật Lưu trữ số 33/2024/QH15.",
                "Thông tư số 10/2022/TT-BNV ngày 23/12/2022 của Bộ Nội vụ quy định thời hạn bảo quản tài liệu."),
            _s("4. NỘI DUNG QUY TRÌNH",
               "4.1. Lập hồ sơ: mỗi hồ sơ có mã, tên, đề mục theo danh mục hồ sơ của Sở và thời hạn bảo quản theo "
               "Thông tư số 10/2022/TT-BNV; văn thư cập nhật hồ sơ trên phần mềm ISO điện tử.",
               "4.2. Kết thúc hồ sơ: khi công việc hoàn thành, người lập hồ sơ kiểm tra đủ thành phần, ghi ngày "
               "kết thúc; thời hạn bảo quản được tính từ ngày này.",
               "4.3. Cho mượn: việc mượn hồ sơ phải được Lãnh đạo Sở đồng ý, ghi rõ người mượn, mục đích và hạn "
               "trả; văn thư theo dõi và nhắc trả khi đến hạn.",
               "4.4. Phong tỏa: hồ sơ phục vụ thanh tra, kiểm tra, giải quyết khiếu nại được phong tỏa, không được "
               "hủy cho đến khi có văn bản cho phép.",
               "4.5. Hủy hồ sơ hết giá trị: văn thư lập danh mục hồ sơ hết thời hạn bảo quản, Hội đồng xác định "
               "giá trị tài liệu xem xét, Giám đốc Sở quyết định; việc hủy được lập biên bản có người chứng kiến."),
            _s("5. HỒ SƠ", "Danh mục hồ sơ; Sổ theo dõi mượn hồ sơ; Quyết định và biên bản hủy hồ sơ hết giá trị."),
        ))


def quality_policy(dated: date, effective: date) -> Paper:
    return Paper(
        kind="Chính sách chất lượng", title="Sở Khoa học và Công nghệ tỉnh Trà Vinh giai đoạn 2025 - 2030",
        number="Mã hiệu: CSCL", dated=dated, subtitle=_issue_line(1, effective), signer_name=LEADER,
        recipients=("Các phòng thuộc Sở;", "Cổng thông tin điện tử của Sở;", "Lưu: VT, ISO."),
        sections=(
            _s("", "Lãnh đạo và toàn thể công chức, viên chức Sở Khoa học và Công nghệ tỉnh Trà Vinh cam kết xây "
                   f"dựng, áp dụng, duy trì và cải tiến thường xuyên Hệ thống quản lý chất lượng theo {ISO} "
                   "với phương châm: «Khoa học - Minh bạch - Đúng hẹn - Tận tụy»."),
            _s("Chúng tôi cam kết:",
               "1. Giải quyết thủ tục hành chính đúng quy định, đúng hẹn; công khai, minh bạch quy trình, thời "
               "gian và kết quả giải quyết.",
               "2. Không ngừng nâng cao năng lực, tinh thần trách nhiệm và thái độ phục vụ của công chức, viên "
               "chức; lấy sự hài lòng của tổ chức, cá nhân làm thước đo chất lượng phục vụ.",
               "3. Ứng dụng công nghệ thông tin, chuyển đổi số trong quản lý văn bản, hồ sơ và giải quyết thủ "
               "tục hành chính.",
               "4. Lắng nghe, tiếp thu ý kiến phản ánh, kiến nghị để cải tiến liên tục."),
        ))


def change_request_form(dated: date, effective: date) -> Paper:
    blank = "…………………………………………………………"
    return Paper(
        kind="Phiếu đề nghị", title="Sửa đổi tài liệu", number="Mã hiệu: BM-01/QT-01", dated=dated,
        subtitle=_issue_line(1, effective), signer_title="NGƯỜI ĐỀ NGHỊ\n(Ký, ghi rõ họ tên)", recipients=(),
        sections=(
            _s("I. THÔNG TIN NGƯỜI ĐỀ NGHỊ", f"Họ và tên: {blank}", f"Phòng: {blank}"),
            _s("II. TÀI LIỆU ĐỀ NGHỊ SỬA ĐỔI", f"Tên tài liệu: {blank}", "Mã hiệu: ………… Lần ban hành: …………",
               f"Nội dung đề nghị sửa đổi: {blank[:-6]}", blank + blank[:8], f"Lý do sửa đổi: {blank[:-2]}",
               blank + blank[:8]),
            _s("III. Ý KIẾN XỬ LÝ", f"Ý kiến của Thư ký ISO: {blank}",
               "Ý kiến phê duyệt của Lãnh đạo Sở: [  ] Đồng ý   [  ] Không đồng ý",
               f"Ghi chú: {blank}"),
        ))


def context_analysis(n: int, year: int, dated: date, effective: date) -> Paper:
    digital = ("Tỉnh đẩy mạnh chuyển đổi số, yêu cầu 100% hồ sơ thủ tục hành chính được số hóa; tổ chức, cá nhân "
               "nộp hồ sơ trực tuyến ngày càng nhiều.")
    if n >= 2:
        digital = ("Luật Lưu trữ 2024 có hiệu lực từ 01/7/2025, yêu cầu quản lý tài liệu lưu trữ điện tử; phần mềm "
                   "ISO điện tử đã vận hành một năm, cần đánh giá hiệu quả và đào tạo người dùng mới.")
    return Paper(
        kind="Báo cáo", title=f"Phân tích bối cảnh của Sở Khoa học và Công nghệ năm {year}", number="Mã hiệu: PTBC",
        dated=dated, subtitle=_issue_line(n, effective), signer_name=LEADER, recipients=INTERNAL,
        sections=(
            _s("1. CÁC VẤN ĐỀ NỘI BỘ",
               "Điểm mạnh: đội ngũ công chức có trình độ chuyên môn, Lãnh đạo Sở quan tâm chỉ đạo; hạ tầng công "
               "nghệ thông tin đáp ứng yêu cầu. Điểm yếu: một số phòng còn thiếu người, kiêm nhiệm nhiều việc; "
               "kỹ năng lập và quản lý hồ sơ điện tử chưa đồng đều."),
            _s("2. CÁC VẤN ĐỀ BÊN NGOÀI", digital,
               "Các văn bản quy phạm pháp luật về khoa học, công nghệ và tiêu chuẩn, đo lường, chất lượng thay đổi "
               "thường xuyên, đòi hỏi rà soát quy trình kịp thời."),
            _s("3. CÁC BÊN QUAN TÂM VÀ YÊU CẦU CỦA HỌ",
               "Tổ chức, cá nhân: thủ tục đơn giản, đúng hẹn, thái độ phục vụ tốt. Ủy ban nhân dân tỉnh: hoàn "
               "thành nhiệm vụ được giao, chỉ số cải cách hành chính. Công chức, viên chức: môi trường làm việc "
               "thuận lợi, được đào tạo."),
            _s("4. RỦI RO VÀ CƠ HỘI",
               "Rủi ro: giải quyết hồ sơ trễ hạn khi văn bản hướng dẫn thay đổi; mất, thất lạc hồ sơ giấy. Biện "
               "pháp: rà soát quy trình trước 31/8 hằng năm, số hóa hồ sơ và theo dõi trên phần mềm. Cơ hội: "
               "liên thông dữ liệu với hệ thống thông tin giải quyết thủ tục hành chính của tỉnh."),
        ))


def quality_objectives(year: int, dated: date, effective: date | None) -> Paper:
    return Paper(
        kind="Mục tiêu chất lượng", title=f"Năm {year}", number=f"Mã hiệu: MTCL-{year}", dated=dated,
        subtitle=_issue_line(1, effective) if effective else "Dự thảo", signer_name=LEADER, recipients=INTERNAL,
        sections=(
            _s("I. MỤC TIÊU",
               "1. 100% hồ sơ thủ tục hành chính được giải quyết đúng hạn hoặc trước hạn; không có hồ sơ trễ hạn "
               "do lỗi của công chức.",
               "2. Tỷ lệ tổ chức, cá nhân hài lòng với việc giải quyết thủ tục hành chính đạt từ 95% trở lên.",
               "3. 100% văn bản đi, đến (trừ văn bản mật) được xử lý trên hệ thống quản lý văn bản điều hành.",
               f"4. Tổ chức đánh giá nội bộ trước ngày 20/10/{year} và họp xem xét của lãnh đạo trước ngày "
               f"25/10/{year}.",
               "5. 100% công chức, viên chức mới được hướng dẫn về Hệ thống quản lý chất lượng trong tháng đầu "
               "làm việc."),
            _s("II. KẾ HOẠCH THỰC HIỆN",
               "Các phòng xây dựng kế hoạch thực hiện mục tiêu của phòng, báo cáo kết quả hằng quý về Thư ký ISO "
               "trước ngày 05 của tháng đầu quý sau; Thư ký ISO tổng hợp, báo cáo Lãnh đạo Sở tại cuộc họp xem "
               "xét của lãnh đạo."),
        ))


def audit_plan(year: int, dated: date, effective: date) -> Paper:
    return Paper(
        kind="Kế hoạch", title=f"Đánh giá nội bộ năm {year}",
        number=f"Số: {dated.day + 140}/KH-SKHCN", dated=dated, subtitle=_issue_line(1, effective),
        signer_name=LEADER, recipients=("Ban Chỉ đạo ISO;", "Các phòng thuộc Sở;", "Lưu: VT, ISO."),
        sections=(
            _s("1. MỤC ĐÍCH", f"Đánh giá sự phù hợp và hiệu lực của Hệ thống quản lý chất lượng theo {ISO}; "
                              "phát hiện điểm không phù hợp và cơ hội cải tiến."),
            _s("2. PHẠM VI VÀ CHUẨN MỰC ĐÁNH GIÁ",
               f"Toàn bộ các phòng thuộc Sở; chuẩn mực: {ISO}, các quy trình nội bộ và quy định pháp luật liên "
               "quan."),
            _s("3. ĐOÀN ĐÁNH GIÁ", "Trưởng đoàn: ông Võ Thành Đạt, đánh giá viên nội bộ; thành viên: bà Lê Thị "
                                   "Thu Hà (Thư ký ISO), bà Huỳnh Thị Ngọc Ánh."),
            _s("4. THỜI GIAN",
               f"Đánh giá tại các phòng từ ngày 06/10 đến ngày 09/10/{year}; họp kết thúc và báo cáo kết quả "
               f"trước ngày 20/10/{year}."),
        ))


def digitisation_instruction(dated: date) -> Paper:
    return Paper(
        kind="Hướng dẫn", title="Số hóa hồ sơ lưu trữ", number="Mã hiệu: HD-05", dated=dated,
        subtitle="Dự thảo lần 1", signer_name=LEADER, recipients=INTERNAL,
        sections=(
            _s("1. PHẠM VI", "Hướng dẫn việc số hóa hồ sơ giấy đang bảo quản tại kho lưu trữ của Sở để quản lý "
                             "trên phần mềm ISO điện tử."),
            _s("2. TRÌNH TỰ THỰC HIỆN",
               "Bước 1: lựa chọn hồ sơ theo danh mục được duyệt. Bước 2: kiểm tra, làm phẳng, tháo ghim. "
               "Bước 3: quét từng trang. Bước 4: kiểm tra chất lượng bản quét. Bước 5: đặt tên tệp theo mã hồ sơ. "
               "Bước 6: ký số xác nhận bản số hóa và cập nhật vào hồ sơ điện tử."),
            _s("3. TRÁCH NHIỆM", "Văn thư Sở thực hiện; các phòng phối hợp cung cấp hồ sơ; Thư ký ISO kiểm tra."),
        ))


def record_paper(title: str, dated: date) -> Paper:
    """A paper filed in one of the demo's records, by its title."""
    year = int(title.split()[-1]) if title.split()[-1].isdigit() else dated.year
    for key, build in _RECORD_PAPERS.items():
        if title.startswith(key):
            return build(title, year, dated)
    raise KeyError(title)


def _audit_programme(title: str, year: int, dated: date) -> Paper:
    return Paper(
        kind="Chương trình", title=f"Đánh giá nội bộ năm {year}", number=f"Số: 09/CT-ĐGNB-{year}", dated=dated,
        signer_title="TRƯỞNG ĐOÀN ĐÁNH GIÁ", signer_name="Võ Thành Đạt",
        recipients=("Các phòng thuộc Sở;", "Lưu: ISO."),
        sections=(
            _s("1. LỊCH ĐÁNH GIÁ",
               "Ngày thứ nhất: họp khai mạc; đánh giá Văn phòng Sở (quy trình kiểm soát tài liệu, kiểm soát hồ sơ, "
               "tiếp nhận và trả kết quả thủ tục hành chính).",
               "Ngày thứ hai: đánh giá Phòng Kế hoạch - Tài chính và Phòng Quản lý Khoa học.",
               "Ngày thứ ba: đánh giá Phòng Quản lý Công nghệ và Thị trường công nghệ; họp kết thúc."),
            _s("2. YÊU CẦU", "Các phòng bố trí người làm việc với đoàn và chuẩn bị hồ sơ liên quan."),
        ))


def _audit_report(title: str, year: int, dated: date) -> Paper:
    return Paper(
        kind="Báo cáo", title=f"Đánh giá nội bộ năm {year}", number=f"Số: 11/BC-ĐGNB-{year}", dated=dated,
        signer_title="TRƯỞNG ĐOÀN ĐÁNH GIÁ", signer_name="Võ Thành Đạt",
        recipients=("Giám đốc Sở;", "Ban Chỉ đạo ISO;", "Lưu: ISO."),
        sections=(
            _s("1. KẾT QUẢ CHUNG",
               f"Hệ thống quản lý chất lượng của Sở được duy trì phù hợp với {ISO}; các quy trình được áp dụng, "
               "hồ sơ được lập đầy đủ. Đoàn ghi nhận 02 điểm không phù hợp nhẹ và 03 khuyến nghị."),
            _s("2. ĐIỂM KHÔNG PHÙ HỢP",
               "2.1. Một số hồ sơ mượn chưa ghi hạn trả (QT-02, mục 4.3).",
               "2.2. Danh mục tài liệu bên ngoài chưa cập nhật văn bản mới (QT-01, mục 5.6)."),
            _s("3. KIẾN NGHỊ", "Các phòng thực hiện hành động khắc phục trước ngày 31/10, báo cáo Thư ký ISO."),
        ))


def _review_notice(title: str, year: int, dated: date) -> Paper:
    return Paper(
        kind="Thông báo", title=f"Họp xem xét của lãnh đạo năm {year}",
        number=f"Số: {dated.day + 200}/TB-SKHCN", dated=dated, signer_name=LEADER,
        recipients=("Ban Chỉ đạo ISO;", "Trưởng các phòng;", "Lưu: VT, ISO."),
        sections=(
            _s("", f"Sở Khoa học và Công nghệ tổ chức họp xem xét của lãnh đạo về Hệ thống quản lý chất lượng năm "
                   f"{year}, chủ trì: Giám đốc Sở; thành phần: Ban Chỉ đạo ISO, Trưởng các phòng, Thư ký ISO."),
            _s("Nội dung", "Kết quả thực hiện mục tiêu chất lượng; kết quả đánh giá nội bộ; ý kiến phản hồi của tổ "
                           "chức, cá nhân; tình trạng hành động khắc phục; nhu cầu nguồn lực; cơ hội cải tiến."),
        ))


def _review_minutes(title: str, year: int, dated: date) -> Paper:
    return Paper(
        kind="Biên bản", title=f"Họp xem xét của lãnh đạo năm {year}", number=f"Số: {dated.day + 10}/BB-SKHCN",
        dated=dated, signer_title="CHỦ TRÌ", signer_name=LEADER, recipients=("Lưu: VT, ISO.",),
        sections=(
            _s("1. KẾT QUẢ THỰC HIỆN MỤC TIÊU CHẤT LƯỢNG",
               "Tỷ lệ hồ sơ thủ tục hành chính giải quyết đúng hạn đạt 99,2%; tỷ lệ hài lòng đạt 96,5%; các mục "
               "tiêu khác đạt kế hoạch."),
            _s("2. KẾT QUẢ ĐÁNH GIÁ NỘI BỘ", "02 điểm không phù hợp nhẹ đã có kế hoạch khắc phục."),
            _s("3. KẾT LUẬN CỦA CHỦ TRÌ",
               "Hệ thống quản lý chất lượng phù hợp, có hiệu lực. Giao Văn phòng Sở hoàn thành khắc phục trước "
               "ngày 31/10 và đề xuất mục tiêu chất lượng năm sau trước ngày 30/11."),
        ))


def _services_ledger(title: str, year: int, dated: date) -> Paper:
    return Paper(
        kind="Sổ theo dõi", title=f"Hồ sơ giải quyết thủ tục hành chính năm {year}", number="Số: 01/STD-VP",
        dated=dated, signer_title="VĂN THƯ", signer_name="Đặng Minh Khoa", recipients=(),
        sections=(_s("", f"Năm {year} Sở tiếp nhận 412 hồ sơ thủ tục hành chính, đã giải quyết 412 hồ sơ, trong đó "
                         "407 hồ sơ đúng hạn và trước hạn, 05 hồ sơ trễ hạn đã có văn bản xin lỗi tổ chức, cá nhân."),),
    )


def _complaint(title: str, year: int, dated: date) -> Paper:
    return Paper(
        kind="Đơn khiếu nại", title="Về việc thẩm định hồ sơ đề tài khoa học cấp cơ sở", number="", dated=dated,
        agency="", parent="", place="Châu Thành", signer_title="NGƯỜI KHIẾU NẠI", signer_name="Kim Thị Sô Phia",
        recipients=(),
        sections=(_s("Kính gửi: Giám đốc Sở Khoa học và Công nghệ tỉnh Trà Vinh",
                     "Tôi là Kim Thị Sô Phia, địa chỉ ấp Đa Hòa Bắc, xã Hòa Minh, huyện Châu Thành. Ngày "
                     "15/3/2021 tôi nộp hồ sơ đăng ký đề tài nhưng đến nay chưa nhận được kết quả thẩm định. "
                     "Đề nghị Sở xem xét, trả lời bằng văn bản."),),
    )


def _complaint_decision(title: str, year: int, dated: date) -> Paper:
    return Paper(
        kind="Quyết định", title="Về việc giải quyết khiếu nại của bà Kim Thị Sô Phia", number="Số: 87/QĐ-SKHCN",
        dated=dated, signer_name=LEADER, recipients=("Bà Kim Thị Sô Phia;", "Thanh tra tỉnh;", "Lưu: VT."),
        sections=(
            _s("", "Căn cứ Luật Khiếu nại năm 2011; xét đơn khiếu nại ngày 05/5/2021 và kết quả xác minh,"),
            _s("QUYẾT ĐỊNH:",
               "Điều 1. Khiếu nại của bà Kim Thị Sô Phia là có cơ sở một phần. Giao Phòng Quản lý Khoa học hoàn "
               "thành thẩm định hồ sơ trong 10 ngày làm việc.",
               "Điều 2. Quyết định có hiệu lực kể từ ngày ký."),
        ))


def _policy_decision(title: str, year: int, dated: date) -> Paper:
    return Paper(
        kind="Quyết định", title="Về việc ban hành Chính sách chất lượng giai đoạn 2025 - 2030",
        number="Số: 215/QĐ-SKHCN", dated=dated, signer_name=LEADER, recipients=INTERNAL,
        sections=(
            _s("", "Căn cứ Quyết định số 101/2018/QĐ-TTg ngày 21/12/2018 của Thủ tướng Chính phủ; xét đề nghị của "
                   "Chánh Văn phòng Sở,"),
            _s("QUYẾT ĐỊNH:",
               "Điều 1. Ban hành kèm theo Quyết định này Chính sách chất lượng của Sở Khoa học và Công nghệ giai "
               "đoạn 2025 - 2030.",
               "Điều 2. Quyết định có hiệu lực từ ngày 02/01/2025.",
               "Điều 3. Chánh Văn phòng Sở, Trưởng các phòng chịu trách nhiệm thi hành Quyết định này."),
        ))


def destruction_minutes(code: str, dated: date, decision: str) -> Paper:
    return Paper(
        kind="Biên bản", title=f"Hủy hồ sơ {code}", number=f"Số: 03/BB-HỦY-{dated.year}", dated=dated,
        signer_title="NGƯỜI THỰC HIỆN", signer_name="Đặng Minh Khoa",
        recipients=("Giám đốc Sở;", "Lưu: VT."),
        sections=(_s("", f"Thực hiện Quyết định số {decision}, hồi 09 giờ 00, tại kho lưu trữ của Sở, chúng tôi gồm "
                         "ông Đặng Minh Khoa (văn thư), bà Lê Thị Thu Hà và ông Võ Thành Đạt (chứng kiến) đã hủy "
                         f"toàn bộ hồ sơ {code}: bản điện tử bị xóa khóa mã hóa, không thể khôi phục; việc hủy "
                         "hoàn tất lúc 10 giờ 30 cùng ngày."),),
    )


_RECORD_PAPERS = {
    "Chương trình đánh giá": _audit_programme,
    "Báo cáo đánh giá": _audit_report,
    "Thông báo họp": _review_notice,
    "Biên bản họp": _review_minutes,
    "Sổ theo dõi hồ sơ": _services_ledger,
    "Đơn khiếu nại": _complaint,
    "Quyết định về việc giải quyết": _complaint_decision,
    "Quyết định về việc ban hành": _policy_decision,
}
