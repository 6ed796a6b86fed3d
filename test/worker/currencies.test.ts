import { describe, expect, it } from 'vitest';
import { exchangeRates } from '../../src/db/tenant-schema';
import { rateOn, saveRate } from '../../src/queries/currencies';
import { countQueries, get, postForm } from '../support/worker/helpers';
import { api } from '../support/worker/api';
import { shop } from '../support/worker/shop';

describe('rate on a date', () => {
  it('is the latest rate on or before the date (table of dates)', async () => {
    const { db } = await shop();
    await db.insert(exchangeRates).values([
      { currencyCode: 'USD', rate: '58.5000', validOn: '2025-01-02' },
      { currencyCode: 'USD', rate: '58.7512', validOn: '2025-01-06' },
      { currencyCode: 'USD', rate: '59.0001', validOn: '2025-02-01' },
      { currencyCode: 'EUR', rate: '64.1000', validOn: '2025-01-04' },
    ]);
    const table: Array<[string, string, string | null]> = [
      ['USD', '2025-01-01', null], // before the first rate
      ['USD', '2025-01-02', '58.5000'], // on the day itself
      ['USD', '2025-01-05', '58.5000'], // between two rates: the earlier
      ['USD', '2025-01-06', '58.7512'],
      ['USD', '2025-01-31', '58.7512'],
      ['USD', '2025-02-01', '59.0001'],
      ['USD', '2030-12-31', '59.0001'], // long after: still the latest
      ['usd', '2025-01-06', '58.7512'], // code in any case
      ['EUR', '2025-01-03', null],
      ['EUR', '2025-01-05', '64.1000'],
      ['DOP', '1999-01-01', '1.0000'], // the base is always one
      ['DOP', '2025-01-06', '1.0000'],
      ['XYZ', '2025-01-06', null], // unknown currency
    ];
    for (const [currency, date, expected] of table)
      expect(await rateOn(db, currency, date), `${currency} ${date}`).toBe(expected);
  });

  it('keeps one rate per currency and day (a second one replaces it) and refuses the base currency', async () => {
    const { db } = await shop();
    expect(await saveRate(db, 'USD', '60.0000', '2025-03-01')).toMatchObject({ ok: true, created: true });
    expect(await saveRate(db, 'USD', '60.2500', '2025-03-01')).toMatchObject({
      ok: true,
      created: false,
      rate: { rate: '60.2500' },
    });
    expect(await db.select().from(exchangeRates)).toHaveLength(1);
    expect(await saveRate(db, 'DOP', '1.5', '2025-03-01')).toEqual({ ok: false, reason: 'base' });
    expect(await saveRate(db, 'XYZ', '1.5', '2025-03-01')).toEqual({ ok: false, reason: 'unknown' });
  });
});

describe('currency screens', () => {
  it('lists currencies with their latest rate in one query after the session, adds a rate and shows the history', async () => {
    const { tenant, host, cookie, db } = await shop('caja');
    const added = await postForm(
      host,
      '/currencies/rates',
      { currency: 'USD', rate: '60.1250', validOn: '15/03/2025' },
      { Cookie: cookie },
    );
    expect(added.status).toBe(200);
    expect(await added.text()).toContain('Tasa de USD del 15/03/2025 guardada: RD$ 60.1250');
    expect(await db.select().from(exchangeRates)).toMatchObject([
      { currencyCode: 'USD', rate: '60.1250', validOn: '2025-03-15' },
    ]);

    let html = '';
    const queries = await countQueries(`optiflow_${tenant.id}`, async () => {
      html = await (await get(host, '/currencies', { headers: { Cookie: cookie } })).text();
    });
    expect(queries).toBeLessThanOrEqual(2);
    expect(html).toContain('RD$ 60.1250');
    expect(html).toContain('RD$ 1.0000');
    expect(html).toContain('Sin tasa'); // EUR

    const history = await get(host, '/currencies/USD', { headers: { Cookie: cookie } });
    expect(history.status).toBe(200);
    expect(await history.text()).toContain('15/03/2025');
    expect((await get(host, '/currencies/XYZ', { headers: { Cookie: cookie } })).status).toBe(404);
    expect((await get(host, '/currencies/not-a-code', { headers: { Cookie: cookie } })).status).toBe(404);
  });

  it('answers 422 with nothing written for bad rates', async () => {
    const { host, cookie, db } = await shop();
    const cases: Array<[Record<string, string>, string]> = [
      [{ currency: 'USD', rate: '60.12345', validOn: '2025-03-01' }, 'hasta 4 decimales'],
      [{ currency: 'USD', rate: '0', validOn: '2025-03-01' }, 'mayor que cero'],
      [{ currency: 'USD', rate: '-1', validOn: '2025-03-01' }, 'mayor que cero'],
      [{ currency: 'USD', rate: '60', validOn: '2025-02-30' }, 'fecha válida'],
      [{ currency: 'DOP', rate: '2', validOn: '2025-03-01' }, 'moneda base'],
      [{ currency: 'XYZ', rate: '2', validOn: '2025-03-01' }, 'no existe'],
    ];
    for (const [fields, message] of cases) {
      const response = await postForm(host, '/currencies/rates', fields, { Cookie: cookie });
      expect(response.status, JSON.stringify(fields)).toBe(422);
      expect(await response.text()).toContain(message);
    }
    expect(await db.select().from(exchangeRates)).toEqual([]);
  });

  it('lets sales look but not add rates (403)', async () => {
    const { host, cookie } = await shop('ventas');
    expect((await get(host, '/currencies', { headers: { Cookie: cookie } })).status).toBe(200);
    expect(
      (
        await postForm(
          host,
          '/currencies/rates',
          { currency: 'USD', rate: '60', validOn: '2025-03-01' },
          { Cookie: cookie },
        )
      ).status,
    ).toBe(403);
  });
});

