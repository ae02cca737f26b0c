#!/usr/bin/env node
// Runs the bundle `npm ci` built when it matches the sources (bin/bundle.js); otherwise the TypeScript sources,
// through tsx. CERTCONFORM_FROM_SOURCE=1 always takes the sources.
import { bundleIsCurrent, loadBundle } from './bundle.js';

if (process.env.CERTCONFORM_FROM_SOURCE !== '1' && bundleIsCurrent()) {
  await loadBundle().main();
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('../src/cli.ts');
  await main();
}
