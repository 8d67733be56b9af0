import { readFileSync, readlinkSync } from 'node:fs';

/**
 * Which process wrote a lease, in terms another process on the same machine can check: the
 * kernel's boot, the PID namespace (containers on one host each have their own), the PID and the
 * clock tick it started at (a PID is reused; a lease written before that field has none).
 */
export interface ProcessIdentity {
  bootId: string;
  pidNamespace: string;
  pid: number;
  startTicks?: string;
}

/** The clock tick since boot at which process `pid` started, if it runs and the kernel tells. */
function startTicksOf(pid: number | 'self'): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command's closing parenthesis, from the third (state); the 22nd is starttime.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** This process's identity; undefined where the kernel does not tell it (not Linux). */
export function thisProcess(): ProcessIdentity | undefined {
  try {
    return {
      bootId: readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim(),
      pidNamespace: readlinkSync('/proc/self/ns/pid'),
      pid: process.pid,
      startTicks: startTicksOf('self'),
    };
  } catch {
    return undefined;
  }
}

/**
 * Whether `holder` is known to have exited: it ran on this boot of this machine, in this PID
 * namespace, and no process has its PID, or the one that has it started at another tick. Anything
 * else (another machine or container, a PID in use by a process that may be it) is not known to be
 * gone.
 */
export function hasExited(
  holder: ProcessIdentity | undefined,
  self: ProcessIdentity | undefined,
): boolean {
  if (!holder || !self) return false;
  if (holder.bootId !== self.bootId || holder.pidNamespace !== self.pidNamespace) return false;
  const reused = (ticks: string | undefined) =>
    holder.startTicks !== undefined && ticks !== undefined && ticks !== holder.startTicks;
  if (holder.pid === self.pid) return reused(self.startTicks);
  return !isRunning(holder.pid) || reused(startTicksOf(holder.pid));
}

/** Whether process `pid` of this host still runs (this process included). */
export function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * This process as no other process on this machine ever was, and the same in each of its threads:
 * its identity above (a PID alone is reused: a container's server is PID 1 again after a restart).
 * Only the PID where the kernel does not tell the rest.
 */
export function thisProcessKey(): string {
  const identity = thisProcess();
  if (!identity) return String(process.pid);
  const { bootId, pidNamespace, pid, startTicks } = identity;
  return `${bootId}/${pidNamespace}/${pid}/${startTicks}`;
}
