import {
  type HTTPQueryOptions,
  type HTTPTransactionOptions,
  neon,
  neonConfig,
  type NeonQueryFunction,
  NeonQueryPromise,
  type ParameterizedQuery,
} from '@neondatabase/serverless';
import { drizzle } from 'drizzle-orm/neon-http';
import * as centralSchema from './central-schema';
import * as tenantSchema from './tenant-schema';

export type Sql = NeonQueryFunction<false, false>;

/**
 * Points the Neon driver at the local Neon-protocol endpoint (dev and tests) instead of Neon.
 * `fetchEndpoint` only exists as a global setting in the driver, so this sets globals; it is
 * idempotent and derived from configuration only, never from a request.
 */
export function configureNeon(localEndpoint: string | null): void {
  if (!localEndpoint) return;
  const endpoint = new URL(localEndpoint);
  neonConfig.fetchEndpoint = `${endpoint.origin}/sql`;
  neonConfig.wsProxy = (host, port) => `${endpoint.host}/v2?address=${host}:${port}`;
  neonConfig.useSecureWebSocket = endpoint.protocol === 'https:';
  neonConfig.pipelineConnect = false;
  neonConfig.pipelineTLS = false;
  neonConfig.forceDisablePgSSL = true;
}

export function sqlClient(connectionString: string): Sql {
  return neon(connectionString);
}

export function centralDb(connectionString: string) {
  return drizzle({ client: neon(connectionString), schema: centralSchema, casing: 'snake_case' });
}

/** The application name background jobs connect with (Postgres shows it in pg_stat_activity). */
export const JOB_APPLICATION_NAME = 'optiflow-job';

/**
 * A tenant database client. `applicationName` names who connects (e.g. the queue's jobs), so the
 * database's own views and the local endpoint's counts can tell a job from a request.
 */
export function tenantDb(connectionString: string, applicationName?: string) {
  const url = applicationName ? withApplicationName(connectionString, applicationName) : connectionString;
  return drizzle({ client: gatedClient(neon(url)), schema: tenantSchema, casing: 'snake_case' });
}

function withApplicationName(connectionString: string, applicationName: string): string {
  const url = new URL(connectionString);
  url.searchParams.set('application_name', applicationName);
  return url.toString();
}

/**
 * A statement that rides first in the same transaction as a request's next database request (the
 * session check of a signed-in request): one round trip for both, and when the statement raises,
 * the request's own statements (writes included) are rolled back with it.
 */
export interface QueryGate {
  /** The statement to put first, or null when nothing needs to ride (any more). */
  lead(): ParameterizedQuery | null;
  /** The lead statement's rows, once its transaction committed, before the caller sees its results. */
  passed(rows: Record<string, unknown>[]): void;
  /** A transaction carrying the lead failed: the error to throw to the caller. */
  failed(error: unknown): unknown;
  /** An error to throw at once, without a database request, once the gate has refused. */
  refusal(): Error | null;
}

const gateSlot = Symbol('queryGate');

type GatedSql = Sql & { [gateSlot]: { gate: QueryGate | null } };

type QueryOptions = HTTPQueryOptions<boolean, boolean>;

/** A statement as drizzle hands it to the client (a NeonQueryPromise has these two fields). */
interface Statement {
  queryData: ParameterizedQuery;
  opts?: QueryOptions;
}

/**
 * The Neon query function drizzle's neon-http session calls (`query` for each statement,
 * `transaction` for `db.batch`), sending every request through the gate set on it, if any.
 */
function gatedClient(base: Sql): GatedSql {
  const slot: { gate: QueryGate | null } = { gate: null };
  const build = ({ queryData, opts }: Statement) => base.query(queryData.query, queryData.params, opts as never);
  async function send(statements: Statement[], options: HTTPTransactionOptions<boolean, boolean> | undefined) {
    const single = options === undefined;
    const gate = slot.gate;
    const refused = gate?.refusal();
    if (refused) throw refused;
    const lead = gate?.lead();
    const built = statements.map(build);
    if (!gate || !lead) return single ? await built[0] : await base.transaction(built, options as never);
    const leadQuery = base.query(lead.query, lead.params, { arrayMode: false, fullResults: true } as never);
    let results: unknown[];
    try {
      results = await base.transaction([leadQuery, ...built], (options ?? {}) as never);
    } catch (error) {
      throw gate.failed(error);
    }
    gate.passed((results[0] as { rows: Record<string, unknown>[] }).rows);
    return single ? results[1] : results.slice(1);
  }
  const query = (text: string, params?: unknown[], opts?: QueryOptions) =>
    new NeonQueryPromise<boolean, boolean>(
      () => send([{ queryData: { query: text, params: params ?? [] }, opts }], undefined),
      { query: text, params: params ?? [] },
      opts,
    );
  const transaction = (statements: Statement[], options?: HTTPTransactionOptions<boolean, boolean>) => {
    if (!Array.isArray(statements)) throw new Error('Only arrays of queries are supported here');
    return send(statements, options ?? {});
  };
  const tagged = () => {
    throw new Error('Query the tenant database through drizzle');
  };
  return Object.assign(tagged, { query, transaction, unsafe: base.unsafe, [gateSlot]: slot }) as unknown as GatedSql;
}

/** The gate set on this database client, if any. */
export function queryGate(db: TenantDb): QueryGate | null {
  return (db.$client as GatedSql)[gateSlot].gate;
}

/** Sets (or with null, removes) the gate every later request of this database client goes through. */
export function setQueryGate(db: TenantDb, gate: QueryGate | null): void {
  (db.$client as GatedSql)[gateSlot].gate = gate;
}

export type CentralDb = ReturnType<typeof centralDb>;

export type TenantDb = ReturnType<typeof tenantDb>;
