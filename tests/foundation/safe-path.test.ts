import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveServablePath, UnsafePathError } from '../../src/main/files/safe-path';
import { tmpDir } from '../helpers/tmp';

describe('resolveServablePath', () => {
  let t: ReturnType<typeof tmpDir>;
  let root: string;
  beforeEach(() => {
    t = tmpDir();
    root = path.join(t.dir, 'project');
    fs.mkdirSync(path.join(root, 'thumbs', 'a'), { recursive: true });
    fs.mkdirSync(path.join(root, 'models'), { recursive: true });
    fs.writeFileSync(path.join(root, 'thumbs', 'a', 'ok.jpg'), 'x');
    fs.writeFileSync(path.join(root, 'thumbs', 'a', 'with space.jpg'), 'y');
    fs.writeFileSync(path.join(root, 'models', 'secret.onnx'), 's');
    fs.writeFileSync(path.join(t.dir, 'outside.txt'), 'secret');
    fs.symlinkSync(path.join(t.dir, 'outside.txt'), path.join(root, 'thumbs', 'a', 'link.jpg'));
    fs.symlinkSync(t.dir, path.join(root, 'thumbs', 'dirlink'));
  });
  afterEach(() => t.cleanup());

  const allowed = ['thumbs', 'candidates'];

  it('serves files inside the allowed folders, encoded names included', () => {
    expect(resolveServablePath(root, allowed, 'thumbs/a/ok.jpg')).toBe(fs.realpathSync(path.join(root, 'thumbs/a/ok.jpg')));
    expect(resolveServablePath(root, allowed, 'thumbs/a/with%20space.jpg')).toBe(fs.realpathSync(path.join(root, 'thumbs/a/with space.jpg')));
  });

  it.each([
    ['../outside.txt', "'..'"],
    ['thumbs/../../outside.txt', "'..'"],
    ['thumbs/%2e%2e/%2e%2e/outside.txt', "'..'"],
    ['thumbs/%252e%252e/%252e%252e/outside.txt', "'..'"],
    ['thumbs%2f..%2f..%2foutside.txt', "'..'"],
    ['thumbs\\..\\..\\outside.txt', 'backslash'],
    ['thumbs/..%5c..%5coutside.txt', 'backslash'],
    ['/etc/passwd', 'absolute'],
    ['%2fetc%2fpasswd', 'absolute'],
    ['thumbs/a/ok.jpg%00.png', 'NUL'],
    ['models/secret.onnx', 'not under'],
    ['thumbs/a/link.jpg', 'symlink'],
    ['thumbs/dirlink/outside.txt', 'symlink'],
    ['thumbs/a/missing.jpg', 'no such file'],
    ['thumbs/%E0%A4%A', 'malformed'],
    ['thumbs//a/ok.jpg', 'empty segment'],
  ])('refuses %s (%s)', (req, why) => {
    expect(() => resolveServablePath(root, allowed, req)).toThrow(UnsafePathError);
    expect(() => resolveServablePath(root, allowed, req)).toThrow(why);
  });
});
