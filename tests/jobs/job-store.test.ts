import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { JobStore, LeaseLostError, type LeaseOwner } from '../../src/main/store/jobs';
import { breakDeadLocalLeases, LEASE_EXPIRY_MS } from '../../src/main/jobs/lease';
import { openDb } from '../../src/main/store/db';
import { tmpDir } from '../helpers/tmp';
import { describeImagesJob } from '../../src/shared/jobs';

describe('job store', () => {
  const t = tmpDir('synood-jobstore-');
  afterAll(() => t.cleanup());

  it("a later failure never overwrites an item's done mark", () => {
    const db = openDb(path.join(t.dir, 'a.db'));
    const store = new JobStore(db);
    const id = store.enqueue(describeImagesJob.kind, 'x', {}, [{ key: 'a', payload: { imageId: 1 } }, { key: 'b', payload: { imageId: 2 } }]);
    store.completeItem(id, 0, () => undefined);
    // What a second runner of the same job did: its commit of item 0 failed (UNIQUE constraint), so it failed it.
    store.failItem(id, 0, 'SqliteError: UNIQUE constraint failed: images.dataset_id, images.path');
    store.failItem(id, 1, 'bad file');
    expect(store.items(id, 'all', 10)).toEqual([
      { seq: 0, key: 'a', status: 'done', error: null },
      { seq: 1, key: 'b', status: 'failed', error: 'bad file' },
    ]);
    // Enforced by the schema too, whatever statement tries it.
    expect(() => db.prepare("UPDATE job_items SET status = 'failed' WHERE job_id = ? AND seq = 0").run(id)).toThrow(/done/);
    db.close();
  });

  const owner = (id: string, host = 'here', pid = process.pid): LeaseOwner => ({ id, pid, host, kind: 'test' });

  it('a lease goes to exactly one owner, and to another only once the holder stops beating for the expiry', () => {
    const db = openDb(path.join(t.dir, 'lease.db'));
    const store = new JobStore(db);
    const id = store.enqueue(describeImagesJob.kind, 'x', {}, [{ key: 'a', payload: { imageId: 1 } }, { key: 'b', payload: { imageId: 2 } }]);
    const t0 = 1_000_000_000;
    const expired = (now: number) => now - LEASE_EXPIRY_MS;
    // A process on another machine takes it: nobody here can check its pid, only its heartbeat.
    expect(store.acquireLease(id, owner('far', 'elsewhere', 1), t0, expired(t0))).toBe(true);
    expect(store.status(id)).toBe('running');
    expect(store.acquireLease(id, owner('near'), t0 + 1, expired(t0 + 1))).toBe(false);
    expect(store.nextRunnable({ owner: 'near', expired: expired(t0 + 1) })).toBeUndefined();
    expect(store.heldElsewhere('near', expired(t0 + 1)).map((l) => l.host)).toEqual(['elsewhere']);
    expect(store.renewLease(id, 'far', t0 + LEASE_EXPIRY_MS)).toBe(true);
    const later = t0 + 2 * LEASE_EXPIRY_MS;
    expect(store.acquireLease(id, owner('near'), later - 1, expired(later - 1))).toBe(false);
    // Three heartbeats missed: the lease is free.
    expect(store.nextRunnable({ owner: 'near', expired: expired(later + 1) })).toBe(id);
    expect(store.acquireLease(id, owner('near'), later + 1, expired(later + 1))).toBe(true);
    expect(store.lease(id)).toMatchObject({ id: 'near', pid: process.pid, host: 'here', heartbeatAt: later + 1 });
    // The old holder wakes up: its heartbeat and its commits are refused, so it stops without recording anything.
    expect(store.renewLease(id, 'far', later + 2)).toBe(false);
    expect(() => store.completeItem(id, 0, (tx) => tx.prepare("UPDATE jobs SET title = 'touched' WHERE id = ?").run(id), 'far')).toThrow(LeaseLostError);
    expect(db.prepare('SELECT title FROM jobs WHERE id = ?').pluck().get(id)).toBe('x');
    store.failItem(id, 0, 'late failure', 'far');
    expect(store.counts(id)).toEqual({ total: 2, done: 0, failed: 0 });
    store.completeItem(id, 0, () => undefined, 'near');
    expect(store.finish(id, 'far', 'completed')).toBe(false);
    expect(store.finish(id, 'near', 'failed', 'why')).toBe(true);
    expect(store.lease(id)).toBeNull();
    db.close();
  });

  it('a lease held by a process of this machine that is gone is freed at once', () => {
    const db = openDb(path.join(t.dir, 'dead.db'));
    const store = new JobStore(db);
    const id = store.enqueue(describeImagesJob.kind, 'x', {}, [{ key: 'a', payload: { imageId: 1 } }]);
    const host = 'this-host';
    // pid 2^22 + 1 is above Linux's pid_max: no such process.
    expect(store.acquireLease(id, owner('dead', host, 4_194_305), Date.now(), Date.now() - LEASE_EXPIRY_MS)).toBe(true);
    const alive = store.enqueue(describeImagesJob.kind, 'y', {}, [{ key: 'a', payload: { imageId: 1 } }]);
    expect(store.acquireLease(alive, owner('parent', host, process.ppid), Date.now(), Date.now() - LEASE_EXPIRY_MS)).toBe(true);
    expect(breakDeadLocalLeases(store, owner('me', host))).toBe(1);
    expect(store.lease(id)).toBeNull();
    expect(store.lease(alive)?.id).toBe('parent');
    db.close();
  });

  it('a job that failed as a whole can be retried even when none of its items failed', () => {
    const db = openDb(path.join(t.dir, 'retry.db'));
    const store = new JobStore(db);
    const id = store.enqueue(describeImagesJob.kind, 'x', {}, [{ key: 'a', payload: { imageId: 1 } }, { key: 'b', payload: { imageId: 2 } }, { key: 'c', payload: { imageId: 3 } }]);
    store.completeItem(id, 0, () => undefined);
    store.setStatus(id, 'failed', 'database or disk is full');
    expect(store.retryFailed(id)).toBe(2);
    store.setStatus(id, 'completed');
    expect(store.retryFailed(id)).toBe(0);
    db.close();
  });
});
