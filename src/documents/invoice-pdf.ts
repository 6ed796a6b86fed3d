/**
 * The archived PDF of an issued invoice or credit note: A4, standard Helvetica (WinAnsi covers
 * Spanish accents), the same content as the A4 print view. Pure pdf-lib: runs in workerd and Node.
 * The output depends only on the document (fixed metadata dates), so two generations are identical.
 */
import { degrees, PDFDocument, rgb, StandardFonts, type PDFFont, type PDFImage, type PDFPage } from 'pdf-lib';
import { t } from '../i18n/es-DO';
import { encode } from 'uqr';
import { invoiceModel, type PrintableInvoice, type PrintModel, type PrintStamp } from './model';
import type { InvoiceDocument } from '../queries/documents';

export interface PdfLogo {
  bytes: Uint8Array;
  type: string;
}

const pageSize: [number, number] = [595.28, 841.89];
const margin = 42;
const right = pageSize[0] - margin;
const ink = rgb(0.1, 0.1, 0.12);
const muted = rgb(0.38, 0.4, 0.45);
const rule = rgb(0.78, 0.8, 0.84);

/** WinAnsi specials in 0x80-0x9F that the standard fonts can draw. */
const winAnsiExtras = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');

/** Replaces what the standard fonts cannot encode, so a stray emoji never breaks an invoice. */
export function winAnsiText(value: string): string {
  let out = '';
  for (const char of value.normalize('NFC')) {
    const code = char.codePointAt(0)!;
    if (char === '\t') out += ' ';
    else if ((code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || winAnsiExtras.has(char)) out += char;
    else if (code === 0x2011 || code === 0x2010) out += '-';
    else out += '?';
  }
  return out;
}

/** Greedy word wrap at `width`; words longer than a line are cut. */
function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of winAnsiText(text.replace(/\r\n?/g, '\n')).split('\n')) {
    let line = '';
    for (const word of paragraph.split(/ +/)) {
      const candidate = line ? `${line} ${word}` : word;
      if (font.widthOfTextAtSize(candidate, size) <= width) {
        line = candidate;
        continue;
      }
      if (line) lines.push(line);
      let rest = word;
      while (font.widthOfTextAtSize(rest, size) > width && rest.length > 1) {
        let cut = rest.length - 1;
        while (cut > 1 && font.widthOfTextAtSize(rest.slice(0, cut), size) > width) cut--;
        lines.push(rest.slice(0, cut));
        rest = rest.slice(cut);
      }
      line = rest;
    }
    lines.push(line);
  }
  return lines;
}

interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
}

class Writer {
  page: PDFPage;
  y: number;
  readonly pages: PDFPage[] = [];

  constructor(
    readonly pdf: PDFDocument,
    readonly fonts: Fonts,
  ) {
    this.page = this.addPage();
    this.y = pageSize[1] - margin;
  }

  addPage(): PDFPage {
    const page = this.pdf.addPage(pageSize);
    this.pages.push(page);
    this.page = page;
    this.y = pageSize[1] - margin;
    return page;
  }

  text(
    value: string,
    x: number,
    options: { size?: number; bold?: boolean; color?: ReturnType<typeof rgb>; align?: 'left' | 'right' } = {},
  ) {
    const size = options.size ?? 9;
    const font = options.bold ? this.fonts.bold : this.fonts.regular;
    const safe = winAnsiText(value);
    const drawX = options.align === 'right' ? x - font.widthOfTextAtSize(safe, size) : x;
    this.page.drawText(safe, { x: drawX, y: this.y, size, font, color: options.color ?? ink });
  }

  line(y = this.y) {
    this.page.drawLine({ start: { x: margin, y }, end: { x: right, y }, thickness: 0.6, color: rule });
  }
}

const columns = {
  quantity: margin + 34,
  description: margin + 44,
  descriptionWidth: 236,
  unitPrice: margin + 356,
  discount: margin + 412,
  amount: right - 14,
  exempt: right - 8,
};

function tableHeader(w: Writer) {
  const header = { size: 8, bold: true, color: muted };
  w.text(t('documents.quantity'), columns.quantity, { ...header, align: 'right' });
  w.text(t('documents.description'), columns.description, header);
  w.text(t('documents.unitPrice'), columns.unitPrice, { ...header, align: 'right' });
  w.text(t('documents.discount'), columns.discount, { ...header, align: 'right' });
  w.text(t('documents.amount'), columns.amount, { ...header, align: 'right' });
  w.y -= 5;
  w.line();
  w.y -= 12;
}

