/**
 * Query plans for tests: EXPLAIN ANALYZE of a statement, or of the last statement some work sent,
 * reduced to what a plan check needs (sequential scans of big tables, the indexes used, the time).
 */
import { drizzle } from 'drizzle-orm/neon-http';
import type { TenantDb } from '../../../src/db/client';
import * as tenantSchema from '../../../src/db/tenant-schema';

export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

const bigTables = ['contacts', 'invoices', 'payments', 'quotations', 'products'];

/**
 * Runs `work` against a recording copy of `db`, then EXPLAIN ANALYZEs the last statement it sent,
 * with its parameters: the plan's nodes and the execution time.
 */
export async function explainLast(db: TenantDb, work: (db: TenantDb) => Promise<unknown>) {
  const log: Array<{ query: string; params: unknown[] }> = [];
  const recording = drizzle({
    client: db.$client,
    schema: tenantSchema,
    casing: 'snake_case',
    logger: { logQuery: (query, params) => log.push({ query, params }) },
  });
  await work(recording);
  const last = log.at(-1)!;
  return explain(db, last.query, last.params);
}

export async function explain(db: TenantDb, query: string, params: unknown[]) {
  const rows = (await db.$client.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${query}`, params)) as Array<
    Record<string, Array<{ Plan: PlanNode; 'Execution Time': number }>>
  >;
  const [result] = Object.values(rows[0]!)[0]!;
  const all = nodes(result!.Plan);
  return {
    query,
    ms: result!['Execution Time'],
    seqScans: all.filter((node) => node['Node Type'] === 'Seq Scan' && bigTables.includes(node['Relation Name']!)),
    indexes: all.map((node) => node['Index Name']).filter(Boolean),
  };
}
