/** Lookups in the DGII taxpayer registry (central `dgii_taxpayers`), for validating and autofilling contacts. */
import type { Sql } from '../db/client';
import { compactTaxId } from '../domain/tax-id';
import { registrySql } from './registry';

export interface Taxpayer {
  /** Digits only. */
  taxId: string;
  name: string;
  commercialName: string | null;
  /** As the DGII writes it: ACTIVO, SUSPENDIDO, DADO DE BAJA, CESE TEMPORAL, ANULADO, RECHAZADO. */
  status: string | null;
}

interface TaxpayerRow {
  tax_id: string;
  name: string;
  commercial_name: string | null;
  status: string | null;
}

/** Digits of an RNC (9) or cédula (11), dashes and spaces allowed; null for anything else. */
function registryKey(value: string): string | null {
  const digits = compactTaxId(value.trim());
  return /^(\d{9}|\d{11})$/.test(digits) ? digits : null;
}

function toTaxpayer(row: TaxpayerRow): Taxpayer {
  return { taxId: row.tax_id, name: row.name, commercialName: row.commercial_name, status: row.status };
}

/** The registry entry for an RNC or cédula (`1-01-85004-3` or `101850043`), or null; no query for a malformed number. */
export async function findTaxpayer(centralSql: Sql, taxId: string): Promise<Taxpayer | null> {
  const key = registryKey(taxId);
  if (key === null) return null;
  const rows =
    (await centralSql`SELECT tax_id, name, commercial_name, status FROM dgii_taxpayers WHERE tax_id = ${key}`) as TaxpayerRow[];
  return rows[0] ? toTaxpayer(rows[0]) : null;
}

/** Registry entries for many numbers in ONE query, keyed by their digits; numbers not found (or malformed) are absent. */
export async function findTaxpayers(centralSql: Sql, taxIds: readonly string[]): Promise<Map<string, Taxpayer>> {
  const keys = [...new Set(taxIds.map(registryKey).filter((key): key is string => key !== null))];
  if (keys.length === 0) return new Map();
  const rows =
    (await centralSql`SELECT tax_id, name, commercial_name, status FROM dgii_taxpayers WHERE tax_id = ANY(${keys}::text[])`) as TaxpayerRow[];
  return new Map(rows.map((row) => [row.tax_id, toTaxpayer(row)]));
}

/** A lookup of a taxpayer's registry status (ACTIVO, ANULADO, ...; null when not registered), for the issue rules. */
export function registryStatusOf(env: Parameters<typeof registrySql>[0]): (taxId: string) => Promise<string | null> {
  return async (taxId) => (await findTaxpayer(registrySql(env), taxId))?.status ?? null;
}
