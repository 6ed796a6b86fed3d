/**
 * Message templates: `{{variables}}` per event, rendering, and the quiet-hours arithmetic in shop
 * time (America/Santo_Domingo, UTC-4 all year: the Dominican Republic keeps no daylight saving).
 */

export const messageEvents = [
  'quotation.shared',
  'invoice.issued',
  'payment.received',
  'lab_order.stage_entered',
  'lab_order.overdue',
  'recall.due',
  'fiscal.range_low',
  'ecf.certificate_expiring',
] as const;
export type MessageEvent = (typeof messageEvents)[number];

/** Events whose messages go to the shop's owner rather than to a customer. */
export const ownerEvents: readonly MessageEvent[] = ['fiscal.range_low', 'ecf.certificate_expiring'];

const shopVariables = ['tienda.nombre', 'tienda.telefono'] as const;
const customerVariables = ['cliente.nombre', ...shopVariables] as const;

/** The variables a template of each event may use. */
export const eventVariables: Record<MessageEvent, readonly string[]> = {
  'quotation.shared': [...customerVariables, 'cotizacion.numero', 'cotizacion.total', 'enlace'],
  'invoice.issued': [...customerVariables, 'factura.numero', 'factura.total', 'enlace'],
  'payment.received': [...customerVariables, 'pago.numero', 'pago.monto', 'factura.numero', 'factura.pendiente'],
  'lab_order.stage_entered': [...customerVariables, 'orden.numero', 'orden.etapa', 'enlace'],
  'lab_order.overdue': [...customerVariables, 'orden.numero', 'orden.etapa', 'orden.prometida'],
  'recall.due': [...customerVariables, 'cita.fecha', 'dias'],
  'fiscal.range_low': [...shopVariables, 'secuencia.tipo', 'secuencia.restantes'],
  'ecf.certificate_expiring': [...shopVariables, 'certificado.vence', 'dias'],
};

/** Sample values for previews and test sends. */
export const sampleVariables: Record<string, string> = {
  'cliente.nombre': 'María Pérez',
  'tienda.nombre': 'Óptica Demo',
  'tienda.telefono': '809-555-0100',
  'cotizacion.numero': 'COT-000012',
  'cotizacion.total': 'RD$ 8,500.00',
  'factura.numero': 'B0200000123',
  'factura.total': 'RD$ 12,300.00',
  'factura.pendiente': 'RD$ 4,300.00',
  'pago.numero': 'REC-000045',
  'pago.monto': 'RD$ 8,000.00',
  'orden.numero': 'LAB-000123',
  'orden.etapa': 'Listo para entregar',
  'orden.prometida': '2026-12-10',
  'cita.fecha': '2027-01-15',
  dias: '7',
  'secuencia.tipo': 'B02',
  'secuencia.restantes': '50',
  'certificado.vence': '2027-01-31',
  enlace: 'https://demo.optiflow.do/s/ejemplo',
};

const variablePattern = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** The variable names a text uses, in order of first use. */
export function templateVariables(text: string): string[] {
  const names: string[] = [];
  for (const match of text.matchAll(variablePattern)) {
    const name = match[1]!;
    if (!names.includes(name)) names.push(name);
  }
  return names;
}

/** The variables of a text that its event does not offer (a template using them is refused). */
export function unknownVariables(event: MessageEvent, text: string): string[] {
  const known = eventVariables[event];
  return templateVariables(text).filter((name) => !known.includes(name));
}

/** Fills `{{variables}}`; a variable without a value renders empty. */
export function renderTemplate(text: string, values: Record<string, string | null | undefined>): string {
  return text.replace(variablePattern, (_match, name: string) => values[name] ?? '');
}

export function isMessageEvent(value: string): value is MessageEvent {
  return (messageEvents as readonly string[]).includes(value);
}

const shopOffsetMinutes = -4 * 60;
const dayMinutes = 24 * 60;

/** 'HH:MM' or 'HH:MM:SS' as minutes after midnight, or null. */
export function clockMinutes(value: string | null | undefined): number | null {
  const match = /^(\d{2}):(\d{2})(?::\d{2})?$/.exec(value ?? '');
  if (!match) return null;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (hours > 23 || minutes > 59) return null;
  return hours * 60 + minutes;
}

/**
 * When a message created at `now` may be sent: null when `now` is outside the shop's quiet hours
 * (or there are none), else the moment they end in shop time. A window may cross midnight
 * (22:00-07:00); equal start and end mean no quiet hours.
 */
export function quietHoursEnd(now: Date, start: string | null, end: string | null): Date | null {
  const from = clockMinutes(start);
  const to = clockMinutes(end);
  if (from === null || to === null || from === to) return null;
  const localMs = now.getTime() + shopOffsetMinutes * 60_000;
  const localMinute = Math.floor(localMs / 60_000);
  const minuteOfDay = ((localMinute % dayMinutes) + dayMinutes) % dayMinutes;
  const inside = from < to ? minuteOfDay >= from && minuteOfDay < to : minuteOfDay >= from || minuteOfDay < to;
  if (!inside) return null;
  const untilEnd = (to - minuteOfDay + dayMinutes) % dayMinutes;
  const endLocalMinute = localMinute + untilEnd;
  return new Date((endLocalMinute - shopOffsetMinutes) * 60_000);
}
