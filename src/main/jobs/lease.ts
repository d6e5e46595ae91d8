import crypto from 'node:crypto';
import os from 'node:os';
import { JobStore, type Lease, type LeaseOwner } from '../store/jobs';

/**
 * One runner per job. Any process that opens a project may start a job process (the studio, `synood serve`, each
 * CLI command that waits), and each would otherwise run every runnable job. A job process runs a job only while
 * it holds the job's lease in SQLite, renewed by a heartbeat; a lease whose holder stopped beating for
 * LEASE_EXPIRY_MS (a killed or hung process, another machine) is free to take. On this machine a holder whose pid
 * is gone frees its lease at once.
 */

/** How often a runner renews its lease. Every process must agree on it: a reader judges others' leases by it. */
export const HEARTBEAT_MS = 3000;
/** Three missed heartbeats: long enough for a busy event loop, short enough that a dead owner's job resumes soon. */
export const LEASE_EXPIRY_MS = 3 * HEARTBEAT_MS;

/** This process as a lease owner; `kind` says what started it (set by whoever forks it). */
export function newLeaseOwner(kind: string): LeaseOwner {
  return { id: crypto.randomUUID(), pid: process.pid, host: os.hostname(), kind };
}

export function describeLease(l: Lease): string {
  return `${l.kind || 'a job process'} (pid ${l.pid} on ${l.host})`;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Frees leases held by processes of this machine that no longer exist, so their jobs resume without waiting for expiry. */
export function breakDeadLocalLeases(store: JobStore, self: LeaseOwner): number {
  let broken = 0;
  for (const l of store.leasesOnHost(self.host)) {
    if (l.owner !== self.id && l.pid !== self.pid && !pidAlive(l.pid) && store.breakLease(l.jobId, l.owner)) broken++;
  }
  return broken;
}

/**
 * A lease this process holds: renewed every HEARTBEAT_MS until released. When a renewal finds the lease gone (this
 * process stalled past the expiry and another took over), `onLost` runs and the runner stops; the lease check in
 * each item's commit transaction keeps a stalled runner from recording anything even before it notices.
 */
export class HeldLease {
  private readonly timer: NodeJS.Timeout;
  lost = false;

  constructor(
    private readonly store: JobStore,
    private readonly jobId: number,
    readonly owner: LeaseOwner,
    private readonly onLost: () => void,
  ) {
    this.timer = setInterval(() => this.renew(), HEARTBEAT_MS);
    this.timer.unref();
  }

  private renew(): void {
    try {
      if (this.store.renewLease(this.jobId, this.owner.id, Date.now())) return;
    } catch {
      // Busy or full: the next beat tries again; the lease survives two missed beats.
      return;
    }
    this.lost = true;
    clearInterval(this.timer);
    this.onLost();
  }

  /** Stops the heartbeat; the lease itself is given back by the runner's final status write, or here. */
  release(): void {
    clearInterval(this.timer);
    if (this.lost) return;
    try {
      this.store.releaseLease(this.jobId, this.owner.id);
    } catch {
      // A lease that cannot be given back expires by itself.
    }
  }
}
