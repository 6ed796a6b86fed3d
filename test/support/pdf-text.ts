/**
 * Reads a PDF's text with poppler's `pdftotext` (Debian's poppler-utils, installed by .ci/run):
 * an independent reader, so a test proves the PDF opens and says what it should. Tests that need
 * it are skipped on a machine without it, like the browser tests without Chromium.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const pdftotextPath = '/usr/bin/pdftotext';
export const hasPdftotext = existsSync(pdftotextPath);

export async function pdfText(bytes: Uint8Array): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'optiflow-pdf-'));
  try {
    const file = path.join(dir, 'document.pdf');
    await writeFile(file, bytes);
    return execFileSync(pdftotextPath, ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
