"""Word documents as WordprocessingML written straight into python-docx's parts; nothing here knows about reports.

python-docx is slow where it looks things up per call (styles by name, a table's cells by index), so paragraphs,
runs and tables are built as elements, with style ids looked up once. The same calls always give the same bytes:
see deterministic_zip.
"""
from __future__ import annotations

import io
import itertools
import re
import zipfile
from typing import Iterable

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.shared import RGBColor, Twips
from lxml.etree import SubElement

HEADER_FILL = "F3F2F1"  # header cells' shading
LINK_COLOUR = "1D4F91"
ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)

# Characters XML 1.0 cannot hold (pasted text sometimes carries them); tab and newline are handled as Word's own.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

W_P, W_PPR, W_PSTYLE, W_R, W_RPR, W_T = qn("w:p"), qn("w:pPr"), qn("w:pStyle"), qn("w:r"), qn("w:rPr"), qn("w:t")
W_TAB, W_BR, W_B, W_I, W_SZ, W_RFONTS = qn("w:tab"), qn("w:br"), qn("w:b"), qn("w:i"), qn("w:sz"), qn("w:rFonts")
W_VAL, W_W, W_TYPE, W_ID, W_NAME = qn("w:val"), qn("w:w"), qn("w:type"), qn("w:id"), qn("w:name")
W_TBL, W_TBLPR, W_TBLGRID, W_GRIDCOL, W_TR, W_TRPR = (
    qn("w:tbl"), qn("w:tblPr"), qn("w:tblGrid"), qn("w:gridCol"), qn("w:tr"), qn("w:trPr"),
)
W_TC, W_TCPR, W_TCW, W_SHD = qn("w:tc"), qn("w:tcPr"), qn("w:tcW"), qn("w:shd")
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def xml_text(text: str | None) -> str:
    """`text` with Word's line ends and without what XML cannot hold."""
    return _NOT_XML.sub("", (text or "").replace("\r\n", "\n").replace("\r", "\n"))


# ---------------------------------------------------------------------------------------------------------------
# Paragraphs and runs


def add_paragraph(parent, style_id=None, keep_next=False, page_break=False, spacing_before=None, spacing_after=None,
                  indent=None):
    p = SubElement(parent, W_P)
    if style_id or keep_next or page_break or spacing_before is not None or spacing_after is not None or indent:
        ppr = SubElement(p, W_PPR)  # children in the schema's order
        if style_id:
            SubElement(ppr, W_PSTYLE).set(W_VAL, style_id)
        if keep_next:
            SubElement(ppr, qn("w:keepNext"))
        if page_break:
            SubElement(ppr, qn("w:pageBreakBefore"))
        if spacing_before is not None or spacing_after is not None:
            spacing = SubElement(ppr, qn("w:spacing"))
            if spacing_before is not None:
                spacing.set(qn("w:before"), str(spacing_before))
            if spacing_after is not None:
                spacing.set(qn("w:after"), str(spacing_after))
        if indent:
            SubElement(ppr, qn("w:ind")).set(qn("w:left"), str(indent))
    return p


def add_run(parent, text: str, bold=False, italic=False, size=None, font=None, link=False):
    """One run of literal text; tabs and line breaks become Word's own."""
    r = SubElement(parent, W_R)
    if bold or italic or size or font or link:
        rpr = SubElement(r, W_RPR)
        if font:
            fonts = SubElement(rpr, W_RFONTS)
            fonts.set(qn("w:ascii"), font)
            fonts.set(qn("w:hAnsi"), font)
        if bold:
            SubElement(rpr, W_B)
        if italic:
            SubElement(rpr, W_I)
        if link:
            SubElement(rpr, qn("w:color")).set(W_VAL, LINK_COLOUR)
        if size:
            SubElement(rpr, W_SZ).set(W_VAL, str(size))
        if link:
            SubElement(rpr, qn("w:u")).set(W_VAL, "single")
    for number, line in enumerate(xml_text(text).split("\n")):
        if number:
            SubElement(r, W_BR)
        for index, piece in enumerate(line.split("\t")):
            if index:
                SubElement(r, W_TAB)
            if piece:
                t = SubElement(r, W_T)
                t.text = piece
                if piece[0] == " " or piece[-1] == " ":
                    t.set(XML_SPACE, "preserve")
    return r


def add_field(p, instruction: str) -> None:
    """A complex field (begin, instruction, separate, cached result, end): Word updates it on layout."""
    for kind, text in (("begin", None), (None, f" {instruction} \\* MERGEFORMAT "), ("separate", None), (None, "1"),
                       ("end", None)):
        r = SubElement(p, W_R)
        if kind:
            SubElement(r, qn("w:fldChar")).set(qn("w:fldCharType"), kind)
        elif text == "1":
            SubElement(r, W_T).text = text
        else:
            instr = SubElement(r, qn("w:instrText"))
            instr.set(XML_SPACE, "preserve")
            instr.text = text


