import { z } from 'zod';
import { adminAccountPolicy, createAdmin, normalizeAdminEmail } from '../services/platform/accounts';
import type { AppConfig } from '../config';
import { defineCommand, integerOption, portOption, UsageError, type Command } from './command';
import { print } from './output';

/** The admin panel's address: `http://localhost:8787` in development, `https://<central domain>` otherwise. */
export function centralUrl(config: Pick<AppConfig, 'centralDomains'>, devPort: number): string {
  const host = config.centralDomains[0] ?? 'localhost';
  const local = host === 'localhost' || host.endsWith('.localhost');
  return local ? `http://${host}:${devPort}` : `https://${host}`;
}

export const createAdminCommand = defineCommand({
  name: 'admins:create',
  summary: 'Invite a platform admin and print a one-time set-password link',
  args: ['email'],
  options: {
    name: { type: 'string', placeholder: 'name', description: 'Display name (default: the email)' },
    port: portOption,
  },
  notes: [
    `The link is valid for ${adminAccountPolicy.linkValidHours} hours and works once; only its SHA-256 is stored.`,
    'There are no default admin credentials: this command is the only way in.',
  ],
  prepare({ args: [rawEmail], values }) {
    const email = normalizeAdminEmail(rawEmail!);
    if (!z.email().safeParse(email).success) throw new UsageError(`invalid email "${rawEmail}"`);
    const name = values.name?.trim() || email;
    if (name.length > 200) throw new UsageError('--name must have at most 200 characters');
    const port = integerOption(values.port, 'port', { min: 1, max: 65535 });
    return async ({ ctx, platform, devPort }) => {
      const { admin, token, expiresAt } = await createAdmin(ctx, { email, name });
      print(`Admin "${admin.email}" invited. Set-password link (valid until ${expiresAt.toISOString()}, works once):`);
      print(`${centralUrl(platform.config, port ?? devPort)}/admin/set-password?token=${token}`);
    };
  },
});

/** admins:create (platform admins). */
export const adminCommands: readonly Command[] = [createAdminCommand];
