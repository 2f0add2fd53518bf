"""The committee pack on paper: a print stylesheet (A4, margins, page breaks) for the HTML, and the HTML turned
into an A4 PDF with WeasyPrint (pure Python over the system's Pango; no browser, no network).

`PRINT_CSS` is put into every HTML the batch writes (so printing from a browser gives the same pages) and
`html_to_pdf(html_path, pdf_path)` writes the PDF; any notebook-made report can use both.
"""

from __future__ import annotations

import logging
from pathlib import Path

from cpanalysis.errors import InputError

# Print rules. Body text 10pt, table text 9pt, sources 8.5pt; a section (h1) starts a new page; a heading is kept
# with what follows; no break inside a table row, a chart or a scorecard row; table headers repeat on each page.
# The scorecard (the widest table) gets a landscape page of its own so every column shows.
PRINT_CSS = """
@page { size: A4; margin: 16mm 14mm 18mm 14mm;
        @bottom-right { content: "Page " counter(page) " of " counter(pages); font: 8.5pt Arial, sans-serif; } }
@page landscape { size: A4 landscape; margin: 12mm 12mm 14mm 12mm; }
@media print {
  html, body { background: #fff !important; }
  body { font-family: Arial, Helvetica, sans-serif; font-size: 10pt; line-height: 1.35; margin: 0; padding: 0; }
  .jp-Notebook, main { padding: 0 !important; margin: 0 !important; }
  /* the notebook theme lays cells out as flex boxes, inside which no page can break: plain blocks on paper */
  .jp-Cell, .jp-Cell-inputWrapper, .jp-Cell-outputWrapper, .jp-InputArea, .jp-OutputArea, .jp-OutputArea-child,
  .jp-OutputArea-output, .jp-RenderedHTMLCommon, .jp-MarkdownOutput, .jp-RenderedHTML, .jp-InputArea-editor {
    display: block !important; padding: 0 !important; margin: 0 !important; overflow: visible !important;
    max-width: 100% !important; width: auto !important; }
  .jp-InputPrompt, .jp-OutputPrompt, .jp-Collapser { display: none !important; }
  .jp-RenderedHTMLCommon, .jp-RenderedMarkdown, .jp-RenderedText, .jp-RenderedHTMLCommon p {
    font-size: 10pt !important; padding-right: 0 !important; }
  .jp-RenderedHTMLCommon p, .jp-RenderedHTMLCommon li { margin: 0 0 4pt 0; }
  h1 { font-size: 17pt !important; break-before: page; margin-top: 0 !important; }
  .cp-pack-title h1, h1.cp-first { break-before: avoid; }
  h2 { font-size: 13pt !important; margin: 10pt 0 4pt 0 !important; }
  h3 { font-size: 11pt !important; }
  h1, h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
  /* a heading or definition stays with the table or chart under it; outputs may split across pages (the
     notebook theme keeps each output whole, which left headings alone at the foot of a page) */
  .jp-MarkdownCell { break-after: avoid; page-break-after: avoid; }
  .jp-OutputArea-child { break-inside: auto !important; page-break-inside: auto !important; }
  table { border-collapse: collapse; font-size: 9pt !important; width: auto; max-width: 100%;
          table-layout: auto; margin: 2pt 0 8pt 0 !important; }
  .jp-RenderedHTMLCommon table, table { table-layout: auto !important; }
  td, th { white-space: normal; overflow-wrap: break-word; }
  .jp-RenderedHTMLCommon table, .jp-RenderedHTMLCommon td, .jp-RenderedHTMLCommon th {
    font-size: 9pt !important; padding: 2pt 4pt !important; }
  thead { display: table-header-group; }
  tr, img, svg, figure, .jp-RenderedImage { break-inside: avoid; page-break-inside: avoid; }
  img { max-width: 100% !important; height: auto !important; max-height: 200mm; }
  pre, .jp-RenderedText pre { white-space: pre-wrap; font-size: 9pt !important; }
  .cp-scorecard-page { page: landscape; break-before: page; }
  .cp-scorecard { font-size: 8.5pt !important; width: 100% !important; max-width: none !important; }
  .jp-RenderedHTMLCommon .cp-scorecard td, .jp-RenderedHTMLCommon .cp-scorecard th { text-align: left; }
  .jp-RenderedHTMLCommon .cp-scorecard td:nth-child(2) { width: 50mm; }
  .jp-RenderedHTMLCommon .cp-scorecard td:last-child { width: 45mm; }
  .cp-scorecard td, .cp-scorecard th { padding: 2pt 3pt !important; font-size: 8.5pt !important; }
  .cp-key, .cp-source { font-size: 8.5pt !important; }
  .cp-incomplete { border: 2pt solid #c0261d; padding: 6pt; }
  a { color: inherit; text-decoration: none; }
}
"""


def html_to_pdf(html_path: str | Path, pdf_path: str | Path) -> Path:
    """Write `pdf_path` from a self-contained HTML file (images embedded), laid out on A4 by the HTML's print
    stylesheet. Nothing is fetched from the network: a reference to anything outside the file is left out."""
    import weasyprint

    html_path, pdf_path = Path(html_path), Path(pdf_path)
    if not html_path.exists():
        raise InputError(f"{html_path}: no such HTML file to print")

    for name in ("weasyprint", "fontTools"):  # unsupported screen CSS of the notebook theme: not a reader's concern
        logging.getLogger(name).setLevel(logging.ERROR)
    doc = weasyprint.HTML(
        filename=str(html_path), url_fetcher=weasyprint.URLFetcher(allowed_protocols=("data",)), media_type="print"
    )
    doc.write_pdf(str(pdf_path))
    return pdf_path
