/**
 * Validates XML against DGII's vendored schemas (data/dgii/xsd) with Debian's libxml2 `xmllint`.
 * The schemas are copied to a temporary folder with the in-memory fixes data/dgii/xsd/README.md
 * lists (libxml2 will not compile them as published), and, for documents not signed yet, with the
 * final `xs:any` (the `<Signature>`) made optional.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

const sourceDir = path.resolve(import.meta.dirname, '../../data/dgii/xsd');

export const schemaFiles = {
  '31': 'e-CF 31 v.1.0.xsd',
  '32': 'e-CF 32 v.1.0.xsd',
  '33': 'e-CF 33 v.1.0.xsd',
  '34': 'e-CF 34 v.1.0.xsd',
  '41': 'e-CF 41 v.1.0.xsd',
  '43': 'e-CF 43 v.1.0.xsd',
  '44': 'e-CF 44 v.1.0.xsd',
  '45': 'e-CF 45 v.1.0.xsd',
  '46': 'e-CF 46 v.1.0.xsd',
  '47': 'e-CF 47 v.1.0.xsd',
  RFCE: 'RFCE 32 v.1.0.xsd',
  ARECF: 'ARECF v1.0.xsd',
  ACECF: 'ACECF v.1.0.xsd',
  ANECF: 'ANECF v.1.0.xsd',
  Semilla: 'Semilla v.1.0.xsd',
} as const;
export type SchemaName = keyof typeof schemaFiles;

/** The README's fixes: the e-CF 31 type name with a leading space, and `(?:` groups XSD regexes do not have. */
export function fixSchema(file: string, text: string, options: { unsigned: boolean }): string {
  let fixed = text;
  if (file === schemaFiles['31'])
    fixed = fixed.replace('name=" IndicadorServicioTodoIncluidoType"', 'name="IndicadorServicioTodoIncluidoType"');
  if (file === schemaFiles.ACECF || file === schemaFiles.RFCE) fixed = fixed.replaceAll('(?:', '(');
  if (options.unsigned) {
    // The last xs:any of the root sequence is where the signature goes.
    const at = fixed.lastIndexOf('<xs:any');
    const end = fixed.indexOf('>', at);
    const any = fixed.slice(at, end).replace(/\s*minOccurs\s*=\s*"\d+"/, '');
    fixed = `${fixed.slice(0, at)}${any.replace('<xs:any', '<xs:any minOccurs="0"')}${fixed.slice(end)}`;
  }
  return fixed;
}

export interface XsdResult {
  valid: boolean;
  /** xmllint's messages (empty when valid). */
  errors: string;
}

export interface XsdValidator {
  validate(xml: string, schema: SchemaName): Promise<XsdResult>;
  close(): Promise<void>;
}

function xmllint(schemaPath: string, xml: string): Promise<XsdResult> {
  return new Promise((resolve, reject) => {
    const child = execFile('xmllint', ['--noout', '--schema', schemaPath, '-'], (error, _stdout, stderr) => {
      if (error && typeof error.code !== 'number') reject(error);
      else resolve({ valid: !error, errors: error ? stderr.trim() : '' });
    });
    child.stdin!.end(xml);
  });
}

/** A validator over a private copy of the fixed schemas; `close()` removes the copy. */
export async function createXsdValidator(options: { unsigned: boolean } = { unsigned: true }): Promise<XsdValidator> {
  const dir = await mkdtemp(path.join(tmpdir(), 'optiflow-xsd-'));
  for (const file of await readdir(sourceDir)) {
    if (!file.endsWith('.xsd')) continue;
    // The BOM some of DGII's files start with is kept: xmllint reads it as UTF-8.
    const text = await readFile(path.join(sourceDir, file), 'utf8');
    await writeFile(path.join(dir, file), fixSchema(file, text, options));
  }
  return {
    validate: (xml, schema) => xmllint(path.join(dir, schemaFiles[schema]), xml),
    close: () => rm(dir, { recursive: true, force: true }),
  };
}
