import { readFileSync, readlinkSync } from 'node:fs';

/**
 * Which process wrote a lease, in terms another process on the same machine can check: the
 * kernel's boot, the PID namespace (containers on one host each have their own) and the PID.
 */
export interface ProcessIdentity {
  bootId: string;
  pidNamespace: string;
  pid: number;
}

/** This process's identity; undefined where the kernel does not tell it (not Linux). */
export function thisProcess(): ProcessIdentity | undefined {
  try {
    return {
      bootId: readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim(),
      pidNamespace: readlinkSync('/proc/self/ns/pid'),
      pid: process.pid,
    };
  } catch {
    return undefined;
  }
}

/**
 * Whether `holder` is known to have exited: it ran on this boot of this machine, in this PID
 * namespace, and no process has its PID. Anything else (another machine or container, a PID in use,
 * even by another program) is not known to be gone.
 */
export function hasExited(
  holder: ProcessIdentity | undefined,
  self: ProcessIdentity | undefined,
): boolean {
  if (!holder || !self || holder.pid === self.pid) return false;
  if (holder.bootId !== self.bootId || holder.pidNamespace !== self.pidNamespace) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
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
 * the identity above and the clock tick it started at (a PID alone is reused: a container's
 * server is PID 1 again after a restart). Only the PID where the kernel does not tell the rest.
 */
export function thisProcessKey(): string {
  const identity = thisProcess();
  if (!identity) return String(process.pid);
  const stat = readFileSync('/proc/self/stat', 'utf8');
  // Fields after the command's closing parenthesis, from the third (state); the 22nd is starttime.
  const startTicks = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  return `${identity.bootId}/${identity.pidNamespace}/${identity.pid}/${startTicks}`;
}