describe('currencies API', () => {
  it('lists, records (201, then 200 when replacing), pages the history and answers the rate on a date', async () => {
    const { host, bearer } = await shop('owner');
    for (const [validOn, rate] of [
      ['2025-01-01', '58.1000'],
      ['2025-01-10', '58.2000'],
      ['2025-01-20', '58.3000'],
    ]) {
      const response = await api(host, '/currencies/usd/rates', bearer, {
        method: 'POST',
        body: JSON.stringify({ rate, validOn }),
      });
      expect(response.status).toBe(201);
    }
    const replaced = await api(host, '/currencies/USD/rates', bearer, {
      method: 'POST',
      body: JSON.stringify({ rate: '58.3500', validOn: '2025-01-20' }),
    });
    expect(replaced.status).toBe(200);
    expect(await replaced.json()).toEqual({ currency: 'USD', rate: '58.3500', validOn: '2025-01-20' });

    const list = (await (await api(host, '/currencies', bearer)).json()) as {
      data: Array<{ code: string; latestRate: string | null }>;
    };
    expect(list.data).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'USD', latestRate: '58.3500' }),
        expect.objectContaining({ code: 'DOP', latestRate: '1.0000' }),
      ]),
    );

    const first = (await (await api(host, '/currencies/USD/rates?limit=2', bearer)).json()) as {
      data: Array<{ validOn: string }>;
      nextCursor: string;
    };
    expect(first.data.map((r) => r.validOn)).toEqual(['2025-01-20', '2025-01-10']);
    const second = (await (
      await api(host, `/currencies/USD/rates?limit=2&cursor=${first.nextCursor}`, bearer)
    ).json()) as { data: Array<{ validOn: string }>; nextCursor: null };
    expect(second.data.map((r) => r.validOn)).toEqual(['2025-01-01']);
    expect(second.nextCursor).toBeNull();

    expect(await (await api(host, '/currencies/USD/rate?date=2025-01-15', bearer)).json()).toEqual({
      currency: 'USD',
      date: '2025-01-15',
      rate: '58.2000',
    });
    expect(await (await api(host, '/currencies/DOP/rate?date=2025-01-15', bearer)).json()).toMatchObject({
      rate: '1.0000',
    });
    expect((await api(host, '/currencies/USD/rate?date=2024-12-31', bearer)).status).toBe(404);
    expect((await api(host, '/currencies/XYZ/rate?date=2025-01-15', bearer)).status).toBe(404);
    expect((await api(host, '/currencies/XYZ/rates', bearer)).status).toBe(404);
    expect((await api(host, '/currencies/USD/rate?date=15-01-2025x', bearer)).status).toBe(422);

    for (const body of [
      { rate: 58.1, validOn: '2025-01-01' },
      { rate: '1.23456', validOn: '2025-01-01' },
      { rate: '0.0000', validOn: '2025-01-01' },
      { rate: '1', validOn: '2025-13-01' },
    ]) {
      const response = await api(host, '/currencies/USD/rates', bearer, { method: 'POST', body: JSON.stringify(body) });
      expect(response.status, JSON.stringify(body)).toBe(422);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
    expect(
      (
        await api(host, '/currencies/DOP/rates', bearer, {
          method: 'POST',
          body: JSON.stringify({ rate: '1', validOn: '2025-01-01' }),
        })
      ).status,
    ).toBe(422);
    expect(
      (
        await api(host, '/currencies/XYZ/rates', bearer, {
          method: 'POST',
          body: JSON.stringify({ rate: '1', validOn: '2025-01-01' }),
        })
      ).status,
    ).toBe(404);
  });

  it('keeps rates apart between shops (UI and API)', async () => {
    const a = await shop();
    const b = await shop();
    await saveRate(a.db, 'USD', '61.4321', '2025-04-01');
    expect(await rateOn(b.db, 'USD', '2025-04-02')).toBeNull();
    expect(((await (await api(b.host, '/currencies/USD/rates', b.bearer)).json()) as { data: unknown[] }).data).toEqual(
      [],
    );
    expect((await api(b.host, '/currencies/USD/rate?date=2025-04-02', b.bearer)).status).toBe(404);
    expect(await (await get(b.host, '/currencies', { headers: { Cookie: b.cookie } })).text()).not.toContain('61.4321');
    expect(await (await get(b.host, '/currencies/USD', { headers: { Cookie: b.cookie } })).text()).not.toContain(
      '61.4321',
    );
    expect((await api(b.host, '/currencies', a.bearer)).status).toBe(401);
  });
});
