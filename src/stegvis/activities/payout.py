"""Payout report per association and period: what each association is paid, activity by
activity, as XLSX (openpyxl) and PDF (core.pdf). Counts and amounts only, no names.

A correction of an approved or paid compensation (``CompensationCorrection``) appears as its own
line: a debit (more to pay to the association) or a credit (to claim back), on every file until
it is settled. The summary shows what is paid, what corrections changed, and what is pending."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from stegvis.activities.models import Compensation, CompensationCorrection
from stegvis.core import pdf
from stegvis.core.spreadsheet import workbook_bytes


@dataclass
class PayoutLine:
    association: str
    orgnr: str
    payment: str
    activity: str
    period_end: date
    sessions: int
    participants: int
    rate: int
    amount: int
    status: str
    paid_on: date | None
    reference: str
    entry: str = "Ersättning"
    paid: int = 0
    pending: int = 0
    corrected: int = 0


@dataclass
class PayoutReport:
    title: str
    period: str
    lines: list[PayoutLine]

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)

    @property
    def paid(self) -> int:
        return sum(line.paid for line in self.lines)

    @property
    def pending(self) -> int:
        return sum(line.pending for line in self.lines)

    @property
    def corrected(self) -> int:
        return sum(line.corrected for line in self.lines)

    def totals_by_association(self) -> list[tuple[str, str, int]]:
        totals: dict[tuple[str, str], int] = {}
        for line in self.lines:
            key = (line.association, line.payment)
            totals[key] = totals.get(key, 0) + line.amount
        return [(name, payment, amount) for (name, payment), amount in totals.items()]


def _payment(association) -> str:
    return (
        f"{association.get_payment_kind_display()} {association.payment_number}"
        if association.payment_kind
        else "saknas"
    )


def build_report(
    compensations,
    *,
    start: date | None,
    end: date | None,
    federation_name: str,
    corrections=(),
):
    lines = []
    for c in compensations:
        association = c.association
        payment = _payment(association)
        paid = c.status == Compensation.Status.PAID
        lines.append(
            PayoutLine(
                association=association.name,
                orgnr=association.organisation_number,
                payment=payment,
                activity=c.activity.title,
                period_end=c.period_end,
                sessions=c.sessions_held,
                participants=c.participant_count,
                rate=c.rate_sek,
                amount=c.amount_sek,
                status=c.get_status_display(),
                paid_on=c.paid_on,
                reference=c.payment_reference,
                paid=c.amount_sek if paid else 0,
                pending=0 if paid else c.amount_sek,
            )
        )
    for k in corrections:
        c = k.compensation
        lines.append(
            PayoutLine(
                association=c.association.name,
                orgnr=c.association.organisation_number,
                payment=_payment(c.association),
                activity=c.activity.title,
                period_end=c.period_end,
                sessions=c.sessions_held,
                participants=k.participants_after - k.participants_before,
                rate=c.rate_sek,
                amount=k.amount_sek,
                status="Reglerad" if k.settled_on else "Att reglera",
                paid_on=k.settled_on,
                reference=k.settlement_reference,
                entry=f"Rättelse {k.created_at:%Y-%m-%d}, {k.entry.lower()}",
                paid=k.amount_sek if k.settled_on else 0,
                pending=0 if k.settled_on else k.amount_sek,
                corrected=k.amount_sek,
            )
        )
    period = f"{start or '…'} – {end or '…'}"
    return PayoutReport(f"Utbetalningsunderlag – {federation_name}", period, lines)


HEADER = [
    "Förening",
    "Org.nr",
    "Utbetalning till",
    "Aktivitet",
    "Sista tillfälle",
    "Tillfällen",
    "Deltagare",
    "Kr/deltagare",
    "Belopp (kr)",
    "Status",
    "Utbetald",
    "Verifikation",
    "Rad",
]


def _row(line: PayoutLine) -> list:
    return [
        line.association,
        line.orgnr,
        line.payment,
        line.activity,
        line.period_end,
        line.sessions,
        line.participants,
        line.rate,
        line.amount,
        line.status,
        line.paid_on,
        line.reference,
        line.entry,
    ]


def to_xlsx(report: PayoutReport) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Utbetalningar"
    sheet.append([report.title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([f"Period (sista tillfälle): {report.period}"])
    sheet.append([])
    sheet.append(HEADER)
    for cell in sheet[4]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E3F1EC")
    for line in report.lines:
        sheet.append(_row(line))
    for row in sheet.iter_rows(min_row=5, min_col=5, max_col=5):
        for cell in row:
            cell.number_format = "yyyy-mm-dd"
    for row in sheet.iter_rows(min_row=5, min_col=11, max_col=11):
        for cell in row:
            cell.number_format = "yyyy-mm-dd"
    sheet.append([])
    for label, value in (
        ("Summa", report.total),
        ("Utbetalt", report.paid),
        ("Rättelser (netto)", report.corrected),
        ("Att betala ut", report.pending),
    ):
        sheet.append([label, "", "", "", "", "", "", "", value])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
        sheet.cell(row=sheet.max_row, column=9).font = Font(bold=True)
    for column, width in zip(
        "ABCDEFGHIJKLM", (30, 13, 24, 32, 14, 10, 10, 12, 12, 12, 12, 14, 26), strict=True
    ):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A5"
    totals = book.create_sheet("Per förening")
    totals.append(["Förening", "Utbetalning till", "Belopp (kr)"])
    for cell in totals[1]:
        cell.font = Font(bold=True)
    for name, payment, amount in report.totals_by_association():
        totals.append([name, payment, amount])
    totals.column_dimensions["A"].width = 32
    totals.column_dimensions["B"].width = 26
    totals.column_dimensions["C"].width = 14
    for row in totals.iter_rows(min_row=2, min_col=3, max_col=3):
        for cell in row:
            cell.alignment = Alignment(horizontal="right")
    return workbook_bytes(book)


def _kr(value: int) -> str:
    from stegvis.core.formats import sek

    return sek(value)


def to_pdf(report: PayoutReport) -> bytes:
    blocks = [
        pdf.KeyValues(
            [
                ("Period (sista tillfälle)", report.period),
                ("Antal aktiviteter", str(len(report.lines))),
                ("Totalt", _kr(report.total)),
                ("Utbetalt", _kr(report.paid)),
                ("Rättelser", _kr(report.corrected)),
                ("Att betala ut", _kr(report.pending)),
            ]
        ),
        pdf.Heading("Per förening"),
        pdf.Table(
            header=["Förening", "Utbetalning till", "Belopp"],
            rows=[[n, p, _kr(a)] for n, p, a in report.totals_by_association()],
            widths=[0.45, 0.35, 0.2],
            numeric_columns={2},
        ),
        pdf.Heading("Per aktivitet"),
        pdf.Table(
            header=["Förening", "Aktivitet", "Sista tillf.", "Delt.", "Belopp", "Status"],
            rows=[
                [
                    line.association,
                    line.activity
                    if line.entry == "Ersättning"
                    else f"{line.activity} ({line.entry})",
                    line.period_end.isoformat(),
                    str(line.participants),
                    _kr(line.amount),
                    line.status,
                ]
                for line in report.lines
            ],
            widths=[0.24, 0.3, 0.13, 0.07, 0.13, 0.13],
            numeric_columns={3, 4},
        ),
    ]
    return pdf.render_pdf(
        title=report.title,
        subtitle="Ersättning till föreningar för NAD-aktiviteter",
        blocks=blocks,
        footer="Ersättningen får inte användas till medlemsavgifter för deltagarna.",
    )


def report_compensations(qs):
    """Only approved and paid compensations belong in a payout report."""
    return qs.filter(status__in=[Compensation.Status.APPROVED, Compensation.Status.PAID])


def report_corrections(*, association_id=None, start=None, end=None):
    """Corrections with money on them: every one not yet settled (so it lands on the next file),
    and those settled within the period."""
    qs = (
        CompensationCorrection.objects.exclude(amount_sek=0)
        .select_related("compensation__association", "compensation__activity")
        .order_by("compensation__association__name", "created_at", "pk")
    )
    if association_id:
        qs = qs.filter(compensation__association_id=association_id)
    settled = Q(settled_on__isnull=False)
    if start:
        settled &= Q(settled_on__gte=start)
    if end:
        settled &= Q(settled_on__lte=end)
    return qs.filter(Q(settled_on__isnull=True) | settled)
