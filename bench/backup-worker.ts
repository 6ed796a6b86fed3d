/**
 * The Worker `bench/backups.ts` runs in its own workerd (wrangler's unstable_startWorker) so the
 * memory a backup and a restore take can be read from that process alone: `?op=backup&tenant=`
 * and `?op=restore&key=&into=` run the production functions the panel job runs.
 */
import type { Bindings } from '../src/env';
import { backupTenant, restoreBackup } from '../src/services/platform/backups';
import { createPlatform } from '../src/tenancy/platform';

export default {
  async fetch(request: Request, env: Bindings): Promise<Response> {
    const url = new URL(request.url);
    const platform = await createPlatform(env);
    const op = url.searchParams.get('op');
    try {
      if (op === 'backup') return Response.json(await backupTenant(platform, url.searchParams.get('tenant') ?? ''));
      if (op === 'restore')
        return Response.json(
          await restoreBackup(platform, {
            backupKey: url.searchParams.get('key') ?? '',
            into: url.searchParams.get('into') ?? '',
          }),
        );
      return new Response('op: backup or restore', { status: 400 });
    } catch (error) {
      return Response.json({ error: error instanceof Error ? error.message : String(error) }, { status: 500 });
    }
  },
};
