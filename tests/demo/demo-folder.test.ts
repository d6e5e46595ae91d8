import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { demoFolder } from '../../src/main/demo/run-demo';
import { tmpDir } from '../helpers/tmp';

/** `npm run demo` a second time: the folder already holds a demo. */
describe('the demo folder', () => {
  const t = tmpDir('synood-demo-folder-');
  afterAll(() => t.cleanup());
  const fakeDemo = (root: string) => {
    for (const part of ['project', 'data/ind-train', 'home']) fs.mkdirSync(path.join(root, part), { recursive: true });
    fs.writeFileSync(path.join(root, 'project', 'synood.db'), '');
  };

  it('uses the folder as asked when it holds no demo', () => {
    expect(demoFolder(path.join(t.dir, 'fresh'))).toEqual({ root: path.join(t.dir, 'fresh') });
  });

  it('keeps a demo already there and goes to the next free folder beside it, saying so', () => {
    const root = path.join(t.dir, 'synood-demo');
    fakeDemo(root);
    fakeDemo(`${root}-2`);
    fs.mkdirSync(`${root}-3`);
    fs.writeFileSync(path.join(`${root}-3`, 'notes.txt'), 'not ours');
    const r = demoFolder(root);
    expect(r.root).toBe(`${root}-4`);
    expect(r.note).toContain(`${root} already holds a demo project`);
    expect(r.note).toContain(`${root}-4`);
    expect(r.note).toContain('--force');
    expect(fs.existsSync(path.join(root, 'project', 'synood.db'))).toBe(true);
  });

  it('with force, removes the old demo (and only what the demo writes) and reuses the folder', () => {
    const root = path.join(t.dir, 'forced');
    fakeDemo(root);
    fs.writeFileSync(path.join(root, 'keep.txt'), 'mine');
    const r = demoFolder(root, true);
    expect(r.root).toBe(root);
    expect(r.note).toContain('replaced');
    expect(fs.readdirSync(root)).toEqual(['keep.txt']);
  });
});
