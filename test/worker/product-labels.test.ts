/**
 * Product labels: the sheet's barcodes are real symbols (the EAN-13 read back from the SVG's bars, the
 * Code 128 checked symbol by symbol against the standard's table), copies and layouts, bad input, and another shop's product.
 */
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { productBarcodes, products, taxes } from '../../src/db/tenant-schema';
import { get } from '../support/worker/helpers';
import { shop, type Shop } from '../support/worker/shop';

/** The modules between the first and the last bar of a label's SVG: each rect of the bars' group is a run of dark modules. */
function modules(svg: string): string {
  const bars = [...svg.matchAll(/<rect x="(\d+)" y="0" width="(\d+)" height="\d+"\/>/g)].map((match) => ({
    left: Number(match[1]),
    width: Number(match[2]),
  }));
  expect(bars.length).toBeGreaterThan(10);
  const start = bars[0]!.left;
  let bits = '';
  for (const bar of bars) bits = bits.padEnd(bar.left - start, '0') + '1'.repeat(bar.width);
  return bits;
}

const ean = {
  L: ['0001101', '0011001', '0010011', '0111101', '0100011', '0110001', '0101111', '0111011', '0110111', '0001011'],
  G: ['0100111', '0110011', '0011011', '0100001', '0011101', '0111001', '0000101', '0010001', '0001001', '0010111'],
  R: ['1110010', '1100110', '1101100', '1000010', '1011100', '1001110', '1010000', '1000100', '1001000', '1110100'],
  first: ['LLLLLL', 'LLGLGG', 'LLGGLG', 'LLGGGL', 'LGLLGG', 'LGGLLG', 'LGGGLL', 'LGLGLG', 'LGLGGL', 'LGGLGL'],
};

/** Reads an EAN-13 from its modules: guard, six digits in L/G parity (which gives the first digit), centre, six R digits, guard. */
function decodeEan13(bits: string): string {
  expect(bits.length).toBe(95);
  expect(bits.slice(0, 3)).toBe('101');
  expect(bits.slice(45, 50)).toBe('01010');
  expect(bits.slice(92)).toBe('101');
  let parity = '';
  let left = '';
  for (let i = 0; i < 6; i++) {
    const symbol = bits.slice(3 + i * 7, 10 + i * 7);
    const l = ean.L.indexOf(symbol);
    const g = ean.G.indexOf(symbol);
    expect(l >= 0 || g >= 0, symbol).toBe(true);
    parity += l >= 0 ? 'L' : 'G';
    left += l >= 0 ? l : g;
  }
  let right = '';
  for (let i = 0; i < 6; i++) right += ean.R.indexOf(bits.slice(50 + i * 7, 57 + i * 7));
  return `${ean.first.indexOf(parity)}${left}${right}`;
}

function barcodesOf(html: string): Array<{ symbology: string; svg: string }> {
  return [
    ...html.matchAll(
      /<img class="label-barcode" src="data:image\/svg\+xml;base64,([^"]+)" alt="[^"]*" data-symbology="(\w+)"/g,
    ),
  ].map((match) => ({ symbology: match[2]!, svg: atob(match[1]!) }));
}

