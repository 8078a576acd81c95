import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's CPU times (USER_HZ: 100 on every Linux build that matters here). */
const TICKS_PER_SECOND = 100;

export type CpuRole = 'postgres' | 'redis' | 'worker' | 'sandbox' | 'jest';

export interface CpuReading {
  /** CPU ms used so far by each role's processes. */
  readonly byRole: Readonly<Record<CpuRole, number>>;
  /** CPU ms the whole machine was busy (every core: user, system, irq, softirq), and ms stolen by the hypervisor. */
  readonly machineBusy: number;
  readonly machineSteal: number;
}

/** `/proc/<pid>/stat` after the command name; fields[0] is field 3 (state), so field N is fields[N - 3]. */
function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null; // the process ended between the listing and the read
  }
}

/** utime + stime (fields 14, 15), with cutime + cstime (16, 17: children it has reaped) when asked; in ticks. */
function ticksIn(fields: readonly string[] | null, withReapedChildren: boolean): number {
  if (!fields) return 0;
  const [utime, stime, cutime, cstime] = fields.slice(11, 15).map(Number);
  return utime + stime + (withReapedChildren ? cutime + cstime : 0);
}

const ticksOf = (pid: number, withReapedChildren: boolean): number => ticksIn(statFields(pid), withReapedChildren);

function processesNamed(name: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === name) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

const ms = (ticks: number): number => (ticks * 1000) / TICKS_PER_SECOND;

/**
 * CPU time of the processes a benchmark runs on, read from /proc (Linux only): PostgreSQL (every server process, plus
 * what the postmaster's exited backends used), Redis, the worker and sandbox processes, and this jest process (the
 * API). A backend that ends between two readings is counted through the postmaster's reaped-children time.
 */
export function readCpu(pids: { readonly worker?: number; readonly sandbox?: number }): CpuReading {
  const postgres = new Map(processesNamed('postgres').map((pid) => [pid, statFields(pid)]));
  // A postmaster is a postgres process whose parent (field 4) is not one (one per cluster); its backends are its children.
  const isPostmaster = (fields: readonly string[] | null): boolean => fields !== null && !postgres.has(Number(fields[1]));
  const postgresTicks = [...postgres.values()].reduce((sum, fields) => sum + ticksIn(fields, isPostmaster(fields)), 0);
  const redisTicks = processesNamed('redis-server').reduce((sum, pid) => sum + ticksOf(pid, false), 0);
  const jest = process.cpuUsage();
  const [, ...cpu] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const [user, nice, system, , , irq, softirq, steal] = cpu.map(Number);
  return {
    byRole: {
      postgres: ms(postgresTicks),
      redis: ms(redisTicks),
      worker: pids.worker === undefined ? 0 : ms(ticksOf(pids.worker, false)),
      sandbox: pids.sandbox === undefined ? 0 : ms(ticksOf(pids.sandbox, false)),
      jest: (jest.user + jest.system) / 1000,
    },
    machineBusy: ms(user + nice + system + irq + softirq),
    machineSteal: ms(steal),
  };
}

/**
 * CPU ms per unit of work between two readings, per role; `ours` is the roles' sum, `other` what the machine was busy
 * with besides them, `total` the machine's busy time (so other load on the machine shows in `other`, not in `ours`).
 */
export function cpuPerUnit(before: CpuReading, after: CpuReading, units: number): Record<CpuRole | 'ours' | 'other' | 'total' | 'steal', number> {
  const per = (value: number) => Math.round((value / units) * 100) / 100;
  const roles = Object.keys(after.byRole) as CpuRole[];
  const byRole = Object.fromEntries(roles.map((role) => [role, after.byRole[role] - before.byRole[role]])) as Record<CpuRole, number>;
  const rolesTotal = roles.reduce((sum, role) => sum + byRole[role], 0);
  const total = after.machineBusy - before.machineBusy;
  return {
    ...(Object.fromEntries(roles.map((role) => [role, per(byRole[role])])) as Record<CpuRole, number>),
    ours: per(rolesTotal),
    other: per(Math.max(0, total - rolesTotal)),
    total: per(total),
    steal: per(after.machineSteal - before.machineSteal),
  };
}