# ---------------------------------------------------------------------------------------------------------------
# The body


class Cell:
    """A table cell's content other than a plain string: its shading (hex RRGGBB, or None) and its paragraphs."""

    __slots__ = ()
    fill: str | None = None

    def write(self, body: Body, tc) -> None:
        raise NotImplementedError


class Text(Cell):
    """A cell of one run of text."""

    __slots__ = ("text", "bold", "fill")

    def __init__(self, text: str, bold: bool = False, fill: str | None = None):
        self.text, self.bold, self.fill = text, bold, fill

    def write(self, body: Body, tc) -> None:
        add_run(add_paragraph(tc), self.text, bold=self.bold)


def row_header(text: str) -> Text:
    """A row's label cell, bold and shaded as the header row is."""
    return Text(text, bold=True, fill=HEADER_FILL)


class Body:
    """Writes paragraphs and tables into a document's body, in order."""

    def __init__(self, document):
        self.element = document.element.body
        self._sect_pr = self.element[-1]  # the body's closing w:sectPr: close() puts it back after the content
        self._styles = document.styles
        self._style_ids: dict[str, str] = {}
        self._bookmarks = itertools.count(1)

    def style_id(self, name: str) -> str:
        if name not in self._style_ids:
            self._style_ids[name] = self._styles[name].style_id
        return self._style_ids[name]

    def paragraph(self, text: str, style: str | None = None, bold=False, italic=False, size=None, keep_next=False):
        p = add_paragraph(self.element, self.style_id(style) if style else None, keep_next=keep_next)
        add_run(p, text, bold=bold, italic=italic, size=size)
        return p

    def heading(self, level: int, text: str, anchor: str | None = None, page_break: bool = False) -> None:
        """A "Heading N" paragraph; with `anchor`, bookmarked so that link() can point at it."""
        p = add_paragraph(self.element, self.style_id(f"Heading {level}"), page_break=page_break)
        if anchor:
            bookmark = str(next(self._bookmarks))
            start = SubElement(p, qn("w:bookmarkStart"))
            start.set(W_ID, bookmark)
            start.set(W_NAME, anchor)
            add_run(p, text)
            SubElement(p, qn("w:bookmarkEnd")).set(W_ID, bookmark)
        else:
            add_run(p, text)

    def link(self, text: str, anchor: str, indent=None, spacing_after=None) -> None:
        """A paragraph that links to a bookmark in the document."""
        p = add_paragraph(self.element, indent=indent, spacing_after=spacing_after)
        link = SubElement(p, qn("w:hyperlink"))
        link.set(qn("w:anchor"), anchor)
        link.set(qn("w:history"), "1")
        add_run(link, text, link=True)

    def table(self, caption: str, widths: list[int], header: list[str] | None, rows: Iterable[list]) -> None:
        """A fixed-width table (twips) with a caption for screen readers. The header row repeats on each page;
        without one, the first column is the rows' headers. Rows do not split across pages. A cell is a string or
        a Cell."""
        if self.element[-1].tag == W_TBL:
            add_paragraph(self.element, spacing_after=0)  # Word joins tables that touch; keep each one its own
        tbl = SubElement(self.element, W_TBL)
        tbl_pr = SubElement(tbl, W_TBLPR)
        SubElement(tbl_pr, qn("w:tblStyle")).set(W_VAL, self.style_id("Table Grid"))
        tbl_w = SubElement(tbl_pr, qn("w:tblW"))
        tbl_w.set(W_W, str(sum(widths)))
        tbl_w.set(W_TYPE, "dxa")
        SubElement(tbl_pr, qn("w:tblLayout")).set(W_TYPE, "fixed")
        look = SubElement(tbl_pr, qn("w:tblLook"))
        look.set(W_VAL, "04A0" if header else "0480")
        look.set(qn("w:firstRow"), "1" if header else "0")
        look.set(qn("w:lastRow"), "0")
        look.set(qn("w:firstColumn"), "0" if header else "1")
        look.set(qn("w:lastColumn"), "0")
        look.set(qn("w:noHBand"), "1")
        look.set(qn("w:noVBand"), "1")
        SubElement(tbl_pr, qn("w:tblCaption")).set(W_VAL, xml_text(caption))
        grid = SubElement(tbl, W_TBLGRID)
        for width in widths:
            SubElement(grid, W_GRIDCOL).set(W_W, str(width))
        if header:
            tr = _tr(tbl, header=True)
            for width, text in zip(widths, header):
                self._cell(tr, width, Text(text, bold=True, fill=HEADER_FILL))
        for row in rows:
            tr = _tr(tbl, header=False)
            for width, value in zip(widths, row):
                self._cell(tr, width, value)

    def close(self) -> None:
        """Ends the body as Word expects: with a paragraph, not a table, then the section properties."""
        if self.element[-1].tag == W_TBL:
            add_paragraph(self.element)
        self.element.append(self._sect_pr)

    def _cell(self, tr, width: int, value: str | Cell) -> None:
        if isinstance(value, str):
            add_run(add_paragraph(_tc(tr, width, None)), value)
            return
        tc = _tc(tr, width, value.fill)
        value.write(self, tc)
        if tc.find(W_P) is None:
            add_paragraph(tc)  # every cell needs a paragraph


