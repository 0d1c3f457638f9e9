"""`isoledger`: the operator's door (init, verify, checkpoint, projections rebuild, history, remind, demo, serve,
admin, qms, tthc)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from isoledger.bootstrap import bootstrap, use_cases
from isoledger.settings import Settings, SettingsError
from ledger.config import is_postgres
from ledger.errors import LedgerError
from signing.errors import SigningConfigError

app = typer.Typer(help="isoledger — ISO điện tử: sổ cái tài liệu và hồ sơ / ledger of documents and records",
                  no_args_is_help=True, add_completion=False)
projections_app = typer.Typer(help="Read models / Dữ liệu hiển thị", no_args_is_help=True)
app.add_typer(projections_app, name="projections")
storage_app = typer.Typer(help="Object storage / Kho tệp", no_args_is_help=True)
app.add_typer(storage_app, name="storage")
admin_app = typer.Typer(help="Recovery of accounts on the server / Khôi phục tài khoản trên máy chủ",
                        no_args_is_help=True)
app.add_typer(admin_app, name="admin")
tthc_app = typer.Typer(help="Administrative procedures (TTHC) / Thủ tục hành chính", no_args_is_help=True)
app.add_typer(tthc_app, name="tthc")
qms_app = typer.Typer(help="QMS processes / Quy trình của hệ thống quản lý chất lượng", no_args_is_help=True)
app.add_typer(qms_app, name="qms")
console = Console(soft_wrap=True)


def _settings() -> Settings:
    """The settings of the environment; a bad variable ends the command (exit 2) naming it."""
    try:
        return Settings.from_env()
    except (SettingsError, SigningConfigError) as e:
        console.print(f"[red]Cấu hình sai / bad configuration[/] ({e.field}): {e.message_vi} / {e.message_en}")
        raise typer.Exit(2) from None


@app.command()
def init() -> None:
    """Create the tables (as the owner role on PostgreSQL) and grant the runtime role its rights."""
    from isoledger.database import initialise

    settings = _settings()
    settings.home.mkdir(parents=True, exist_ok=True)
    for line in initialise(settings.owner_database_url, settings.database_url):
        console.print(f"[green]✓[/] {line}")
    console.print(settings.redacted())


@app.command()
def verify(agency: Annotated[list[str] | None, typer.Option(
        "--agency", help="only the documents and records of this agency (repeatable); chains are all walked")]
        = None,
        full: Annotated[bool, typer.Option(
            "--full", help="walk the whole log and read every file, not only what is new since the last "
                           "verified checkpoint")] = False) -> None:
    """Recompute the hash chains, the Merkle tree against the signed checkpoints, the snapshots and the stored
    files; exit 0 when intact, 1 naming the first break. By default only what is new since the last verified
    checkpoint (the earlier events: its signed root against the stored tree, and their count); --full: all."""
    services = bootstrap(_settings())
    try:
        verification = use_cases(services).verification
        since = None if full else verification.last_verified()
        if since is not None:
            console.print(f"Kiểm tra gia tăng từ điểm kiểm tra cỡ {since.tree_size} (đã xác minh lúc "
                          f"{_vntime(since.verified_at)}); --full để kiểm tra toàn bộ / incremental since the "
                          f"checkpoint of {since.tree_size} events verified at {_vntime(since.verified_at)}; "
                          "--full checks everything", markup=False)
        total = verification.events_after(since)
        with _progress() as progress:
            task = progress.add_task("Kiểm tra / checking", total=total)
            report = verification.run(agencies=agency, since=since, progress=lambda n: progress.advance(task, n))
        brk = report.first_break
        if brk is not None and brk.check == "chain":
            console.print(f"[red]HỎNG / BROKEN[/] at position {brk.position}: aggregate {brk.aggregate_id} "
                          f"version {brk.version}: {brk.reason_en}")
        else:
            console.print(f"[green]Chuỗi băm toàn vẹn / chains intact[/]: {report.events} sự kiện / events, "
                          f"{report.aggregates} chuỗi / chains")
        if brk is not None and brk.check == "snapshot":
            console.print(f"[red]ẢNH CHỤP SAI / BAD SNAPSHOT[/]: aggregate {brk.aggregate_id} version {brk.version}: "
                          f"{brk.reason_en}")
        for t in report.tree_problems:
            console.print("[red]CÂY / TREE[/] " + escape(f"{t.reason_vi} / {t.reason_en}"))
        for f in report.file_problems:
            label = " (biên bản hủy / destruction minutes)" if f.check == "evidence" else ""
            console.print(f"[red]TỆP HỎNG / BAD FILE[/]{label} " + escape(f"{f.key} ({f.filename}) in {f.scope}: "
                                                                        f"{f.reason_vi} / {f.reason_en}"))
        if brk is not None:
            console.print("[red]Chỗ hỏng đầu tiên / first break[/]: " + escape(f"{brk.text('vi')} / {brk.text('en')}"))
        console.print(f"{report.summary('vi')} / {report.summary('en')}", markup=False)
        if not report.intact:
            raise typer.Exit(1)
        if agency is None and report.verified_size:
            verification.record_verified(report, since)
            console.print(f"Đã ghi nhận: điểm kiểm tra cỡ {report.verified_size} đã xác minh; lần sau bắt đầu từ "
                          f"đó / recorded: the checkpoint of {report.verified_size} events is verified; the next "
                          "verification starts there", markup=False)
    finally:
        services.close()


@storage_app.command("sweep")
def sweep(grace_hours: Annotated[float, typer.Option("--grace-hours")] = 24.0) -> None:
    """Remove stored objects that no event references and that are older than the grace period."""
    from datetime import timedelta

    from ledger.references import referenced_files

    services = bootstrap(_settings())
    try:
        keys = {ref.key for _, ref in referenced_files(services.ledger)}
        removed = services.archive.sweep(keys, grace=timedelta(hours=grace_hours))
        for key in removed:
            console.print(f"đã xóa / removed {key}")
        console.print(f"{len(removed)} tệp mồ côi đã xóa / orphan objects removed; {len(keys)} referenced kept")
    finally:
        services.close()


def _operator_accounts(services):  # type: ignore[no-untyped-def]
    """The accounts use case with the API's credentials, and the operator who acts (recorded in the events)."""
    import uuid

    from api.security import Authentication, Passwords, Throttle, Tokens
    from api.store import ApiStore
    from ledger.actors import Actor
    from ledger.directory import Directory

    store = ApiStore(services.db)
    store.create_tables()
    auth = Authentication(Directory(services.ledger), store, Passwords(), Tokens(services.settings.secret_key()),
                          Throttle(store))
    operator = Actor("operator", "quan-tri-tinh", frozenset({"admin"}), request_id=f"cli-{uuid.uuid4().hex[:12]}")
    return use_cases(services, directory=auth.directory, credentials=auth).accounts, operator


