import { sqlClient, type Sql } from '../db/client';
import type { Bindings } from '../env';

/**
 * The DGII registry lives in the central database and is read from shop requests (contact and
 * company forms). REGISTRY_DATABASE_URL may point at a read-only role; it defaults to the central URL.
 */
export function registrySql(env: Pick<Bindings, 'CENTRAL_DATABASE_URL'> & { REGISTRY_DATABASE_URL?: string }): Sql {
  return sqlClient(env.REGISTRY_DATABASE_URL || env.CENTRAL_DATABASE_URL);
}