function drawHeader(w: Writer, model: PrintModel, logo: PDFImage | null) {
  const top = w.y;
  let textX = margin;
  if (logo) {
    const scaled = logo.scaleToFit(110, 56);
    w.page.drawImage(logo, { x: margin, y: top - scaled.height + 10, width: scaled.width, height: scaled.height });
    textX = margin + scaled.width + 12;
  }
  const company = model.company;
  w.text(company.name, textX, { size: 13, bold: true });
  w.y -= 14;
  const details = [
    company.rnc ? `${t('documents.rnc')}: ${company.rnc}` : null,
    company.address,
    company.phones ? `${t('documents.phones')}: ${company.phones}` : null,
    company.email,
  ].filter((value): value is string => Boolean(value));
  for (const detail of details) {
    for (const line of wrap(detail, w.fonts.regular, 8.5, 250)) {
      w.text(line, textX, { size: 8.5, color: muted });
      w.y -= 11;
    }
  }
  const leftBottom = w.y;
  // Right column: title, NCF, valid-until and dates.
  w.y = top;
  for (const line of wrap(model.title, w.fonts.bold, 12, 220)) {
    w.text(line, right, { size: 12, bold: true, align: 'right' });
    w.y -= 15;
  }
  for (const row of model.meta) {
    w.text(`${row.label}: ${row.value}`, right, { size: row.strong ? 10 : 8.5, bold: row.strong, align: 'right' });
    w.y -= row.strong ? 13 : 11;
  }
  w.y = Math.min(w.y, leftBottom, top - (logo ? 60 : 0)) - 6;
  w.line();
  w.y -= 16;
  for (const row of model.party) {
    w.text(`${row.label}:`, margin, { size: 9, bold: true });
    w.text(row.value, margin + 80, { size: 9 });
    w.y -= 12;
  }
  w.y -= 8;
}

function drawMark(page: PDFPage, mark: string, font: PDFFont) {
  const safe = winAnsiText(mark);
  const size = 34;
  const width = font.widthOfTextAtSize(safe, size);
  page.drawText(safe, {
    x: pageSize[0] / 2 - (width / 2) * Math.cos(Math.PI / 6),
    y: pageSize[1] / 2 - (width / 2) * Math.sin(Math.PI / 6),
    size,
    font,
    color: rgb(0.75, 0.1, 0.1),
    opacity: 0.25,
    rotate: degrees(30),
  });
}

async function embedLogo(pdf: PDFDocument, logo: PdfLogo | null | undefined): Promise<PDFImage | null> {
  if (!logo) return null;
  try {
    if (logo.type === 'image/png') return await pdf.embedPng(logo.bytes);
    if (logo.type === 'image/jpeg') return await pdf.embedJpg(logo.bytes);
  } catch (error) {
    // A logo pdf-lib cannot read (e.g. an interlaced PNG) must not block the fiscal document.
    console.warn(JSON.stringify({ level: 'warn', message: 'logo not embedded in PDF', error: String(error) }));
  }
  return null;
}

/** The e-CF stamp: the QR (30 mm, drawn module by module, no image), the security code, the signature date and DGII's legend while it waits. */
function drawStamp(w: Writer, stamp: PrintStamp): void {
  const side = 85; // ~30 mm
  if (w.y - side < margin + 30) w.addPage();
  const { data } = encode(stamp.qrUrl, { border: 0 });
  const module = side / data.length;
  const top = w.y;
  data.forEach((row, r) => {
    row.forEach((dark, col) => {
      if (dark)
        w.page.drawRectangle({
          x: margin + col * module,
          y: top - (r + 1) * module,
          width: module,
          height: module,
          color: ink,
        });
    });
  });
  const textX = margin + side + 14;
  w.y = top - 20;
  w.text(`${t('documents.ecf.securityCode')}: ${stamp.securityCode}`, textX, { size: 9.5, bold: true });
  w.y -= 14;
  w.text(`${t('documents.ecf.signedAt')}: ${stamp.signedAt}`, textX, { size: 9 });
  if (stamp.legend) {
    w.y -= 14;
    w.text(stamp.legend, textX, { size: 9, bold: true });
  }
  w.y = top - side - 14;
}

