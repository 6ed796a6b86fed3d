import { sql, type SQL } from 'drizzle-orm';
import type { TenantDb } from '../db/client';

/** The lens values of one eye as stored (numeric text, null when not measured). */
export interface EyeRx {
  sphere: string | null;
  cylinder: string | null;
  axis: number | null;
  add: string | null;
}

/** A prescription as the sales editor offers it: its date, patient and each eye's lens values. */
export interface LensPrescription {
  id: string;
  patientId: string;
  examinedOn: string;
  od: EyeRx;
  oi: EyeRx;
}

export interface SalesEditorContext extends Record<string, unknown> {
  taxes: Array<{ id: number; name: string; rate: string; exempt: boolean }>;
  symbol: string | null;
}

/** The active taxes (the free line's select) and the symbol of `currencyCode`, in one statement not yet run. */
export function salesEditorContextQuery(db: TenantDb, currencyCode: string) {
  return db.execute<SalesEditorContext>(sql`
    SELECT coalesce((SELECT json_agg(json_build_object('id', t.id, 'name', t.name, 'rate', t.rate::text, 'exempt', t.exempt) ORDER BY t.id)
                       FROM taxes t WHERE t.active), '[]'::json) AS taxes,
           (SELECT cu.symbol FROM currencies cu WHERE cu.code = ${currencyCode}) AS symbol`);
}

const eye = (prefix: 'od' | 'oi') =>
  sql.raw(`json_build_object('sphere', rx.${prefix}_sphere::text, 'cylinder', rx.${prefix}_cylinder::text,
                             'axis', rx.${prefix}_axis, 'add', rx.${prefix}_add::text)`);

/** One prescription's lens values (`id`), or the latest of a patient (`patientId`); a statement not yet run. */
export function lensPrescriptionQuery(db: TenantDb, by: { id: string } | { patientId: string }) {
  const where = 'id' in by ? sql`rx.id = ${by.id}::uuid` : sql`rx.patient_id = ${by.patientId}::uuid`;
  return db.execute<LensPrescription & Record<string, unknown>>(sql`
    SELECT rx.id, rx.patient_id AS "patientId", rx.examined_on::text AS "examinedOn", ${eye('od')} AS od, ${eye('oi')} AS oi
      FROM prescriptions rx WHERE ${where}
     ORDER BY rx.examined_on DESC, rx.id DESC LIMIT 1`);
}

/** The latest prescription of a patient as one JSON value (LensPrescription or null), for a form's statement. */
export function latestLensPrescriptionJson(patientId: SQL | string | null): SQL {
  return sql`(SELECT json_build_object('id', rx.id, 'patientId', rx.patient_id, 'examinedOn', rx.examined_on::text, 'od', ${eye('od')}, 'oi', ${eye('oi')})
                FROM prescriptions rx WHERE rx.patient_id = ${patientId}::uuid
               ORDER BY rx.examined_on DESC, rx.id DESC LIMIT 1)`;
}
