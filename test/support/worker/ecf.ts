/** Shops that issue e-CF: their own RNC and certificate (sealed as the settings page seals it), and issued E-series documents. */
import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { company, ecfDocuments, ecfSettings } from '../../../src/db/tenant-schema';
import { addDays, shopToday } from '../../../src/domain/dates';
import type { SigningCredentials } from '../../../src/ecf/certificate';
import type { EcfContext } from '../../../src/services/shop/ecf';
import { sealedCertificate } from '../../../src/services/shop/ecf-settings';
import type { TenantJobs } from '../../../src/tenancy/jobs';
import { selfSignedCredentials } from './ecf-certificate';
import { tenantContext, testEnv } from './helpers';
import { buildInvoices, type InvoiceShop, invoiceShop } from './invoices';

export function randomDigits(length: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(length)), (byte) => String(byte % 10)).join('');
}

/** A shop with its own RNC and e-CF settings (its own certificate, sealed as the settings page seals it). */
export async function ecfShop(): Promise<
  InvoiceShop & { rnc: string; ctx: EcfContext; credentials: SigningCredentials }
> {
  const s = await invoiceShop('owner');
  const rnc = `1${randomDigits(8)}`;
  await s.db.update(company).set({ rnc, address: 'Calle El Conde 101, Santo Domingo' }).where(eq(company.id, 1));
  const credentials = await selfSignedCredentials(rnc, `001${randomDigits(8)}`);
  await s.db
    .insert(ecfSettings)
    .values({ environment: 'TesteCF', ...(await sealedCertificate({ env: testEnv, tenant: s.tenant }, credentials)) });
  const context = await tenantContext(s.tenant.id);
  return { ...s, rnc, credentials, ctx: { ...context, env: testEnv } };
}

/** An issued E-series document written as the issue leaves it (number, dates, buyer), without going through DGII. */
export async function issued(s: InvoiceShop, type: 'E31' | 'E32', options: { unitPrice?: string } = {}) {
  const ncf = `${type}${randomDigits(10)}`;
  const [row] = await buildInvoices(
    s.db,
    [
      {
        description: 'Montura clásica',
        quantity: '1',
        unitPrice: options.unitPrice ?? '1500',
        discount: '0',
        taxRate: '18.00',
        exempt: false,
        taxId: s.tax('ITBIS18').id,
        productId: s.frame.id,
      },
    ],
    [
      {
        ncfType: type,
        ncf,
        ncfValidUntil: addDays(shopToday(), 365),
        status: 'issued',
        issuedOn: shopToday(),
        customerId: type === 'E31' || options.unitPrice ? s.company.id : s.walkIn.id,
        branchId: s.main.id,
        currencyCode: 'DOP',
        exchangeRate: '1',
      },
    ],
  );
  return { id: row!.id, ncf };
}

/**
 * Tells the shared DGII stand-in what to do next. A switch (`mode`, `reject-next`, `configure`, ...)
 * always names the test shop's RNC: e-CF test files run side by side against one stand-in, and a
 * switch for everyone would reach the other file's shops.
 */
export async function control(action: 'directory' | 'delegate', body: object): Promise<void>;
export async function control(
  action: 'mode' | 'configure' | 'reject-next' | 'accept-conditionally-next' | 'expire-tokens' | 'reset',
  body: { rnc: string; [setting: string]: unknown },
): Promise<void>;
export async function control(action: string, body: { rnc?: string }): Promise<void> {
  if (action !== 'directory' && action !== 'delegate' && !body.rnc)
    throw new Error(`stand-in switch '${action}' without an RNC would reach every test file's shops`);
  const response = await fetch(`${testEnv.DGII_BASE_URL}/_control/${action}`, {
    method: 'POST',
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
}

/** A queue producer that only records, so a test delivers each message itself. */
export function recordingJobs() {
  const sent: Array<{ job: string; payload: { id: string }; delaySeconds?: number }> = [];
  const jobs = {
    send: async (job: string, payload: { id: string }, options?: QueueSendOptions) => {
      sent.push({ job, payload, delaySeconds: options?.delaySeconds });
    },
  } as unknown as TenantJobs;
  return { jobs, sent };
}

/** An e-CF row by its own id, as it is now. */
export async function ecfDocument(ctx: Pick<EcfContext, 'db'>, id: string) {
  const [found] = await ctx.db.select().from(ecfDocuments).where(eq(ecfDocuments.id, id));
  return found!;
}
