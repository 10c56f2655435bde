"""Dashboard (QtCharts), segments (RFM) and data quality, computed in the background."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
    QPieSeries,
)
from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.appeals.results import results_summary
from app.core.chart_scale import euro_label, nice_ticks
from app.core.clock import today
from app.core.contacts.segments import SEGMENTS, DonorScore, SegmentExport, segment_counts
from app.core.gifts.recording import METHOD_TEXT
from app.core.money import format_eur
from app.core.organisation import load_identity
from app.core.quality import Metric, duplicate_ids, quality_report
from app.core.stats import Dashboard
from app.i18n import N_, _, ngettext
from app.models.enums import Channel
from app.operations import dashboard as dashboard_ops
from app.operations.base import Changes
from app.reports.quality_pdf import write_quality_pdf
from app.ui.shell.context import UiContext
from app.ui.shell.errors import show_error

MONTHS = (
    N_("janv."),
    N_("févr."),
    N_("mars"),
    N_("avr."),
    N_("mai"),
    N_("juin"),
    N_("juil."),
    N_("août"),
    N_("sept."),
    N_("oct."),
    N_("nov."),
    N_("déc."),
)


APPEAL_COLUMNS = (
    N_("Appel"),
    N_("Envoyé le"),
    N_("Canal"),
    N_("Sollicités"),
    N_("Réponses"),
    N_("Collecté"),
    N_("Coût pour 1 € collecté"),
)
CHANNEL_TEXT = {Channel.POST: N_("Courrier"), Channel.EMAIL: N_("Courriel")}


def _thanks_line(days: float | None) -> str:
    """The average time between a gift and its thank-you, in words."""
    if days is None:
        return _("Remerciements : aucun don de l'année n'a encore été remercié.")
    return _("Remerciements : en moyenne <b>{days}</b> après le don.").format(
        days=ngettext(N_("{n} jour"), N_("{n} jours"), round(days)).format(n=round(days))
    )


def _euros(cents: int) -> float:
    return cents / 100  # display only (charts); money stays in integer cents elsewhere


class DashboardPage(QWidget):
    """Three tabs: indicators with charts, RFM segments, data quality."""

    def __init__(self, ctx: UiContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.figures: Dashboard | None = None
        self.overview: dashboard_ops.Overview | None = None
        self.scores: list[DonorScore] = []
        self.metrics: list[Metric] = []
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel(f"<h2>{_('Tableau de bord')}</h2>"))
        top.addStretch(1)
        self.year = QSpinBox(minimum=2000, maximum=2100, value=today(ctx.database.clock).year)
        self.year.setPrefix(_("Année "))
        self.year.valueChanged.connect(lambda _v: self.refresh())
        top.addWidget(self.year)
        layout.addLayout(top)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._overview_tab(), _("Indicateurs"))
        self.tabs.addTab(self._segments_tab(), _("Segments"))
        self.tabs.addTab(self._quality_tab(), _("Qualité des données"))
        layout.addWidget(self.tabs, 1)
        self._stale = False
        ctx.events.changes.connect(self._data_changed)
        self.refresh()

    # --- overview --------------------------------------------------------------------

    def _overview_tab(self) -> QWidget:
        tab = QWidget()
        grid = QGridLayout(tab)
        self.kpis = QLabel(_("Calcul en cours…"))
        self.kpis.setObjectName("kpis")
        self.kpis.setWordWrap(True)
        self.kpis.setTextFormat(Qt.TextFormat.RichText)
        grid.addWidget(self.kpis, 0, 0, 1, 2)
        self.months_chart = QChartView()
        self.methods_chart = QChartView()
        for view in (self.months_chart, self.methods_chart):
            view.setRenderHint(QPainter.RenderHint.Antialiasing)
            view.setMinimumSize(280, 260)
        self.kpis.setMinimumWidth(200)
        grid.addWidget(self.months_chart, 1, 0)
        grid.addWidget(self.methods_chart, 1, 1)
        grid.addWidget(self._appeals_box(), 2, 0, 1, 2)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        grid.setRowStretch(1, 1)
        return tab

    def _appeals_box(self) -> QWidget:
        """The last appeals sent: people asked, response rate, amount raised, cost per euro."""
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        self.appeals_title = QLabel(f"<b>{_('Derniers appels')}</b>")
        layout.addWidget(self.appeals_title)
        self.appeals_table = QTableWidget(0, len(APPEAL_COLUMNS))
        self.appeals_table.setObjectName("last_appeals")
        self.appeals_table.setHorizontalHeaderLabels([_(c) for c in APPEAL_COLUMNS])
        self.appeals_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.appeals_table.verticalHeader().setVisible(False)
        self.appeals_table.horizontalHeader().setStretchLastSection(True)
        self.appeals_table.setVisible(False)
        layout.addWidget(self.appeals_table)
        return box

    def _data_changed(self, _changes: Changes) -> None:
        """Recompute now if shown; otherwise when the page is next shown (saves ~1 s per edit)."""
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        """Catch up with changes made while another section was shown."""
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def refresh(self) -> None:
        """Compute the figures in the background, then draw."""
        self._stale = False
        year = self.year.value()
        self.ctx.ops.op(
            lambda op: dashboard_ops.overview(op, year),
            parent=self,
            label=_("Calcul du tableau de bord…"),
            on_success=self._show,
            on_failure=self._failed,
            cancellable=False,
        )

    def _failed(self, exc: BaseException) -> None:
        """The figures could not be computed: say so where they would be, then explain."""
        self.kpis.setText(_("Les indicateurs n'ont pas pu être calculés."))
        show_error(self, exc)

    def _show(self, overview: dashboard_ops.Overview) -> None:
        self.overview = overview
        self.figures, self.scores = overview.figures, list(overview.scores)
        f = self.figures
        c, p = f.current, f.previous
        self.kpis.setText(
            _(
                "{donors} ({prev_donors} en {prev}) — <b>{amount}</b> collectés ({prev_amount} en "
                "{prev}) — don moyen <b>{average}</b>, médian <b>{median}</b><br>"
                "Fidélisation <b>{retention:.0f} %</b> — nouveaux <b>{new}</b>, perdus "
                "<b>{lapsed}</b> — reçus émis "
                "<b>{receipts}</b> ; dons à reçu en attente <b>{pending}</b> ({pending_amount})<br>"
                "Demandes RGPD : <b>{overdue}</b> en retard, <b>{soon}</b> à échéance dans 7 jours"
            ).format(
                donors=ngettext(
                    N_("<b>{n}</b> donateur"), N_("<b>{n}</b> donateurs"), c.donors
                ).format(n=c.donors),
                prev_donors=p.donors,
                prev=p.year,
                amount=format_eur(c.amount_cents),
                prev_amount=format_eur(p.amount_cents),
                average=format_eur(c.average_cents),
                median=format_eur(c.median_cents),
                retention=f.retention_rate * 100,
                new=f.new_donors,
                lapsed=f.lapsed_donors,
                receipts=f.receipts_issued,
                pending=f.to_receipt_gifts,
                pending_amount=format_eur(f.to_receipt_cents),
                overdue=f.requests_overdue,
                soon=f.requests_due_soon,
            )
        )
        if f.members_by_type:
            self.kpis.setText(
                self.kpis.text()
                + "<br>"
                + _("Adhérents {year} : {detail}").format(
                    year=c.year,
                    detail=", ".join(f"{name} <b>{n}</b>" for name, n in f.members_by_type.items()),
                )
            )
        self.kpis.setText(self.kpis.text() + "<br>" + _thanks_line(overview.days_to_thank))
        self._draw_months(c.by_month_cents, p.by_month_cents, c.year, p.year)
        self._draw_methods(f.by_method)
        self._show_appeals(overview.appeals)
        self._show_segments()

    def _show_appeals(self, appeals: tuple[dashboard_ops.SentAppeal, ...]) -> None:
        self.appeals_table.setVisible(bool(appeals))
        self.appeals_title.setText(
            f"<b>{_('Derniers appels')}</b>"
            if appeals
            else _("<b>Derniers appels</b> : aucun appel envoyé pour l'instant.")
        )
        self.appeals_table.setRowCount(len(appeals))
        for row, sent in enumerate(appeals):
            r = sent.results
            cost = r.cost_per_euro_cents
            for column, value in enumerate(
                (
                    r.name,
                    f"{sent.send_on:%d/%m/%Y}",
                    _(CHANNEL_TEXT.get(sent.channel, str(sent.channel))),
                    str(r.total.asked),
                    f"{r.total.response_rate * 100:.1f} %".replace(".", ","),
                    format_eur(r.total.amount_cents),
                    format_eur(cost) if cost is not None else "—",
                )
            ):
                item = QTableWidgetItem(value)
                item.setToolTip("\n".join(results_summary(r)))
                self.appeals_table.setItem(row, column, item)
        self.appeals_table.resizeColumnsToContents()
        header = self.appeals_table.horizontalHeader().height()
        rows = sum(self.appeals_table.rowHeight(i) for i in range(len(appeals)))
        self.appeals_table.setFixedHeight(header + rows + 4)

    def _draw_months(
        self, current: tuple[int, ...], previous: tuple[int, ...], year: int, prev: int
    ) -> None:
        series = QBarSeries()
        for label, values in ((str(prev), previous), (str(year), current)):
            bars = QBarSet(label)
            bars.append([_euros(v) for v in values])
            series.append(bars)
        chart = QChart()
        chart.addSeries(series)
        chart.setTitle(_("Montant collecté par mois (€)"))
        axis_x = QBarCategoryAxis()
        axis_x.append([_(m) for m in MONTHS])
        font = axis_x.labelsFont()  # a notch smaller: "sept." fits a column at 1280 px
        font.setPointSizeF(font.pointSizeF() * 0.85)
        axis_x.setLabelsFont(font)
        ticks = nice_ticks(max((_euros(v) for v in (*current, *previous)), default=0))
        axis_y = QCategoryAxis()  # round ticks labelled "50 000 €", not 158155
        axis_y.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        axis_y.setRange(0, ticks[-1])
        for tick in ticks:
            axis_y.append(euro_label(tick), tick)
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(axis_x)
        series.attachAxis(axis_y)
        self.months_chart.setChart(chart)

    def _draw_methods(self, by_method: dict[str, int]) -> None:
        series = QPieSeries()
        total = sum(by_method.values()) or 1
        for method, cents in sorted(by_method.items(), key=lambda kv: -kv[1]):
            label = _(METHOD_TEXT.get(method, method))
            series.append(f"{label} — {cents * 100 / total:.0f} %", _euros(cents))
        series.setLabelsVisible(False)  # a legend, not labels cut to "Chè..."
        chart = QChart()
        chart.addSeries(series)
        chart.setTitle(_("Répartition par mode de paiement"))
        chart.legend().setVisible(True)
        legend = chart.legend()
        legend.setAlignment(Qt.AlignmentFlag.AlignRight)
        legend.setMinimumWidth(190)  # room for "Carte bancaire — 18 %" beside the pie
        legend_font = legend.font()
        legend_font.setPointSizeF(legend_font.pointSizeF() * 0.9)
        legend.setFont(legend_font)
        self.methods_chart.setChart(chart)

    # --- segments --------------------------------------------------------------------

    def _segments_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        explanation = QLabel(
            _(
                "Segments RFM (récence, fréquence, montant sur 5 ans, en quintiles). Règles : "
                "nouveaux = premier don depuis moins d'un an ; perdus = dernier don il y a plus "
                "de 2 ans ; grands donateurs = 20 % des montants les plus élevés ; fidèles = "
                "fréquence et récence élevées ; à risque = donnaient souvent, plus récemment."
            )
        )
        explanation.setWordWrap(True)
        layout.addWidget(explanation)
        self.segments_table = QTableWidget(0, 2)
        self.segments_table.setHorizontalHeaderLabels([_("Segment"), _("Donateurs")])
        self.segments_table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.segments_table)
        row = QHBoxLayout()
        self.segment_choice = QComboBox()
        for key, label in SEGMENTS.items():
            self.segment_choice.addItem(_(label), key)
        self.channel_choice = QComboBox()
        for channel, label in (
            (Channel.POST, N_("Courrier")),
            (Channel.EMAIL, N_("Courriel")),
            (Channel.PHONE, N_("Téléphone")),
            (Channel.SMS, N_("SMS")),
        ):
            self.channel_choice.addItem(_(label), channel)
        export = QPushButton(_("Exporter le segment…"))
        export.clicked.connect(self.export_segment_dialog)
        for widget in (self.segment_choice, self.channel_choice, export):
            row.addWidget(widget)
        row.addStretch(1)
        layout.addLayout(row)
        self.segment_result = QLabel("")
        layout.addWidget(self.segment_result)
        return tab

    def _show_segments(self) -> None:
        counts = segment_counts(self.scores)
        self.segments_table.setRowCount(len(counts))
        for r, (key, n) in enumerate(counts.items()):
            self.segments_table.setItem(r, 0, QTableWidgetItem(_(SEGMENTS[key])))
            self.segments_table.setItem(r, 1, QTableWidgetItem(str(n)))

    def export_segment_dialog(self) -> None:
        """Ask for a file and export the chosen segment for the chosen channel."""
        path, _filter = QFileDialog.getSaveFileName(
            self,
            _("Exporter le segment"),
            "segment.xlsx",
            _("Classeur Excel (*.xlsx);;CSV (*.csv)"),
        )
        if path:
            self.export_segment(Path(path))

    def export_segment(self, path: Path) -> None:
        """Export, respecting consents, NPAI and restrictions; say what was left out."""
        scores, segment = list(self.scores), self.segment_choice.currentData()
        channel = Channel(self.channel_choice.currentData())
        self.segment_result.setText(_("Export en cours…"))
        self.ctx.ops.op(
            lambda op: dashboard_ops.export_segment(op, scores, segment, channel, path),
            parent=self,
            label=_("Export du segment…"),
            on_success=self._segment_exported,
            on_failure=self._segment_failed,
            cancellable=False,
        )

    def _segment_exported(self, result: SegmentExport) -> None:
        excluded = ", ".join(f"{n} ({reason})" for reason, n in result.excluded.items()) or _(
            "aucun"
        )
        self.segment_result.setText(
            _("{n} contacts exportés ; exclus : {excluded}.").format(
                n=result.written, excluded=excluded
            )
        )

    def _segment_failed(self, exc: BaseException) -> None:
        self.segment_result.setText(_("Export impossible : aucun fichier écrit."))
        show_error(self, exc)

    # --- quality ---------------------------------------------------------------------

    def _quality_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        row = QHBoxLayout()
        compute = QPushButton(_("Analyser la qualité"))
        compute.clicked.connect(lambda: self.compute_quality(with_duplicates=False))
        with_dups = QPushButton(_("Analyser avec les doublons (plus long)"))
        with_dups.clicked.connect(lambda: self.compute_quality(with_duplicates=True))
        pdf = QPushButton(_("Rapport PDF…"))
        pdf.clicked.connect(self.quality_pdf_dialog)
        for widget in (compute, with_dups, pdf):
            row.addWidget(widget)
        row.addStretch(1)
        layout.addLayout(row)
        self.quality_table = QTableWidget(0, 3)
        self.quality_table.setHorizontalHeaderLabels([_("Indicateur"), _("Contacts"), _("Part")])
        self.quality_table.horizontalHeader().setStretchLastSection(True)
        self.quality_table.cellDoubleClicked.connect(lambda r, _c: self.show_metric(r))
        layout.addWidget(self.quality_table)
        layout.addWidget(
            QLabel(_("Double-cliquez un indicateur pour voir les contacts concernés."))
        )
        return tab

    def compute_quality(self, *, with_duplicates: bool) -> None:
        """Compute the metrics in the background."""
        self.ctx.ops.query(
            lambda session: quality_report(
                session, duplicates=duplicate_ids if with_duplicates else None
            ),
            parent=self,
            label=_("Analyse de la qualité…"),
            on_success=self._show_quality,
        )

    def _show_quality(self, metrics: list[Metric]) -> None:
        self.metrics = metrics
        self.quality_table.setRowCount(len(metrics))
        for r, metric in enumerate(metrics):
            for c, value in enumerate(
                (_(metric.label), str(metric.count), f"{metric.share * 100:.1f} %")
            ):
                self.quality_table.setItem(r, c, QTableWidgetItem(value))
        self.quality_table.resizeColumnsToContents()

    def show_metric(self, row: int) -> QDialog | None:
        """The contacts behind a metric, with a button to open them in the contact list."""
        if not 0 <= row < len(self.metrics):
            return None
        metric = self.metrics[row]
        dialog = QDialog(self)
        dialog.setWindowTitle(_(metric.label))
        layout = QVBoxLayout(dialog)
        listing = QListWidget()
        listing.setObjectName("metric_contacts")
        self.ctx.ops.op(
            lambda op: dashboard_ops.metric_contacts(op, metric.contact_ids),
            parent=dialog,
            label=_("Lecture des contacts…"),
            on_success=lambda rows: listing.addItems(
                [f"{c.name} — {c.postcode} {c.city}" for c in rows]
            ),
            cancellable=False,
        )
        layout.addWidget(QLabel(_("{n} contacts (500 premiers affichés)").format(n=metric.count)))
        layout.addWidget(listing)
        open_all = QPushButton(_("Ouvrir dans la liste des contacts"))

        def open_all_contacts() -> None:
            dialog.accept()
            self.ctx.navigate(
                "contacts",
                contact_ids=list(metric.contact_ids),
                origin=_("le tableau de bord ({metric})").format(metric=_(metric.label)),
            )

        open_all.clicked.connect(open_all_contacts)
        layout.addWidget(open_all)
        dialog.open()
        return dialog

    def quality_pdf_dialog(self) -> None:
        """Save the printable report."""
        path, _filter = QFileDialog.getSaveFileName(
            self, _("Rapport qualité"), "qualite.pdf", "PDF (*.pdf)"
        )
        if path:
            metrics = list(self.metrics)
            self.ctx.ops.query(
                lambda session: write_quality_pdf(Path(path), load_identity(session).name, metrics),
                parent=self,
                label=_("Rapport qualité…"),
            )
