import { AppError } from '../../errors';
import type { Bindings } from '../../env';
import type { Platform } from '../../tenancy/platform';

/**
 * Who acts on the platform: a platform admin signed in to the panel (second factor given when they
 * have one), or the operator at the command line, who has shell access to the deployment and no
 * account (their audit lines carry no admin and `via: 'cli'`).
 */
export type PlatformActor =
  | { kind: 'admin'; id: string; email: string; verified: boolean; sessionHash: string }
  | { kind: 'operator'; via: 'cli' };

/**
 * What a platform service runs with: the central database, KV, R2 and placements (`platform`), the
 * Worker's bindings, the request (or command run) id and who is acting. The panel builds it with
 * `platformContext(c)` (src/http/platform.ts), the CLI in its command runner, so the panel and the
 * CLI go through the same checks, orchestration and audit line for the same operation.
 */
export interface PlatformContext {
  platform: Platform;
  env: Bindings;
  requestId: string;
  actor: PlatformActor;
}

/**
 * The in-depth check of every platform operation: an admin acts only with a fully signed-in
 * session (second factor given), whatever the route in front of the service checked already.
 */
export function assertActor(ctx: PlatformContext): void {
  if (ctx.actor.kind === 'admin' && !ctx.actor.verified) throw new AppError('forbidden');
}

/** The admin acting in the panel (their own account's operations): the CLI operator has no account. */
export function actingAdmin(ctx: PlatformContext): Extract<PlatformActor, { kind: 'admin' }> {
  assertActor(ctx);
  if (ctx.actor.kind !== 'admin') throw new AppError('forbidden');
  return ctx.actor;
}
