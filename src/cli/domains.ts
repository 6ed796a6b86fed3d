import { addTenantDomain, removeTenantDomain } from '../services/platform/tenants';
import { defineCommand, integerOption, portOption } from './command';
import { print, tenantUrl } from './output';

export const addDomainCommand = defineCommand({
  name: 'domains:add',
  summary: 'Give a tenant another subdomain label or custom domain',
  args: ['tenant', 'domain'],
  options: {
    port: portOption,
  },
  prepare({ args: [tenantId, domain], values }) {
    const port = integerOption(values.port, 'port', { min: 1, max: 65535 });
    return async ({ ctx, platform, devPort }) => {
      const hostname = await addTenantDomain(ctx, tenantId!, domain!);
      print(
        `Domain "${hostname}" added to tenant "${tenantId}": ${tenantUrl(platform.config, hostname, port ?? devPort)}`,
      );
    };
  },
});

export const removeDomainCommand = defineCommand({
  name: 'domains:remove',
  summary: 'Remove a subdomain label or custom domain from its tenant',
  args: ['domain'],
  options: {},
  prepare({ args: [domain] }) {
    return async ({ ctx }) => {
      const removed = await removeTenantDomain(ctx, domain!);
      print(`Domain "${removed.hostname}" removed from tenant "${removed.tenantId}".`);
    };
  },
});
