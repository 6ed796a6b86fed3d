/**
 * CPU time per process group, from /proc (Linux only; elsewhere every figure is 0). Groups are the
 * subtrees of this process's direct children, named by the child's command: `postgres` (postmaster
 * and backends), `node` (wrangler dev and its workerd), `workerd` (getPlatformProxy's runtime);
 * `bench` is this process itself (the Neon endpoint, the load generator and in-process CLI code);
 * `machine` is the busy time of the whole machine, neighbours included (/proc/stat).
 * Exited processes still count: their time moves to the parent that reaped them (cutime/cstime).
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux architecture Node ships for

export type CpuSample = Map<string, number>;

interface ProcStat {
  pid: number;
  comm: string;
  ppid: number;
  own: number;
  children: number;
}

function readStat(pid: number): ProcStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = text.lastIndexOf(')');
    const fields = text.slice(close + 2).split(' '); // fields[0] is field 3 (state)
    const n = (i: number) => Number(fields[i - 3]);
    return {
      pid,
      comm: text.slice(text.indexOf('(') + 1, close),
      ppid: n(4),
      own: n(14) + n(15),
      children: n(16) + n(17),
    };
  } catch {
    return null; // exited between readdir and read
  }
}

/** Our descendants (and this process), each with the group it belongs to. */
function ourProcesses(): Array<{ stat: ProcStat; group: string }> {
  let pids: number[];
  try {
    pids = readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .map(Number);
  } catch {
    return []; // no /proc
  }
  const stats = new Map(
    pids.map((pid) => [pid, readStat(pid)]).filter((entry): entry is [number, ProcStat] => entry[1] !== null),
  );
  const groupOf = (stat: ProcStat): string | null => {
    let current: ProcStat | undefined = stat;
    for (let depth = 0; current && depth < 64; depth++) {
      if (current.pid === process.pid) return 'bench';
      if (current.ppid === process.pid) return current.comm;
      current = stats.get(current.ppid);
    }
    return null;
  };
  return [...stats.values()].flatMap((stat) => {
    const group = groupOf(stat);
    return group === null ? [] : [{ stat, group }];
  });
}

/** Seconds of CPU used so far by each group, and by the whole machine (`machine`). */
export function sampleCpu(): CpuSample {
  const sample: CpuSample = new Map();
  try {
    // cpu  user nice system idle iowait irq softirq steal: busy = all but idle and iowait
    const ticks = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
    sample.set('machine', (ticks.reduce((a, b) => a + b, 0) - ticks[3]! - ticks[4]!) / TICKS_PER_SECOND);
  } catch {
    return sample;
  }
  for (const { stat, group } of ourProcesses()) {
    const ticks = stat.own + (stat.pid === process.pid ? 0 : stat.children);
    sample.set(group, (sample.get(group) ?? 0) + ticks / TICKS_PER_SECOND);
  }
  return sample;
}

/** CPU seconds per group between two samples. */
export function cpuSince(before: CpuSample, after: CpuSample = sampleCpu()): CpuSample {
  const delta: CpuSample = new Map();
  for (const [group, seconds] of after) delta.set(group, seconds - (before.get(group) ?? 0));
  return delta;
}

export function addCpu(total: CpuSample, more: CpuSample): CpuSample {
  for (const [group, seconds] of more) total.set(group, (total.get(group) ?? 0) + seconds);
  return total;
}

/** The workerd processes of wrangler dev: a new pid means it restarted (it rebuilds when a source file changes). */
export function wranglerRuntimePids(): string {
  return ourProcesses()
    .filter(({ stat, group }) => group === 'node' && stat.comm === 'workerd')
    .map(({ stat }) => stat.pid)
    .sort()
    .join(',');
}
