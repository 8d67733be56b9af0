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
