#!/usr/bin/env node
// The `synood` command runs the TypeScript sources through tsx, so the CLI and the studio share one code base
// without a separate build step.
require('tsx/cjs/api').register();
require('../src/cli/index.ts');