/** Renders a print model as an A4 PDF. */
export async function renderPdf(
  model: PrintModel,
  options: { logo?: PdfLogo | null; title: string; date: string },
): Promise<Uint8Array> {
  const pdf = await PDFDocument.create({ updateMetadata: false });
  const fixed = new Date(`${options.date}T12:00:00Z`);
  pdf.setTitle(winAnsiText(options.title), { showInWindowTitleBar: true });
  pdf.setAuthor(winAnsiText(model.company.name));
  pdf.setCreator('OptiFlow');
  pdf.setProducer('OptiFlow');
  pdf.setLanguage('es-DO');
  pdf.setCreationDate(fixed);
  pdf.setModificationDate(fixed);
  const fonts = {
    regular: await pdf.embedFont(StandardFonts.Helvetica),
    bold: await pdf.embedFont(StandardFonts.HelveticaBold),
  };
  const logo = await embedLogo(pdf, options.logo);
  const w = new Writer(pdf, fonts);
  drawHeader(w, model, logo);

  if (model.lines) {
    tableHeader(w);
    for (const line of model.lines) {
      const description = wrap(line.description, fonts.regular, 9, columns.descriptionWidth);
      if (w.y - description.length * 11 < margin + 40) {
        w.addPage();
        tableHeader(w);
      }
      w.text(line.quantity, columns.quantity, { align: 'right' });
      w.text(line.unitPrice, columns.unitPrice, { align: 'right' });
      w.text(line.discount, columns.discount, { align: 'right' });
      w.text(line.amount, columns.amount, { align: 'right' });
      if (line.exempt) w.text(t('documents.exemptMark'), columns.exempt, { bold: true });
      for (const text of description) {
        w.text(text, columns.description);
        w.y -= 11;
      }
      w.y -= 3;
    }
    w.line(w.y + 6);
    w.y -= 10;
  }

  const totalsHeight = model.totals.length * 13 + 10;
  if (w.y - totalsHeight < margin + 30) w.addPage();
  for (const row of model.totals) {
    const size = row.strong ? 10.5 : 9;
    w.text(row.label, right - 130, { size, bold: row.strong, align: 'right' });
    w.text(row.value, right, { size, bold: row.strong, align: 'right' });
    w.y -= row.strong ? 15 : 12;
  }
  w.y -= 10;
  if (model.stamp) drawStamp(w, model.stamp);

  const paragraphs = [...model.notes, ...(model.footer ? [model.footer] : [])];
  for (const paragraph of paragraphs) {
    for (const text of wrap(paragraph, fonts.regular, 8.5, right - margin)) {
      if (w.y < margin + 20) w.addPage();
      w.text(text, margin, { size: 8.5, color: muted });
      w.y -= 11;
    }
    w.y -= 4;
  }

  w.pages.forEach((page, index) => {
    w.page = page;
    w.y = margin - 18;
    w.text(t('documents.page', { page: index + 1, pages: w.pages.length }), right, {
      size: 7.5,
      color: muted,
      align: 'right',
    });
    if (model.mark) drawMark(page, model.mark, fonts.bold);
  });
  return pdf.save();
}

/** The PDF of an issued invoice or credit note. */
export function renderInvoicePdf(doc: PrintableInvoice, logo?: PdfLogo | null): Promise<Uint8Array> {
  const model = invoiceModel(doc);
  return renderPdf(model, {
    logo,
    title: `${model.title} ${doc.ncf ?? ''}`.trim(),
    date: doc.issuedOn ?? doc.createdOn,
  });
}

/** `B0100000005.pdf`; the NCF is [A-Z0-9] only, anything else falls back to the id. */
export function invoicePdfFileName(doc: Pick<InvoiceDocument, 'id' | 'ncf'>): string {
  return `${doc.ncf && /^[A-Z0-9-]+$/.test(doc.ncf) ? doc.ncf : doc.id}.pdf`;
}

/** Where the archived copy lives, under the tenant's R2 prefix. */
export function invoicePdfKey(doc: Pick<InvoiceDocument, 'id' | 'ncf'>): string {
  return `invoices/${doc.id}/${invoicePdfFileName(doc)}`;
}
