import { tenantDb } from '../db/client';
import { AppError } from '../errors';
import { tenantConnection } from '../tenancy/lifecycle';
import type { Platform } from '../tenancy/platform';
import { emailField } from '../http/forms';
import { issuePasswordLink } from './users';

/**
 * The first owner of a shop (there is no self-registration): creates the account if needed and a
 * one-time, expiring set-password link. Returns the token once; only its hash is stored.
 */
export async function issueOwnerLink(platform: Platform, tenantId: string, email: string, name?: string) {
  const parsed = emailField.safeParse(email);
  if (!parsed.success) throw new AppError('validation', `"${email}" is not a valid email address`);
  const { row, connectionString } = await tenantConnection(platform, tenantId);
  if (row.status !== 'active') throw new AppError('conflict', `Tenant "${tenantId}" is ${row.status}`);
  const db = tenantDb(connectionString);
  return issuePasswordLink(db, { email: parsed.data, name: name?.trim() || parsed.data.split('@')[0]!, role: 'owner' });
}
