/**
 * A customer statement as an A4 PDF: standard Helvetica (WinAnsi), the same content as the print
 * view. Pure pdf-lib (workerd and Node). Its size is bounded by the statement's line limit
 * (statementLineLimit lines: about 12 pages), so it is made well inside a Worker request's CPU time.
 */
import { PDFDocument, rgb, StandardFonts, type PDFFont, type PDFPage } from 'pdf-lib';
import { formatDate } from '../domain/dates';
import { formatMoney } from '../domain/money';
import { formatIdentification } from '../domain/tax-id';
import { t, type MessageKey } from '../i18n/es-DO';
import type { CompanyInfo } from '../queries/invoices';
import type { StatementCurrency, StatementMovement } from '../queries/receivables';
import { winAnsiText } from './invoice-pdf';

const pageSize: [number, number] = [595.28, 841.89];
const margin = 42;
const right = pageSize[0] - margin;
const ink = rgb(0.1, 0.1, 0.12);
const muted = rgb(0.38, 0.4, 0.45);
const rule = rgb(0.78, 0.8, 0.84);

export interface StatementPdfInput {
  company: CompanyInfo;
  contact: { name: string; idType: string | null; idNumber: string | null };
  from: string;
  to: string;
  currencies: StatementCurrency[];
  lines: StatementMovement[];
  truncated: boolean;
  limit: number;
}

const columns = {
  date: margin,
  document: margin + 58,
  description: margin + 150,
  charge: right - 150,
  credit: right - 75,
  balance: right,
};

const money = (value: string, currency: string) => formatMoney(value, currency === 'DOP' ? 'RD$' : currency);

export async function renderStatementPdf(input: StatementPdfInput): Promise<Uint8Array> {
  const pdf = await PDFDocument.create({ updateMetadata: false });
  const fixed = new Date(`${input.to}T12:00:00Z`);
  pdf.setTitle(winAnsiText(`${t('statement.title')} ${input.contact.name}`), { showInWindowTitleBar: true });
  pdf.setAuthor(winAnsiText(input.company.name));
  pdf.setCreator('OptiFlow');
  pdf.setProducer('OptiFlow');
  pdf.setLanguage('es-DO');
  pdf.setCreationDate(fixed);
  pdf.setModificationDate(fixed);
  const regular = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const pages: PDFPage[] = [];
  let page = pdf.addPage(pageSize);
  pages.push(page);
  let y = pageSize[1] - margin;

  const text = (
    value: string,
    x: number,
    options: { size?: number; font?: PDFFont; muted?: boolean; right?: boolean } = {},
  ) => {
    const size = options.size ?? 8.5;
    const font = options.font ?? regular;
    let safe = winAnsiText(value);
    const room = options.right ? Number.POSITIVE_INFINITY : right - x;
    while (safe.length > 1 && font.widthOfTextAtSize(safe, size) > room) safe = safe.slice(0, -1);
    const drawX = options.right ? x - font.widthOfTextAtSize(safe, size) : x;
    page.drawText(safe, { x: drawX, y, size, font, color: options.muted ? muted : ink });
  };
  const line = () => page.drawLine({ start: { x: margin, y }, end: { x: right, y }, thickness: 0.6, color: rule });
  const newPage = () => {
    page = pdf.addPage(pageSize);
    pages.push(page);
    y = pageSize[1] - margin;
  };
  const header = () => {
    const style = { size: 7.5, font: bold, muted: true };
    text(t('statement.date'), columns.date, style);
    text(t('statement.document'), columns.document, style);
    text(t('statement.description'), columns.description, style);
    text(t('statement.charge'), columns.charge, { ...style, right: true });
    text(t('statement.creditColumn'), columns.credit, { ...style, right: true });
    text(t('statement.balance'), columns.balance, { ...style, right: true });
    y -= 5;
    line();
    y -= 11;
  };
  const room = (needed: number) => {
    if (y - needed < margin + 20) {
      newPage();
      header();
    }
  };

  text(input.company.name, margin, { size: 12, font: bold });
  text(t('statement.title'), right, { size: 14, font: bold, right: true });
  y -= 14;
  if (input.company.rnc) text(`${t('documents.rnc')}: ${input.company.rnc}`, margin, { muted: true });
  text(t('statement.period', { from: formatDate(input.from), to: formatDate(input.to) }), right, { right: true });
  y -= 12;
  if (input.company.address) {
    text(input.company.address, margin, { muted: true });
    y -= 12;
  }
  y -= 8;
  text(`${t('receivables.customer')}: ${input.contact.name}`, margin, { size: 10, font: bold });
  y -= 12;
  if (input.contact.idNumber) {
    text(`${t('documents.buyerId')}: ${formatIdentification(input.contact.idType, input.contact.idNumber)}`, margin);
    y -= 12;
  }
  y -= 8;
  if (input.currencies.length === 0) text(t('statement.none'), margin);
  for (const currency of input.currencies) {
    const amount = (value: string) => money(value, currency.currencyCode);
    room(60);
    if (input.currencies.length > 1) {
      text(t('statement.currency', { currency: currency.currencyCode }), margin, { size: 10, font: bold });
      y -= 14;
    }
    header();
    text(formatDate(input.from), columns.date);
    text(t('statement.opening'), columns.description, { font: bold });
    text(amount(currency.opening), columns.balance, { right: true });
    y -= 12;
    for (const movement of input.lines.filter((row) => row.currencyCode === currency.currencyCode)) {
      room(12);
      const kind = t(`statement.kind.${movement.kind}` as MessageKey);
      text(formatDate(movement.on), columns.date);
      text(movement.document ?? '-', columns.document);
      text(movement.detail ? `${kind} · ${movement.detail}` : kind, columns.description);
      if (movement.charge !== '0.00') text(amount(movement.charge), columns.charge, { right: true });
      if (movement.credit !== '0.00') text(amount(movement.credit), columns.credit, { right: true });
      text(amount(movement.balance), columns.balance, { right: true });
      y -= 12;
    }
    room(20);
    y += 4;
    line();
    y -= 12;
    text(formatDate(input.to), columns.date);
    text(t('statement.closing'), columns.description, { font: bold });
    text(amount(currency.closing), columns.balance, { font: bold, right: true });
    y -= 24;
  }
  if (input.truncated) {
    room(14);
    text(t('statement.truncated', { limit: input.limit }), margin, { muted: true });
  }
  pages.forEach((each, index) => {
    page = each;
    y = margin - 18;
    text(t('statement.page', { page: index + 1, pages: pages.length }), right, { size: 7.5, muted: true, right: true });
  });
  return pdf.save();
}

export function statementPdfFileName(contactName: string, to: string): string {
  const slug = contactName
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40);
  return `estado-de-cuenta-${slug || 'cliente'}-${to}.pdf`;
}
