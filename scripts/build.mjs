// Bundles the CLI into dist/cli.cjs (esbuild), so it starts without compiling TypeScript through tsx: about 1.3 s
// less per command. The packages are bundled too: one file loads in about 0.25 s where the packages' hundreds of
// files took 0.4 to 0.6 s. testcontainers stays in node_modules (native add-ons; loaded only for container mocks).
// CommonJS, so bin/bundle.js can run it with a V8 code cache (an ES module cannot have one on Node 20).
// bin/certconform.js runs the bundle only while every source it was built from is unchanged (dist/inputs.json);
// otherwise it runs the sources through tsx.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { BUNDLE, digest, INPUTS, ROOT } from '../bin/bundle.js';

mkdirSync(join(ROOT, 'dist'), { recursive: true });
const result = await build({
  absWorkingDir: ROOT,
  entryPoints: ['src/cli.ts'],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['testcontainers'],
  // The sources locate files from their own URL (src/paths.ts): in the bundle, the bundle's.
  define: { 'import.meta.url': 'bundleUrl' },
  banner: { js: "const bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  outfile: 'dist/cli.cjs',
  metafile: true,
  write: false,
  logLevel: 'warning',
});
// The packages change only with the lock file (npm ci builds again): it stands for them, and start-up does not hash
// every package file.
const sources = Object.keys(result.metafile.inputs).filter((f) => !f.startsWith('node_modules/'));
const inputs = Object.fromEntries([...sources, 'package-lock.json'].map((f) => [f, digest(f)]));
// Each file whole (a command may start while this runs): written beside, then renamed.
const put = (file, contents) => {
  writeFileSync(`${file}.${process.pid}.tmp`, contents);
  renameSync(`${file}.${process.pid}.tmp`, file);
};
put(BUNDLE, result.outputFiles[0].contents);
put(INPUTS, `${JSON.stringify(inputs, null, 1)}\n`);