@admin_app.command("unlock")
def admin_unlock(username: str) -> None:
    """Unlock USER and forget its failed sign-ins (AccountUnlocked, by `operator`); its old sessions stay ended."""
    services = bootstrap(_settings())
    try:
        accounts, operator = _operator_accounts(services)
        state = accounts.operator_unlock(operator, username.strip().lower())
        console.print(f"[green]✓[/] {state['username']}: {state['status']} — đã mở khóa, xóa các lần đăng nhập sai / "
                      "unlocked, failed sign-ins forgotten", markup=True)
    except LedgerError as e:
        console.print(f"[red]{escape(e.message_vi)}[/] / {escape(e.message_en)}")
        raise typer.Exit(1) from None
    finally:
        services.close()


@admin_app.command("reset-password")
def admin_reset_password(username: str) -> None:
    """Give USER a one-time password, printed once, to be changed at sign-in (PasswordReset, by `operator`);
    every session of USER ends."""
    services = bootstrap(_settings())
    try:
        accounts, operator = _operator_accounts(services)
        password = accounts.operator_reset_password(operator, username.strip().lower())
        console.print(f"Mật khẩu dùng một lần (chỉ hiện một lần) / one-time password (shown once): {password}",
                      markup=False)
    except LedgerError as e:
        console.print(f"[red]{escape(e.message_vi)}[/] / {escape(e.message_en)}")
        raise typer.Exit(1) from None
    finally:
        services.close()


@projections_app.command("rebuild")
def rebuild() -> None:
    """Empty the read models and replay the whole log into them."""
    services = bootstrap(_settings())
    try:
        total = services.ledger.recorder.max_notification_id() or 0
        with _progress() as progress:
            task = progress.add_task("Dựng lại / rebuilding", total=total)
            result = services.projector.rebuild(progress=lambda n: progress.advance(task, n))
        rate = result.events / result.seconds if result.seconds else 0.0
        console.print(f"{result.events} sự kiện / events in {result.seconds:.2f} s ({rate:,.0f} events/s), "
                      f"position {result.position}")
    finally:
        services.close()


