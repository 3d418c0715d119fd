"""Plain, printable PDF documents (register extracts, plans, payout reports) with ReportLab.

Pure Python, no system libraries, so PDFs work on any machine that runs stegvis. A document is
a list of blocks: ``Heading``, ``Paragraph``, ``Table`` and ``KeyValues``, or any ReportLab
flowable (a chart drawing).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.pagesizes import landscape as landscape_size
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, SimpleDocTemplate, Spacer, TableStyle
from reportlab.platypus import Paragraph as RLParagraph
from reportlab.platypus import Table as RLTable

BRAND = colors.HexColor("#17574a")


@dataclass
class Heading:
    text: str
    level: int = 2


@dataclass
class Paragraph:
    text: str


@dataclass
class KeyValues:
    rows: list[tuple[str, str]]


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    widths: list[float] | None = None
    numeric_columns: set[int] = field(default_factory=set)


def _styles():
    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle(
            "t", parent=base["Title"], textColor=BRAND, fontSize=18, alignment=0, spaceAfter=4 * mm
        ),
        1: ParagraphStyle("h1", parent=base["Heading1"], textColor=BRAND, fontSize=15),
        2: ParagraphStyle(
            "h2", parent=base["Heading2"], textColor=BRAND, fontSize=12.5, spaceBefore=5 * mm
        ),
        3: ParagraphStyle("h3", parent=base["Heading3"], fontSize=11),
        "body": ParagraphStyle("b", parent=base["BodyText"], fontSize=10, leading=14),
        "cell": ParagraphStyle("c", parent=base["BodyText"], fontSize=9, leading=12),
        "small": ParagraphStyle("s", parent=base["BodyText"], fontSize=8, textColor=colors.grey),
    }


def _p(text: str, style) -> RLParagraph:
    # The built-in PDF fonts have no thin space: numbers are grouped with a plain one there.
    text = str(text).replace("\u202f", " ")
    return RLParagraph(escape(text).replace("\n", "<br/>"), style)


def render_pdf(
    *, title: str, blocks: list, subtitle: str = "", footer: str = "", landscape: bool = False
) -> bytes:
    styles = _styles()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape_size(A4) if landscape else A4,
        title=title,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        author="stegvis",
    )
    width = doc.width
    story = [_p(title, styles["title"])]
    if subtitle:
        story.append(_p(subtitle, styles["small"]))
        story.append(Spacer(1, 3 * mm))
    for block in blocks:
        if isinstance(block, Heading):
            story.append(_p(block.text, styles[block.level]))
        elif isinstance(block, Paragraph):
            story.append(_p(block.text, styles["body"]))
        elif isinstance(block, KeyValues):
            data = [[_p(k, styles["cell"]), _p(v, styles["cell"])] for k, v in block.rows]
            if data:
                table = RLTable(data, colWidths=[width * 0.35, width * 0.65])
                table.setStyle(
                    TableStyle(
                        [
                            ("VALIGN", (0, 0), (-1, -1), "TOP"),
                            ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey),
                            ("TEXTCOLOR", (0, 0), (0, -1), colors.HexColor("#4a5a5a")),
                        ]
                    )
                )
                story.append(table)
        elif isinstance(block, Table):
            header = [_p(h, styles["cell"]) for h in block.header]
            rows = [[_p(c, styles["cell"]) for c in row] for row in block.rows]
            widths = [width * w for w in block.widths] if block.widths else None
            table = RLTable([header, *rows], colWidths=widths, repeatRows=1)
            style = [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e3f1ec")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey),
            ]
            for column in block.numeric_columns:
                style.append(("ALIGN", (column, 0), (column, -1), "RIGHT"))
            table.setStyle(TableStyle(style))
            story.append(table)
        elif isinstance(block, Flowable):
            story.append(block)  # e.g. a ReportLab chart drawing
        story.append(Spacer(1, 2 * mm))
    if footer:
        story.append(Spacer(1, 6 * mm))
        story.append(_p(footer, styles["small"]))
    doc.build(story)
    return buffer.getvalue()