describe('product labels', () => {
  let s: Shop;
  let ids: { frame: string; case: string };
  beforeAll(async () => {
    s = await shop('ventas');
    const [tax] = await s.db.select({ id: taxes.id }).from(taxes).where(eq(taxes.code, 'ITBIS18'));
    const rows = await s.db
      .insert(products)
      .values([
        {
          sku: 'RB3025-NEG-58',
          name: 'Ray-Ban Aviator',
          category: 'monturas',
          price: '8500.0000',
          taxId: tax!.id,
          variantColour: 'Negro',
          variantSize: '58',
        },
        { sku: 'EST-01', name: 'Estuche rígido', category: 'accesorios', price: '350.0000', taxId: tax!.id },
      ])
      .returning({ id: products.id, sku: products.sku });
    ids = {
      frame: rows.find((row) => row.sku === 'RB3025-NEG-58')!.id,
      case: rows.find((row) => row.sku === 'EST-01')!.id,
    };
    await s.db.insert(productBarcodes).values({ code: '7501031311309', productId: ids.frame });
  }, 30_000);

  it('prints each product with its price and a barcode that reads back as its code', async () => {
    const response = await get(s.host, `/products/labels?product=${ids.frame}&product=${ids.case}&copies=2`, {
      headers: { cookie: s.cookie },
    });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('labels-a4');
    expect(html).toContain('4 etiquetas de 2 productos');
    expect(html.match(/class="label-price">RD\$\s8,500\.00</g)).toHaveLength(2);
    expect(html).toContain('Negro · 58');
    const codes = barcodesOf(html);
    expect(codes.map((code) => code.symbology)).toEqual(['ean13', 'ean13', 'code128', 'code128']);
    // The frame's EAN-13, decoded from the bars themselves.
    expect(decodeEan13(modules(codes[0]!.svg))).toBe('7501031311309');
    // The case has no barcode: its SKU in Code 128 - start B, E S T - 0 1, the check symbol, stop.
    const code128 = modules(codes[2]!.svg);
    expect(code128.startsWith('11010010000')).toBe(true); // Start B
    expect(code128.endsWith('1100011101011')).toBe(true); // Stop
    // 11 modules per symbol: start, 6 characters, check; then the 13-module stop.
    expect(code128.length).toBe(11 * 8 + 13);
    expect(code128.slice(11, 22)).toBe('10001101000'); // "E" (value 37)
    const values = [...'EST-01'].map((char) => char.charCodeAt(0) - 32);
    const check = (104 + values.reduce((sum, value, index) => sum + value * (index + 1), 0)) % 103;
    expect(code128.slice(77, 88)).toBe(code128Pattern(check));
  });

  it('prints the 50 x 25 mm roll layout, and refuses bad input and products of another shop', async () => {
    const roll = await get(s.host, `/products/labels?product=${ids.case}&layout=roll`, {
      headers: { cookie: s.cookie },
    });
    expect(roll.status).toBe(200);
    const html = await roll.text();
    expect(html).toContain('labels-roll');
    expect(html).toContain('1 etiquetas de 1 productos');
    for (const query of [
      '',
      `product=${ids.case}&copies=0`,
      `product=${ids.case}&copies=51`,
      'product=nope',
      `product=${ids.case}&layout=sheet`,
    ]) {
      const response = await get(s.host, `/products/labels?${query}`, { headers: { cookie: s.cookie } });
      expect(response.status, query).toBe(422);
    }
    const other = await shop('owner');
    const foreign = await get(other.host, `/products/labels?product=${ids.frame}`, {
      headers: { cookie: other.cookie },
    });
    expect(foreign.status).toBe(404);
    expect(await foreign.text()).not.toContain('Ray-Ban');
  });
});

/** Code 128's bar pattern of a symbol value (the few this test needs), from the standard's table. */
function code128Pattern(value: number): string {
  const table: Record<number, string> = {};
  const widths = [
    '212222',
    '222122',
    '222221',
    '121223',
    '121322',
    '131222',
    '122213',
    '122312',
    '132212',
    '221213',
    '221312',
    '231212',
    '112232',
    '122132',
    '122231',
    '113222',
    '123122',
    '123221',
    '223211',
    '221132',
    '221231',
    '213212',
    '223112',
    '312131',
    '311222',
    '321122',
    '321221',
    '312212',
    '322112',
    '322211',
    '212123',
    '212321',
    '232121',
    '111323',
    '131123',
    '131321',
    '112313',
    '132113',
    '132311',
    '211313',
    '231113',
    '231311',
    '112133',
    '112331',
    '132131',
    '113123',
    '113321',
    '133121',
    '313121',
    '211331',
    '231131',
    '213113',
    '213311',
    '213131',
    '311123',
    '311321',
    '331121',
    '312113',
    '312311',
    '332111',
    '314111',
    '221411',
    '431111',
    '111224',
    '111422',
    '121124',
    '121421',
    '141122',
    '141221',
    '112214',
    '112412',
    '122114',
    '122411',
    '142112',
    '142211',
    '241211',
    '221114',
    '413111',
    '241112',
    '134111',
    '111242',
    '121142',
    '121241',
    '114212',
    '124112',
    '124211',
    '411212',
    '421112',
    '421211',
    '212141',
    '214121',
    '412121',
    '111143',
    '111341',
    '131141',
    '114113',
    '114311',
    '411113',
    '411311',
    '113141',
    '114131',
    '311141',
    '411131',
  ];
  widths.forEach((w, index) => {
    table[index] = [...w].map((n, i) => (i % 2 === 0 ? '1' : '0').repeat(Number(n))).join('');
  });
  return table[value]!;
}
