"""`consult-bot`: run the bot, try it in a demo, manage partners and recommendations, export."""

from __future__ import annotations

import argparse
import sys
import urllib.error
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from slack_sdk.errors import SlackApiError

from bot.config import ConfigError, Settings, load_settings
from bot.domain.clock import utcnow
from bot.domain.errors import CsvRowError, DomainError
from bot.logs import configure_logging
from bot.services import Services
from bot.services.data_rights import OPERATOR
from bot.services.exports import ExportFormat
from bot.services.exports.collect import check_writable, write_json_file


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    _configure_logging()
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except ConfigError as exc:
        print(f"consult-bot: {exc}", file=sys.stderr)
        return 2
    except CsvRowError as exc:
        print(f"consult-bot: {args.file}: {exc.message.rstrip('.')}. Nothing was imported.", file=sys.stderr)
        return 1
    except DomainError as exc:
        print(f"consult-bot: {exc.message}", file=sys.stderr)
        return 1
    except FileNotFoundError as exc:
        print(f"consult-bot: there is no file {exc.filename}; check the path and try again.", file=sys.stderr)
        return 1
    except SlackApiError as exc:
        print(f"consult-bot: Slack refused the call: {exc.response.get('error')}.", file=sys.stderr)
        return 1
    except urllib.error.URLError as exc:
        print(f"consult-bot: cannot reach Slack at SLACK_API_URL ({exc.reason}).", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _configure_logging() -> None:
    """LOG_FORMAT from the environment or .env; the secrets it knows are masked in every warning."""
    try:
        settings = load_settings()
    except ConfigError:
        configure_logging()  # the command itself reports the bad setting
        return
    secrets = (settings.slack_bot_token, settings.slack_signing_secret, settings.slack_app_token)
    configure_logging(settings.log_format, tuple(s.get_secret_value() for s in secrets if s is not None))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="consult-bot", description=__doc__)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    run = commands.add_parser(
        "run", help="start the bot (Socket Mode with SLACK_APP_TOKEN, else HTTP on PORT)"
    )
    run.set_defaults(handler=_run)

    demo = commands.add_parser("demo", help="play a sample consortium through the real bot, no Slack needed")
    demo.add_argument("--out", type=Path, default=Path("demo-output"), help="folder for the demo's files")
    demo.add_argument(
        "--socket-mode", action="store_true", help="the bot connects over Socket Mode instead of serving HTTP"
    )
    demo.set_defaults(handler=_demo)

    db = commands.add_parser("db", help="database schema")
    db_commands = db.add_subparsers(required=True, metavar="ACTION")
    db_commands.add_parser("upgrade", help="apply every migration").set_defaults(handler=_db_upgrade)

    partners = commands.add_parser("partners", help="the consortium's partners")
    partner_commands = partners.add_subparsers(required=True, metavar="ACTION")
    partners_import = partner_commands.add_parser("import", help="upsert partners from a CSV file")
    partners_import.add_argument("file", type=Path)
    partners_import.set_defaults(handler=_partners_import)
    partner_commands.add_parser("list", help="print the partners").set_defaults(handler=_partners_list)
    export_data = partner_commands.add_parser(
        "export-data", help="everything stored about one person, as JSON"
    )
    export_data.add_argument("slack_user_id")
    export_data.add_argument("--out", type=Path, required=True, help="the JSON file to write")
    export_data.set_defaults(handler=_partners_export_data)
    erase = partner_commands.add_parser("erase", help="erase one person (positions and counts stay)")
    erase.add_argument("slack_user_id")
    erase.set_defaults(handler=_partners_erase)

    recs = commands.add_parser("recs", help="recommendations")
    rec_commands = recs.add_subparsers(required=True, metavar="ACTION")
    recs_import = rec_commands.add_parser("import", help="import an earlier set of recommendations from CSV")
    recs_import.add_argument("file", type=Path)
    recs_import.set_defaults(handler=_recs_import)

    digest = commands.add_parser("digest", help="build this period's digest of emerging consensus")
    digest.add_argument("--send", action="store_true", help="send it to the coordinators (once per period)")
    digest.add_argument("--out", type=Path, help="write the Markdown here instead of printing it")
    digest.set_defaults(handler=_digest)

    export = commands.add_parser("export", help="export everything for the final report, or the annex")
    export.add_argument("--format", choices=[f.value for f in ExportFormat], required=True)
    export.add_argument("--out", type=Path, required=True, help="a folder for csv and polis, else a file")
    export.set_defaults(handler=_export)

    audit = commands.add_parser("audit", help="print the audit log: coordinators' actions and erasures")
    audit.add_argument("--since", type=_date, help="from this day on (YYYY-MM-DD, UTC)")
    audit.set_defaults(handler=_audit)
    return parser


