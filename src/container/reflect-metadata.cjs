/*
 * Installs the `reflect-metadata` polyfill, which tsyringe requires before it loads. A CommonJS
 * file that requires the package, imported by the container just before `tsyringe`: the package is
 * CommonJS only (one file for `import` and `require` alike, so this is the instance a host gets
 * too), and Node 20 scans every CommonJS module that ESM imports for its named exports; scanning
 * this one line instead of the polyfill's 64 KB, whose exports a side-effect import never reads,
 * takes about 15 ms off the ESM cold start. Copied to dist/ as is (tsup.config.ts).
 */
'use strict';
require('reflect-metadata');