def _tr(tbl, header: bool):
    tr = SubElement(tbl, W_TR)
    tr_pr = SubElement(tr, W_TRPR)
    SubElement(tr_pr, qn("w:cantSplit"))
    if header:
        SubElement(tr_pr, qn("w:tblHeader"))
    return tr


def _tc(tr, width: int, fill: str | None):
    tc = SubElement(tr, W_TC)
    tc_pr = SubElement(tc, W_TCPR)
    tc_w = SubElement(tc_pr, W_TCW)
    tc_w.set(W_W, str(width))
    tc_w.set(W_TYPE, "dxa")
    if fill:
        shd = SubElement(tc_pr, W_SHD)
        shd.set(W_VAL, "clear")
        shd.set(qn("w:color"), "auto")
        shd.set(qn("w:fill"), fill)
    return tc


# ---------------------------------------------------------------------------------------------------------------
# Page, styles, properties, package


def set_page(section, width: int, height: int, margin: int, header_distance: int) -> None:
    """The section's page size, equal margins and header/footer distance, all in twips."""
    section.page_width, section.page_height = Twips(width), Twips(height)
    section.left_margin = section.right_margin = Twips(margin)
    section.top_margin = section.bottom_margin = Twips(margin)
    section.header_distance = section.footer_distance = Twips(header_distance)


def set_header(section, text: str, bold_line: str | None = None) -> None:
    """The section's own header: `text`, then `bold_line` as a second paragraph if given."""
    header = section.header
    header.is_linked_to_previous = False
    first = header.paragraphs[0]
    first.text = xml_text(text)
    if bold_line:
        header.add_paragraph(style=first.style).add_run(xml_text(bold_line)).bold = True


def set_page_numbers(section) -> None:
    """The section's own footer: "Page N of M", centred."""
    footer = section.footer
    footer.is_linked_to_previous = False
    p = footer.paragraphs[0]._p
    ppr = p.get_or_add_pPr()
    SubElement(ppr, qn("w:jc")).set(W_VAL, "center")
    add_run(p, "Page ")
    add_field(p, "PAGE")
    add_run(p, " of ")
    add_field(p, "NUMPAGES")


def set_style_colour(document, style_names, colour: str) -> None:
    """The font colour (hex RRGGBB) of these styles."""
    styles = document.styles
    for name in style_names:
        styles[name].font.color.rgb = RGBColor.from_string(colour)


def set_language(document, language: str) -> None:
    """The document's default proofing language (python-docx's template says en-US)."""
    for lang in document.styles.element.iter(qn("w:lang")):
        lang.set(W_VAL, language)
        lang.set(qn("w:eastAsia"), language)
        break


def set_core_properties(document, *, title, subject, author, category, keywords, language, revision, status,
                        comments, stamp) -> None:
    """Every core property python-docx would otherwise fill with its own name or "now". Set in this order: the
    package lists them in the order they are first set."""
    props = document.core_properties
    props.title = xml_text(title)
    props.subject = subject
    props.author = author
    props.last_modified_by = author
    props.category = category
    props.keywords = keywords
    props.language = language
    props.revision = revision
    props.content_status = status
    props.comments = comments
    props.created = props.modified = stamp


def deterministic_zip(document) -> bytes:
    """The document's package, the same bytes for the same document: no thumbnail, fixed zip timestamps."""
    # The template's thumbnail is a picture of an empty page: leave it out.
    package = document.part.package
    for rid, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            package.rels.pop(rid)
            getattr(package.rels, "_target_parts_by_rId", {}).pop(rid, None)
    raw = io.BytesIO()
    document.save(raw)
    # python-docx stamps each zip entry with the current time; rewrite them with a fixed one.
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIMESTAMP)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()