@app.command()
def checkpoint() -> None:
    """Sign a checkpoint of the Merkle tree over the whole log now (they are also made as the log grows)."""
    from evidence.checkpoints import TreeDiverged

    services = bootstrap(Settings.from_env())
    try:
        services.projector.catch_up()
        assert services.checkpoints is not None
        try:
            made = services.checkpoints.make()
        except TreeDiverged as e:
            console.print(f"[red]KHÔNG KÝ / NOT SIGNED[/]: {e}")
            raise typer.Exit(1) from None
        if made is None:
            console.print("Nhật ký còn trống: chưa có gì để ký / the log is empty: nothing to sign")
            return
        console.print(f"[green]Điểm kiểm tra / checkpoint[/]: {made.tree_size} sự kiện / events, "
                      f"root {made.root_hash}, {_vn(made.made_at)}")
        console.print(f"Khóa kiểm tra / verifier key: {services.checkpoints.key.verifier_key}")
    finally:
        services.close()


@app.command()
def evidence(aggregate_id: str,
             output: Annotated[str, typer.Option("-o", "--output", help="the ZIP to write")] = "") -> None:
    """Export the evidence bundle of one document or record (check it with isoledger_verify.py)."""
    from pathlib import Path

    from evidence.bundle import export_bundle

    services = bootstrap(Settings.from_env())
    try:
        services.projector.catch_up()
        assert services.checkpoints is not None
        target = Path(output or f"{aggregate_id}.zip")
        try:
            with target.open("wb") as f:
                manifest = export_bundle(services.ledger, services.archive, services.db, services.checkpoints,
                                         aggregate_id, f)
        except (LookupError, ValueError):
            target.unlink(missing_ok=True)
            console.print(f"[red]Không tìm thấy / not found[/]: {aggregate_id}")
            raise typer.Exit(1) from None
        console.print(f"[green]✓[/] {target}: {len(manifest['events'])} sự kiện / events, "
                      f"{len(manifest['files'])} tệp / files, checkpoint {manifest['checkpoint']['tree_size']}")
        console.print(f"Kiểm tra / check: python3 isoledger_verify.py {target} --key "
                      f"'{services.checkpoints.key.verifier_key}'")
    finally:
        services.close()


