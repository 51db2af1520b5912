/**
 * Where the machine's CPU went during a measurement: the whole machine (/proc/stat) and each process by
 * name (/proc/PID/stat), so that a figure for the worker comes with what Dovecot, Redis and the bench's
 * own SMTP capture cost beside it on the same two cores. Linux only; elsewhere the snapshot is empty.
 */
import { readdirSync, readFileSync } from 'node:fs';

// USER_HZ: 100 on every Linux the service targets (sysconf is not reachable from Node).
const TICK_MS = 10;

export interface CpuSnapshot {
  at: number;
  /** Busy and total ticks summed over every core. */
  busy: number;
  total: number;
  /** Ticks (user + system) per `comm`; the bench's own process under `bench`. */
  byName: Map<string, number>;
}

export interface CpuUsage {
  wallMs: number;
  /** Share of all cores busy, in percent of the whole machine (100 = every core busy). */
  machineBusyPct: number;
  /** CPU milliseconds per process name, largest first. */
  byName: { name: string; cpuMs: number }[];
}

function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

export function cpuSnapshot(): CpuSnapshot {
  const snapshot: CpuSnapshot = { at: performance.now(), busy: 0, total: 0, byName: new Map() };
  const stat = read('/proc/stat');
  if (stat === null) return snapshot;
  const cpu = stat.split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal
  const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0);
  snapshot.total = cpu.slice(0, 8).reduce((sum, x) => sum + x, 0);
  snapshot.busy = snapshot.total - idle;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const line = read(`/proc/${entry}/stat`);
    if (line === null) continue;
    // comm is in parentheses and may contain spaces; the fields after it are space-separated.
    const close = line.lastIndexOf(')');
    const name = Number(entry) === process.pid ? 'bench' : line.slice(line.indexOf('(') + 1, close);
    const fields = line.slice(close + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime
    snapshot.byName.set(name, (snapshot.byName.get(name) ?? 0) + ticks);
  }
  return snapshot;
}

/** What happened between two snapshots; processes that exited in between are not counted. */
export function cpuUsage(from: CpuSnapshot, to: CpuSnapshot): CpuUsage {
  const byName: { name: string; cpuMs: number }[] = [];
  for (const [name, ticks] of to.byName) {
    const cpuMs = (ticks - (from.byName.get(name) ?? 0)) * TICK_MS;
    if (cpuMs > 0) byName.push({ name, cpuMs });
  }
  byName.sort((a, b) => b.cpuMs - a.cpuMs);
  const total = to.total - from.total;
  return {
    wallMs: Math.round(to.at - from.at),
    machineBusyPct: total > 0 ? Math.round(((to.busy - from.busy) / total) * 1000) / 10 : 0,
    byName,
  };
}
