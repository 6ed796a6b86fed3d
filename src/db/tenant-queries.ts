import { company } from './tenant-schema';
import type { TenantDb } from '../env';

export async function getCompany(db: TenantDb) {
  const [row] = await db.select({ name: company.name }).from(company).limit(1);
  return row ?? null;
}