@app.command()
def history(aggregate_id: str,
            as_of: Annotated[str | None, typer.Option("--as-of", help="ISO 8601, e.g. 2026-03-01T00:00:00+07:00")]
            = None,
            as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """The events of a document or record, and its state as it was (optionally at --as-of)."""
    services = bootstrap(_settings())
    try:
        when = _parse_instant(as_of) if as_of else None
        found = use_cases(services).history.replay(aggregate_id, when)
        events, state = found["events"], found["state"]
        if as_json:
            typer.echo(json.dumps({"state": state, "events": events}, ensure_ascii=False, indent=2))
            return
        table = Table(title=f"Lịch sử / history {aggregate_id}")
        for col in ("#", "Thời gian (GMT+7)", "Sự kiện", "Người thực hiện", "Vai trò", "Hash"):
            table.add_column(col)
        from ledger.application import VN
        for e in events:
            at = datetime.fromisoformat(e["timestamp"]).astimezone(VN).strftime("%d/%m/%Y %H:%M:%S")
            table.add_row(str(e["version"]), at, e["type"], e["meta"]["user_id"], e["meta"]["role"], e["hash"][:16])
        console.print(table)
        console.print_json(json.dumps(state, ensure_ascii=False))
    except LedgerError as e:
        console.print(f"[red]{e.message_vi}[/] / {e.message_en}")
        raise typer.Exit(2) from None
    finally:
        services.close()


@app.command()
def remind(day: Annotated[str | None, typer.Option("--date", help="the day to remind for (YYYY-MM-DD; default: "
                                                                  "today in Vietnam)")] = None,
           mail: Annotated[bool, typer.Option("--mail/--no-mail", help="then send what is due by e-mail "
                                                                      "(when ISOLEDGER_SMTP_HOST is set)")] = True
           ) -> None:
    """Loans due in 3 days or overdue, records whose retention ended: told once (for cron; safe beside the
    server's own scheduled job and another cron run: one at a time, and a reminder is never given twice)."""
    from datetime import date

    settings = _settings()
    services = bootstrap(settings)
    try:
        uc = use_cases(services)
        try:
            when = date.fromisoformat(day) if day else None
        except ValueError:
            console.print("[red]Ngày không hợp lệ / bad --date[/] (YYYY-MM-DD)")
            raise typer.Exit(2) from None
        done = uc.reminders.run_scheduled(when)
        if not done.ran:
            console.print("Một tiến trình khác đang nhắc việc / another process is running the reminders")
            return
        console.print(f"Nhắc việc ngày / reminders of {done.day}: {done.loan_due} sắp đến hạn trả / due soon, "
                      f"{done.loan_overdue} quá hạn / overdue, {done.retention_ended} hết thời hạn bảo quản / "
                      f"retention ended, {done.review_due_soon + done.review_due} xem xét định kỳ / periodic reviews")
        if mail and settings.mail.enabled:
            from isoledger.mailer import MailSender

            sent = MailSender(uc, settings.mail).run_once()
            console.print(f"Thư đã gửi / mails sent: {sent.sent} (+{sent.digests} tổng hợp / digests)"
                          + (f"; lỗi / errors: {sent.errors[0]}" if sent.errors else ""))
    finally:
        services.close()


@app.command()
def serve(host: Annotated[str | None, typer.Option(help="default: $HOST, else 127.0.0.1")] = None,
          port: Annotated[int | None, typer.Option(help="default: $PORT, else 8000")] = None,
          demo: Annotated[bool, typer.Option("--demo/--no-demo", help="load the demo on the first start")] = True,
          workers: Annotated[int, typer.Option(min=1, help="server processes (PostgreSQL only)")] = 1,
          ) -> None:
    """Serve the HTTP API and the web pages (first start: creates `admin`, loads the demo)."""
    from api.server import serve as run_server

    settings = _settings()
    if workers > 1 and not is_postgres(settings.database_url):
        console.print(f"[red]--workers {workers}[/]: nhiều tiến trình cần PostgreSQL (SQLite chỉ có một người ghi) / "
                      "several processes need PostgreSQL (SQLite has one writer at a time)")
        raise typer.Exit(2)
    run_server(settings, host=host, port=port, demo=demo, workers=workers)


@app.command()
def demo(show: Annotated[bool, typer.Option("--show", help="print the ledger's state afterwards")] = False
         ) -> None:
    """Load the demo dataset (Sở KH&CN tỉnh Trà Vinh) unless it is already there."""
    from isoledger.demo import load_demo

    services = bootstrap(_settings())
    try:
        summary = load_demo(services)
        services.projector.catch_up()
        console.print(f"[green]Dữ liệu mẫu / demo[/]: {summary['message']}")
        if show:
            _show(services)
    finally:
        services.close()


@qms_app.command("diagrams")
def qms_diagrams(folder: Annotated[str, typer.Option("-o", "--output", help="where to write (default docs/qms)")]
                 = "docs/qms") -> None:
    """Writes each declared process's state diagram, <process>.dot and <process>.svg (Graphviz), for docs/qms.md."""
    from pathlib import Path

    from ledger.qms.registry import processes
    from usecases.qms_diagrams import GraphvizMissing, write_docs

    try:
        written = write_docs(Path(folder), processes())
    except GraphvizMissing as e:
        console.print(f"[red]Thiếu Graphviz / Graphviz missing[/]: {e}")
        raise typer.Exit(1) from None
    for path in written:
        console.print(str(path))


@tthc_app.command("import")
def tthc_import(file: Annotated[str, typer.Argument(help="the one-stop system's feed, .json or .csv (docs/tthc.md)")],
                agency: Annotated[str | None, typer.Option(
                    "--agency", help="the agency (default: the file's agency_id)")] = None) -> None:
    """Import the one-stop system's (một cửa / iGate) TTHC feed: procedures and their monthly figures, recorded as
    ledger events in one batch (all or nothing). The same file twice changes nothing."""
    import uuid
    from pathlib import Path

    from ledger.actors import Actor
    from usecases.tthc_import import read_feed

    path = Path(file)
    try:
        data = path.read_bytes()
    except OSError as e:
        console.print(f"[red]Không đọc được tệp / cannot read the file[/]: {escape(str(e))}")
        raise typer.Exit(2) from None
    services = bootstrap(_settings())
    uc = use_cases(services)
    try:
        with _progress() as progress:
            feed = read_feed(data, path.name, agency_id=agency)
            operator = Actor("operator", feed.agency_id, frozenset({"admin"}),
                             request_id=f"cli-{uuid.uuid4().hex[:12]}")
            task = progress.add_task("Ghi vào sổ cái / recording", total=len(feed.rows))
            done = uc.tthc.import_feed(operator, feed, progress=lambda n: progress.advance(task, n))
            pending = (services.ledger.recorder.max_notification_id() or 0) - services.projector.position()
            shown = progress.add_task("Dữ liệu hiển thị / read models", total=max(pending, 0))
            services.projector.catch_up(progress=lambda n: progress.advance(shown, n))
    except LedgerError as e:
        console.print(f"[red]{escape(e.message_vi)}[/] / {escape(e.message_en)}")
        _problems(e.details.get("problems", []), e.details.get("more", 0))
        raise typer.Exit(1) from None
    finally:
        uc.deps.projections.close()
        services.close()
    c = done.changes
    console.print(f"{path.name} (SHA-256 {done.sha256[:16]}…), {feed.agency_id}: {done.rows} dòng / rows")
    if not done.changed:
        when = "; ".join(f"{_vntime(x['imported_at'])} ({x['imported_by']})" for x in done.earlier)
        console.print("[green]✓[/] Không có gì thay đổi: sổ cái đã có đúng các số liệu này, không ghi sự kiện mới / "
                      "nothing changed: the ledger already holds these figures, no new event"
                      + (f" — đã nhập / imported {when}" if when else ""))
        return
    console.print(f"[green]✓[/] {c['listed']} thủ tục mới / new procedures, {c['amended']} sửa thông tin / amended, "
                  f"{c['reported']} số liệu kỳ mới / new monthly figures, {c['corrected']} đính chính / corrected")


def _problems(problems: list[dict], more: int) -> None:  # type: ignore[type-arg]
    if not problems:
        return
    table = Table("Dòng / row", "Trường / field", "Lỗi", "Problem")
    for p in problems:
        table.add_row(str(p["row"] or "—"), str(p["field"] or ""), escape(p["detail"]), escape(p["detail_en"]))
    console.print(table)
    if more:
        console.print(f"… và {more} lỗi khác / and {more} more")


def _show(services) -> None:  # type: ignore[no-untyped-def]
    from projections import queries

    with services.db.transaction(write=False) as cur:
        table, params = queries.register(services.ledger.today())
        cur.execute(f"SELECT code, title, kind, in_force, effective_from FROM {table} ORDER BY code", tuple(params))
        docs = cur.fetchall()
        cur.execute("SELECT code, title, retention_years, retention_ends_on, on_loan, on_hold, destruction "
                    "FROM records ORDER BY code")
        recs = cur.fetchall()
    t = Table(title="Tài liệu / documents")
    for col in ("Mã", "Tên", "Loại", "Phiên bản hiệu lực", "Hiệu lực từ"):
        t.add_column(col)
    for code, title, kind, in_force, eff in docs:
        t.add_row(code, title, kind, str(in_force or "—"), _vn(eff))
    console.print(t)
    r = Table(title="Hồ sơ / records")
    for col in ("Mã", "Tên", "Bảo quản", "Hết hạn", "Đang mượn", "Phong tỏa", "Hủy"):
        r.add_column(col)
    for code, title, years, ends, loan, hold, destr in recs:
        r.add_row(code, title, f"{years} năm" if years else "Vĩnh viễn", _vn(ends), "✓" if loan else "",
                  "✓" if hold else "", destr or "")
    console.print(r)


def _vntime(iso: str) -> str:
    from ledger.application import VN

    return datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(VN).strftime("%d/%m/%Y %H:%M")


def _vn(iso: str | None) -> str:
    return datetime.fromisoformat(iso).strftime("%d/%m/%Y") if iso else "—"


def _parse_instant(text: str) -> datetime:
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        console.print("[red]--as-of phải theo ISO 8601[/] / --as-of must be ISO 8601")
        raise typer.Exit(2) from None
    if when.tzinfo is None:
        from ledger.application import VN
        when = when.replace(tzinfo=VN)
    return when


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=console)


if __name__ == "__main__":
    app()
