/**
 * The DGII registry import: pure parsing and decoding, then `optiflow sync:dgii` as a child process
 * (and the library in-process where a spawn adds nothing) against the test stack's central database.
 *
 * This is the only test file that imports the registry: every import swaps the whole
 * `dgii_taxpayers` table. test/worker/dgii-lookup.test.ts inserts rows of its own there, all with
 * numbers starting with 9 (which the generator never produces), so counts here leave those out.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { cliBin, nodeBin, root, runCli, stackEnv, type CliResult } from '../support/cli';
import {
  encodeWindows1252,
  FIXED_ROWS,
  sampleCounts,
  sampleLines,
  writeDgiiSample,
  type SampleOptions,
} from '../../scripts/generate-dgii-sample';
import { configureNeon, sqlClient } from '../../src/db/client';
import { importDgiiRegistry, LineReader } from '../../src/dgii/import';
import { findTaxpayer, findTaxpayers } from '../../src/dgii/lookup';
import {
  detectLayout,
  parseRegistryDate,
  parseRegistryLine,
  pipeLayout,
  type RegistryLayout,
} from '../../src/dgii/parse';

const samplePath = path.join(root, 'data/dgii/sample.zip');
const sampleRows = 500;
const stack = inject('stack');

configureNeon(stack.endpointUrl);
const sql = sqlClient(stack.centralUrl);

let workDir: string;

beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'optiflow-dgii-test-'));
});

afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

const cli = (...args: string[]): Promise<CliResult> => runCli(path.join(workDir, 'state'), args);

/** Exactly one line on stderr, `error: DGII import #n failed: ...`, and exit 2 for a file that is not the registry, 1 otherwise. */
function expectImportFailure(result: CliResult, reason: RegExp, code: 1 | 2 = 1): number {
  expect(result.code, result.stdout + result.stderr).toBe(code);
  const lines = result.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: DGII import #\d+ failed: .*; the previous registry is unchanged$/);
  expect(lines[0]).toMatch(reason);
  return Number(/#(\d+)/.exec(lines[0]!)![1]);
}

/** Taxpayer numbers in the table, without the worker test's own rows (numbers starting with 9). */
async function registryIds(): Promise<Set<string>> {
  const rows = await sql`SELECT tax_id FROM dgii_taxpayers WHERE tax_id NOT LIKE '9%'`;
  return new Set(rows.map((row) => row.tax_id as string));
}

/** The numbers a generated file holds once imported (its well-formed ones). */
function expectedIds(options: SampleOptions): Set<string> {
  const ids = new Set<string>();
  let layout: RegistryLayout | null = null;
  for (const line of sampleLines(options)) {
    if (layout === null) {
      layout = detectLayout(line);
      if (layout.kind === 'csv') continue;
    }
    const parsed = parseRegistryLine(line, layout);
    if (parsed.ok) ids.add(parsed.record.taxId);
  }
  return ids;
}

async function importFile(file: string, options: { batchSize?: number; allowShrink?: boolean } = {}) {
  const input = Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>;
  return importDgiiRegistry(sql, input, {
    source: file,
    connectionString: stack.centralUrl,
    allowShrink: true,
    ...options,
  });
}

async function importRecord(id: number) {
  const [row] = await sql`SELECT status, error, rows_imported, rows_skipped, source FROM dgii_imports WHERE id = ${id}`;
  return row;
}

async function stagingTables(): Promise<string[]> {
  const rows =
    await sql`SELECT relname FROM pg_class WHERE relname LIKE 'dgii\_taxpayers\_staging\_%' AND relkind = 'r'`;
  return rows.map((row) => row.relname as string);
}

function decodeLines(chunks: Uint8Array[]): { lines: string[]; reader: LineReader } {
  const lines: string[] = [];
  const reader = new LineReader((line) => lines.push(line));
  for (const [index, chunk] of chunks.entries()) reader.push(chunk, index === chunks.length - 1);
  return { lines, reader };
}

/** One byte per chunk: every multi-byte character and every CRLF is split across pushes. */
function byteChunks(bytes: Uint8Array): Uint8Array[] {
  return Array.from(bytes, (byte) => Uint8Array.of(byte));
}

describe('DGII registry lines', () => {
  it('parses the classic pipe layout, empty columns becoming null', () => {
    expect(
      parseRegistryLine(
        '101850043|ÓPTICA PEÑA|ÓPTICA PEÑA|VENTA AL POR MENOR DE ARTÍCULOS ÓPTICOS|CALLE DEL SOL|45|CENTRO|8095551234|15/03/1998|ACTIVO|NORMAL',
      ),
    ).toEqual({
      ok: true,
      record: {
        taxId: '101850043',
        name: 'ÓPTICA PEÑA',
        commercialName: 'ÓPTICA PEÑA',
        activity: 'VENTA AL POR MENOR DE ARTÍCULOS ÓPTICOS',
        status: 'ACTIVO',
        regime: 'NORMAL',
        startedOn: '1998-03-15',
      },
    });
    expect(parseRegistryLine('00113918205|  JOSÉ ARGÜELLO NÚÑEZ  |   |||||||CESE TEMPORAL|rst|')).toEqual({
      ok: true,
      record: {
        taxId: '00113918205',
        name: 'JOSÉ ARGÜELLO NÚÑEZ',
        commercialName: null,
        activity: null,
        status: 'CESE TEMPORAL',
        regime: 'RST',
        startedOn: null,
      },
    });
  });

  it('skips malformed identifications, nameless rows and wrong column counts, and keeps failing check digits', () => {
    const row = (id: string) => `${id}|EMPRESA|||||||01/01/2000|ACTIVO|NORMAL`;
    for (const id of ['12345', '1018500431', 'A01850043', '', '001-1391820'])
      expect(parseRegistryLine(row(id)), id).toEqual({ ok: false, reason: 'tax-id' });
    expect(parseRegistryLine(row('1-01-85004-3'))).toMatchObject({ ok: true, record: { taxId: '101850043' } });
    expect(parseRegistryLine(row('101850044'))).toMatchObject({ ok: true, record: { taxId: '101850044' } });
    expect(parseRegistryLine('101850043| |||||||01/01/2000|ACTIVO|NORMAL')).toEqual({ ok: false, reason: 'name' });
    expect(parseRegistryLine('101850043|EMPRESA|ACTIVO')).toEqual({ ok: false, reason: 'columns' });
    expect(parseRegistryLine(`${row('101850043')}|EXTRA`)).toEqual({ ok: false, reason: 'columns' });
  });

  it('parses dd/mm/yyyy dates and rejects impossible ones', () => {
    expect(parseRegistryDate('15/03/1998')).toBe('1998-03-15');
    expect(parseRegistryDate('1/2/2003')).toBe('2003-02-01');
    expect(parseRegistryDate('29/02/2000')).toBe('2000-02-29');
    expect(parseRegistryDate('2011-07-04')).toBe('2011-07-04');
    for (const bad of ['29/02/2001', '31/04/2020', '00/01/2020', '12/13/2020', '15-03-98', 'ayer', '', null])
      expect(parseRegistryDate(bad), String(bad)).toBeNull();
  });

  it('reads the CSV variant by its header: quoted fields with commas and quotes, columns in any order', () => {
    const layout = detectLayout(
      '\uFEFF"RNC","RAZÓN SOCIAL","NOMBRE COMERCIAL","ACTIVIDAD ECONÓMICA","FECHA DE INICIO OPERACIONES","ESTADO","RÉGIMEN DE PAGO"',
    );
    expect(layout).toMatchObject({ kind: 'csv', delimiter: ',', taxId: 0, name: 1, startedOn: 4, regime: 6 });
    expect(
      parseRegistryLine(
        '131246796,"DISTRIBUIDORA ÑECO & ASOCIADOS, SRL",,"VENTA ""AL DETALLE""",02/11/2015,SUSPENDIDO,RST',
        layout,
      ),
    ).toEqual({
      ok: true,
      record: {
        taxId: '131246796',
        name: 'DISTRIBUIDORA ÑECO & ASOCIADOS, SRL',
        commercialName: null,
        activity: 'VENTA "AL DETALLE"',
        status: 'SUSPENDIDO',
        regime: 'RST',
        startedOn: '2015-11-02',
      },
    });
    const reordered = detectLayout('Estado;Nombre;Cédula');
    expect(parseRegistryLine('ACTIVO;MARÍA PEÑA;001-1391820-5', reordered)).toMatchObject({
      ok: true,
      record: { taxId: '00113918205', name: 'MARÍA PEÑA', status: 'ACTIVO', regime: null },
    });
    expect(detectLayout('101850043|ÓPTICA PEÑA, SRL|||||||15/03/1998|ACTIVO|NORMAL')).toBe(pipeLayout);
  });

  it('decodes Windows-1252 split anywhere, with CRLF, and only the first line picks the layout', () => {
    const text =
      '101850043|ÓPTICA PEÑA|||||||15/03/1998|ACTIVO|NORMAL\r\n\r\n00113918205|ÑOÑO GÜERO ÚRSULA|||||||||\r\n';
    const { lines, reader } = decodeLines(byteChunks(encodeWindows1252(text)));
    expect(reader.encoding).toBe('windows-1252');
    expect(reader.layout).toBe(pipeLayout);
    expect(lines).toEqual([
      '101850043|ÓPTICA PEÑA|||||||15/03/1998|ACTIVO|NORMAL',
      '00113918205|ÑOÑO GÜERO ÚRSULA|||||||||',
    ]);
  });

  it('decodes a UTF-8 CSV (with or without BOM) and joins a quoted field that spans lines', () => {
    const text = 'RNC,RAZÓN SOCIAL,ESTADO\n131246796,"CIGÜEÑA\nDEL ESTE",ACTIVO\n101850043,ÓPTICA PEÑA,ACTIVO';
    for (const bom of [[], [0xef, 0xbb, 0xbf]]) {
      const bytes = new Uint8Array([...bom, ...new TextEncoder().encode(text)]);
      const { lines, reader } = decodeLines(byteChunks(bytes));
      expect(reader.encoding).toBe('utf-8');
      expect(reader.layout).toMatchObject({ kind: 'csv' });
      expect(lines).toEqual(['131246796,"CIGÜEÑA\nDEL ESTE",ACTIVO', '101850043,ÓPTICA PEÑA,ACTIVO']);
    }
  });

  it('refuses binary data and invalid UTF-8 after a UTF-8 start', () => {
    expect(() => decodeLines([Uint8Array.of(0x50, 0x00, 0x01, 0x02)])).toThrow(/binary data/);
    const utf8Start = new TextEncoder().encode(`RNC,NOMBRE\n${'101850043,ÓPTICA PEÑA\n'.repeat(4000)}`);
    expect(() => decodeLines([utf8Start, Uint8Array.of(0x31, 0x2c, 0xd3, 0x0a)])).toThrow(/bad encoding/);
  });
});

// Every CLI spawn loads wrangler and starts workerd: several seconds each on a busy machine.
describe('optiflow sync:dgii', { timeout: 120_000 }, () => {
  it('imports the shipped sample: counts, accents, empty columns, failing check digits', async () => {
    const result = await cli('sync:dgii', '--file', samplePath);
    expect(result.code, result.stderr).toBe(0);
    const counts = sampleCounts(sampleRows);
    const imported = sampleRows - counts.malformed;
    expect(result.stdout).toContain(
      `${imported} rows imported, ${counts.malformed} skipped (${counts.malformed} malformed identification)`,
    );
    expect(result.stdout).toMatch(/rows\/s/);
    expect(result.stdout).toContain(`${counts.checksumFailures} kept despite a failing check digit`);

    expect((await registryIds()).size).toBe(imported);
    const [optica] =
      await sql`SELECT name, commercial_name, activity, status, regime, started_on::text FROM dgii_taxpayers WHERE tax_id = '101850043'`;
    expect(optica).toEqual({
      name: 'ÓPTICA PEÑA',
      commercial_name: 'ÓPTICA PEÑA',
      activity: 'VENTA AL POR MENOR DE ARTÍCULOS ÓPTICOS',
      status: 'ACTIVO',
      regime: 'NORMAL',
      started_on: '1998-03-15',
    });
    expect(await findTaxpayer(sql, '001-1391820-5')).toEqual({
      taxId: '00113918205',
      name: 'JOSÉ ARGÜELLO NÚÑEZ',
      commercialName: null,
      status: 'CESE TEMPORAL',
    });
    const found = await findTaxpayers(
      sql,
      FIXED_ROWS.map((row) => row[0]),
    );
    expect([...found.values()].map((taxpayer) => taxpayer.name)).toEqual(
      expect.arrayContaining(FIXED_ROWS.map((row) => row[1])),
    );
    const [special] =
      await sql`SELECT count(*) FILTER (WHERE name LIKE 'REGISTRO ANTIGUO %')::int AS old, count(*) FILTER (WHERE name LIKE 'REGISTRO DEFECTUOSO %')::int AS broken FROM dgii_taxpayers`;
    expect(special).toEqual({ old: counts.checksumFailures, broken: 0 });

    const importId = Number(/import #(\d+)/.exec(result.stdout)![1]);
    expect(await importRecord(importId)).toEqual({
      status: 'succeeded',
      error: null,
      rows_imported: imported,
      rows_skipped: counts.malformed,
      source: samplePath,
    });
    expect(await stagingTables()).toEqual([]);
  });

  it('fails on a truncated zip and on a garbage file, one line each, leaving the previous registry all there', async () => {
    await importFile(samplePath);
    const before = await registryIds();
    const zip = await readFile(samplePath);
    const truncated = path.join(workDir, 'truncated.zip');
    const garbage = path.join(workDir, 'garbage.zip');
    await writeFile(truncated, zip.subarray(0, Math.floor(zip.length * 0.6)));
    await writeFile(garbage, randomBytes(200_000));

    const [truncatedRun, garbageRun] = await Promise.all([
      cli('sync:dgii', '--file', truncated),
      cli('sync:dgii', '--file', garbage),
    ]);
    const truncatedId = expectImportFailure(truncatedRun, /corrupt or truncated zip|ends in the middle/, 2);
    const garbageId = expectImportFailure(garbageRun, /binary data/, 2);

    expect(await registryIds()).toEqual(before);
    expect(await findTaxpayer(sql, '101850043')).toMatchObject({ name: 'ÓPTICA PEÑA' });
    expect(await importRecord(truncatedId)).toMatchObject({ status: 'failed', error: expect.stringMatching(/zip/) });
    expect(await importRecord(garbageId)).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/binary data/),
    });
    expect(await stagingTables()).toEqual([]);
  });

  it('replaces the registry on re-import: rows absent from the new file are gone', async () => {
    await importFile(samplePath);
    const next: SampleOptions = { rows: 60, seed: 2 };
    const nextFile = path.join(workDir, 'next.txt');
    await writeDgiiSample(nextFile, next);
    const nextIds = expectedIds(next);
    const dropped = [...expectedIds({ rows: sampleRows })].filter((id) => !nextIds.has(id));
    expect(dropped.length).toBeGreaterThan(400);

    const result = await cli('sync:dgii', '--file', nextFile, '--allow-shrink');
    expect(result.code, result.stderr).toBe(0);
    expect(await registryIds()).toEqual(nextIds);
    expect(await findTaxpayer(sql, dropped[0]!)).toBeNull();
  });

  it('downloads from --url through the same pipeline; an HTTP error fails and keeps the data', async () => {
    await importFile(samplePath);
    const zip = await readFile(samplePath);
    const server = await serve((request, response) => {
      if (request.url !== '/DGII_RNC.zip') return response.writeHead(404).end('not here');
      response.writeHead(200, { 'content-type': 'application/zip', 'content-length': zip.length }).end(zip);
    });
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const [missing, downloaded] = await Promise.all([
        cli('sync:dgii', '--url', `${base}/gone.zip`),
        cli('sync:dgii', '--url', `${base}/DGII_RNC.zip`),
      ]);
      expectImportFailure(missing, /download failed: HTTP 404/);
      expect(downloaded.code, downloaded.stderr).toBe(0);
      expect(downloaded.stdout).toContain(`Importing the DGII registry from ${base}/DGII_RNC.zip`);
      const importId = Number(/import #(\d+)/.exec(downloaded.stdout)![1]);
      expect(await importRecord(importId)).toMatchObject({
        status: 'succeeded',
        source: `${base}/DGII_RNC.zip`,
        rows_imported: expectedIds({ rows: sampleRows }).size,
      });
      expect(await registryIds()).toEqual(expectedIds({ rows: sampleRows }));
      expect(await findTaxpayer(sql, '101850043')).toMatchObject({ name: 'ÓPTICA PEÑA' });
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('records an interrupted import (Ctrl-C during a stalled download) as failed and keeps the data', async () => {
    await importFile(samplePath);
    const before = await registryIds();
    const zip = await readFile(samplePath);
    let halfSent: () => void;
    const stalled = new Promise<void>((resolve) => (halfSent = resolve));
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-length': zip.length });
      response.write(zip.subarray(0, zip.length >> 1), () => halfSent());
    });
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/DGII_RNC.zip`;
      const child = spawn(nodeBin, [cliBin, 'sync:dgii', '--url', url, '--persist-to', path.join(workDir, 'state')], {
        cwd: root,
        env: { ...process.env, ...stackEnv() },
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = once(child, 'exit');
      await stalled;
      await new Promise((resolve) => setTimeout(resolve, 300));
      child.kill('SIGINT');
      const [code] = (await exited) as [number | null];
      expect(code, stderr).toBe(130);
      expect(stderr).toMatch(/^error: DGII import #\d+ failed: interrupted; the previous registry is unchanged$/m);
      const importId = Number(/import #(\d+) failed/.exec(stderr)![1]);
      expect(await importRecord(importId)).toMatchObject({ status: 'failed', error: 'interrupted', source: url });
      expect(await registryIds()).toEqual(before);
      expect(await stagingTables()).toEqual([]);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('refuses a UTF-16 file and a binary file with one clear line and exit 2, leaving the registry as it was', async () => {
    await importFile(samplePath);
    const before = await registryIds();
    const text = [...sampleLines({ rows: 200, seed: 5 })].join('\r\n');
    const utf16le = path.join(workDir, 'registry-utf16le.txt');
    const utf16be = path.join(workDir, 'registry-utf16be.txt');
    const utf16NoBom = path.join(workDir, 'registry-utf16-nobom.txt');
    const binary = path.join(workDir, 'registry.bin');
    const le = Buffer.from(text, 'utf16le');
    await writeFile(utf16le, Buffer.concat([Buffer.of(0xff, 0xfe), le]));
    await writeFile(utf16be, Buffer.concat([Buffer.of(0xfe, 0xff), Buffer.from(le).swap16()]));
    await writeFile(utf16NoBom, le);
    await writeFile(binary, await readFile(nodeBin).then((bytes) => bytes.subarray(0, 300_000)));

    const runs = await Promise.all(
      [utf16le, utf16be, utf16NoBom, binary].map((file) => cli('sync:dgii', '--file', file)),
    );
    for (const [index, run] of runs.entries()) {
      expect(run.code, run.stdout + run.stderr).toBe(2);
      const lines = run.stderr.trim().split('\n');
      expect(lines, run.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^error: DGII import #\d+ failed: .*; the previous registry is unchanged$/);
      expect(lines[0]).toMatch(index < 3 ? /UTF-16/ : /binary/);
    }
    expect(await registryIds()).toEqual(before);
    expect(await stagingTables()).toEqual([]);
  });

  it('cleans up after a killed import: the next run marks it failed and drops its staging table', async () => {
    await importFile(samplePath);
    const before = await registryIds();
    const zip = await readFile(samplePath);
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-length': zip.length });
      response.write(zip.subarray(0, zip.length >> 1)); // then stalls
    });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/DGII_RNC.zip`;
    // Its own process group, so the kill takes its workerd too, as `kill -9` of a terminal's job would.
    const child = spawn(nodeBin, [cliBin, 'sync:dgii', '--url', url, '--persist-to', path.join(workDir, 'state')], {
      cwd: root,
      env: { ...process.env, ...stackEnv() },
      detached: true,
      stdio: 'ignore',
    });
    try {
      const exited = once(child, 'exit');
      let killedId = 0;
      await expect
        .poll(
          async () => {
            const [running] = await sql`SELECT id FROM dgii_imports WHERE status = 'running' AND source = ${url}`;
            killedId = running ? Number(running.id) : 0;
            return killedId > 0 && (await stagingTables()).includes(`dgii_taxpayers_staging_${killedId}`);
          },
          { timeout: 60_000, interval: 200 },
        )
        .toBe(true);
      process.kill(-child.pid!, 'SIGKILL');
      await exited;
      expect(await importRecord(killedId)).toMatchObject({ status: 'running' });

      const next = await cli('sync:dgii', '--file', samplePath);
      expect(next.code, next.stderr).toBe(0);
      expect(await importRecord(killedId)).toMatchObject({
        status: 'failed',
        error: expect.stringMatching(/abandoned/),
      });
      expect(await stagingTables()).toEqual([]);
      expect(await registryIds()).toEqual(before);
    } finally {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
      server.closeAllConnections();
      server.close();
    }
  });

  it('refuses an import that would shrink the registry by more than the allowed share, unless --allow-shrink', async () => {
    const full: SampleOptions = { rows: 500, seed: 6 };
    const fullFile = path.join(workDir, 'full.txt');
    await writeDgiiSample(fullFile, full);
    await importFile(fullFile);
    const before = await registryIds();
    expect(before).toEqual(expectedIds(full));
    const halfFile = path.join(workDir, 'half.txt');
    const bytes = await readFile(fullFile);
    await writeFile(halfFile, bytes.subarray(0, bytes.length >> 1)); // a download or copy cut in half

    const refused = await cli('sync:dgii', '--file', halfFile);
    expect(refused.code, refused.stdout + refused.stderr).toBe(2);
    const lines = refused.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^error: DGII import #\d+ failed: .*shrink.*--allow-shrink.*; the previous registry is unchanged$/,
    );
    const refusedId = Number(/#(\d+)/.exec(lines[0]!)![1]);
    expect(await registryIds()).toEqual(before);
    expect(await importRecord(refusedId)).toMatchObject({ status: 'failed', error: expect.stringMatching(/shrink/) });
    expect(await stagingTables()).toEqual([]);

    const allowed = await cli('sync:dgii', '--file', halfFile, '--allow-shrink');
    expect(allowed.code, allowed.stderr).toBe(0);
    const after = await registryIds();
    expect(after.size).toBeLessThan(before.size * 0.6);
    expect(after.size).toBeGreaterThan(before.size * 0.4);
  });

  it('runs two imports at once without mixing them: the table is exactly one of the files', async () => {
    const first: SampleOptions = { rows: 3000, seed: 3 };
    const second: SampleOptions = { rows: 2000, seed: 4, format: 'csv' };
    const firstFile = path.join(workDir, 'first.zip');
    const secondFile = path.join(workDir, 'second.csv');
    await Promise.all([writeDgiiSample(firstFile, first), writeDgiiSample(secondFile, second)]);
    const results = await Promise.all([
      importFile(firstFile, { batchSize: 200 }),
      importFile(secondFile, { batchSize: 150 }),
    ]);
    expect(results.map((result) => [result.container, result.layout, result.encoding])).toEqual([
      ['zip', 'pipe', 'windows-1252'],
      ['text', 'csv', 'utf-8'],
    ]);
    const ids = await registryIds();
    expect([expectedIds(first), expectedIds(second)]).toContainEqual(ids);
    expect(await findTaxpayer(sql, '131246796')).toMatchObject({ name: 'DISTRIBUIDORA ÑECO & ASOCIADOS, SRL' });
    expect(await stagingTables()).toEqual([]);
  });
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<Server> {
  const server = createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}