def _services(settings: Settings | None = None) -> Services:
    from bot.app import build_bot

    services = build_bot(settings or load_settings())
    services.db.upgrade()
    return services


def _run(_args: argparse.Namespace) -> int:
    from bot.runner import run_bot

    settings = load_settings()
    _check_run_settings(settings)
    run_bot(_services(settings))
    return 0


def _check_run_settings(settings: Settings) -> None:
    settings.bot_token()
    if settings.socket_mode:
        settings.app_token()
    else:
        settings.signing_secret()


def _demo(args: argparse.Namespace) -> int:
    from bot.demo import run_demo

    return run_demo(args.out, socket_mode=args.socket_mode)


def _db_upgrade(_args: argparse.Namespace) -> int:
    services = _services()
    print(f"database is up to date ({_safe_url(services.settings.database_url)})")
    return 0


def _partners_import(args: argparse.Namespace) -> int:
    summary = _services().partners.import_csv(args.file)
    print(f"{summary.created} partners added, {summary.updated} updated, {summary.unchanged} unchanged")
    return 0


def _partners_list(_args: argparse.Namespace) -> int:
    partners = _services().partners.all()
    if not partners:
        print("no partners yet: add them with `consult-bot partners import FILE.csv`")
        return 0
    rows = [("slack_user_id", "name", "organisation", "region", "country", "role")]
    rows += [(p.slack_user_id, p.name, p.organisation, p.region, p.country, p.role.value) for p in partners]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    return 0


def _recs_import(args: argparse.Namespace) -> int:
    imported = _services().recommendations.import_csv(args.file)
    if imported:
        print(f"{len(imported)} recommendations imported as {imported[0].ref} to {imported[-1].ref}")
    else:
        print("the file has no recommendations; nothing imported")
    return 0


def _digest(args: argparse.Namespace) -> int:
    from bot.domain.periods import current_period

    settings = load_settings()
    if args.send:
        settings.bot_token()
    services = _services(settings)
    now = utcnow()
    period = current_period(settings.digest_cron, settings.timezone, now)
    complete = True
    if args.send:
        from bot.jobs.digest import send_period_digest

        report = send_period_digest(services, period)
        built, complete = report.digest, report.complete
        print(f"digest of the period from {period.key}: {report.describe()}", file=sys.stderr)
        if not complete:
            print(
                "consult-bot: not every coordinator has the digest; run `consult-bot digest --send` again "
                "(those who have it do not get it twice), or let the running bot retry.",
                file=sys.stderr,
            )
    else:
        built = services.digest.preview(period, now)
    if args.out:
        args.out.write_text(built.markdown, encoding="utf-8")
        print(f"wrote {args.out}", file=sys.stderr)
    else:
        print(built.markdown)
    print(built.content.summarizer_note, file=sys.stderr)
    return 0 if complete else 1


def _export(args: argparse.Namespace) -> int:
    fmt = ExportFormat(args.format)
    check_writable(args.out, folder=fmt.is_folder)
    services = _services()
    files = services.export.write(fmt, args.out)
    services.audit.record(OPERATOR, "export", fmt.value, str(args.out))
    if fmt.is_folder:
        print(f"wrote {len(files)} files to {args.out}: " + ", ".join(f.name for f in files))
    else:
        print(f"wrote {args.out}")
    return 0


def _partners_export_data(args: argparse.Namespace) -> int:
    check_writable(args.out, folder=False)
    data = _services().data_rights.export_data(args.slack_user_id)
    write_json_file(args.out, data)
    print(f"wrote {args.out}")
    return 0


def _partners_erase(args: argparse.Namespace) -> int:
    report = _services().data_rights.erase(args.slack_user_id)
    print(f"{args.slack_user_id} {report.describe()}")
    return 0


def _audit(args: argparse.Namespace) -> int:
    entries = _services().audit.entries(args.since)
    if not entries:
        print("the audit log has no entries" + (f" since {args.since:%Y-%m-%d}" if args.since else ""))
    for entry in entries:
        line = f"{entry.at:%Y-%m-%d %H:%M:%S}Z  {entry.actor:<16} {entry.action:<28} {entry.subject}"
        print(line.rstrip() + (f"  {entry.detail}" if entry.detail else ""))
    return 0


def _date(text: str) -> datetime:
    try:
        return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date: write it as YYYY-MM-DD") from None


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


if __name__ == "__main__":
    sys.exit(main())
