"""The KPI report for people who keep figures elsewhere: XLSX (one row per period and group, the
formulas on a second sheet) and DOCX (headline table, the charts as PNG, the formulas), in the
language asked for (labels through Flask-Babel; the figures are the same in every language)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from docx.shared import Cm
from flask_babel import force_locale, format_date, format_decimal
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from analytics import charts
from analytics.kpi.definitions import KPIS, Unit
from analytics.kpi.report import KPIReport
from workbench.documents.layout import TitlePage, finish, new_document
from workbench.programme_analytics.labels import KPI_FORMULAS, KPI_TITLES

NUMBER_FORMATS = {
    Unit.money: "#,##0.00",
    Unit.ratio: "0.00%",
    Unit.per_member: "0.00",
    Unit.members: "0",
    Unit.points: "0",
}


def kpi_xlsx(report: KPIReport, language: str) -> bytes:
    """Sheet 1: period, group and every KPI (numbers, money to the cent); sheet 2: the formulas."""
    with force_locale(language):
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = _("KPIs")
        sheet.append([_("Period start"), _("Group"), *(str(KPI_TITLES[c]) for c in KPIS)])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in report.rows:
            sheet.append([row.period, row.group, *(row.values[c] for c in KPIS)])
        for column, code in enumerate(KPIS, start=3):
            for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
                cell.number_format = NUMBER_FORMATS[KPIS[code].unit]
        for (cell,) in sheet.iter_rows(min_row=2, min_col=1, max_col=1):
            cell.number_format = "yyyy-mm-dd"
        definitions = book.create_sheet(_("Definitions"))
        definitions.append([_("KPI"), _("Formula")])
        for code, kpi in KPIS.items():
            definitions.append([str(KPI_TITLES[code]), kpi.formula])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(value: Decimal | int | None) -> str:
    """A figure as the document's language writes it, with the places it has: "4 291,50" in
    Russian, "4,291.50" in English."""
    if value is None:
        return "—"
    exponent = Decimal(value).as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return format_decimal(value, format="#,##0" + ("." + "0" * places if places else ""))


def kpi_docx(
    report: KPIReport, language: str, currency: str, *, programme: str = "", client: str = ""
) -> bytes:
    """The programme's KPIs per period with the charts and the formulas; `programme` and
    `client` name it on the title page."""
    from workbench.programme_analytics import charts as page_charts

    with force_locale(language):
        document = new_document()
        first, last = report.rows[0].period, report.rows[-1].period
        document.add_paragraph(
            _(
                "Periods from %(first)s to %(last)s (UTC), by %(unit)s.",
                first=format_date(first),
                last=format_date(last),
                unit=_(report.unit.value),
            )
        )
        shown = ["active_members", "new_members", "retention", "average_check", "net_sales", "liability"]
        document.add_heading(_("Headline figures"), 1)
        table = document.add_table(rows=1, cols=len(shown) + 1)
        table.style = "Table Grid"
        for cell, text in zip(
            table.rows[0].cells, [_("Period start"), *(str(KPI_TITLES[c]) for c in shown)], strict=True
        ):
            cell.paragraphs[0].add_run(text).bold = True
        for row in report.rows:
            cells = table.add_row().cells
            cells[0].text = format_date(row.period, "short")
            for cell, code in zip(cells[1:], shown, strict=True):
                cell.text = _cell(row.values[code])
        for title, figure in (
            (_("Members"), page_charts.members_figure(report)),
            (_("Money"), page_charts.money_figure(report, currency)),
            (_("Points liability"), page_charts.liability_figure(report, currency)),
        ):
            document.add_heading(title, 1)
            document.add_picture(io.BytesIO(charts.png(figure)), width=Cm(17))
        document.add_heading(_("Definitions"), 1)
        for code, kpi in KPIS.items():
            paragraph = document.add_paragraph()
            paragraph.add_run(f"{KPI_TITLES[code]}: ").bold = True
            paragraph.add_run(str(KPI_FORMULAS[code]) if code in KPI_FORMULAS else kpi.formula)
        name = programme or _("Loyalty programme")
        title_page = TitlePage(
            client=client or name,
            project=name,
            title=_("Programme KPI report"),
            version=_("%(first)s to %(last)s", first=format_date(first), last=format_date(last)),
            date=(report.as_of or dt.datetime.now(dt.UTC)).date(),
            status=_("live figures") if report.as_of is None else _("figures of the last refresh"),
        )
        return finish(document, title_page)
