import { writeTemp } from './helpers.ts';

const VARIANTS = ['default', 'spec-casing', 'bearer', 'instant-jobs', 'pfx-generated'];

/** 20 Keyfactor mock profiles, named kf-01 … kf-20, over the variants. */
export function fleetProfiles(dir: string, count = 20): string[] {
  return Array.from({ length: count }, (_, i) => {
    const name = `kf-${String(i + 1).padStart(2, '0')}`;
    return writeTemp(
      dir,
      `${name}.yaml`,
      `name: ${name}\napi: keyfactor\nmock: { variant: ${VARIANTS[i % VARIANTS.length]} }\n`,
    );
  });
}
