import { readFileSync } from 'node:fs';
import { repoPath } from './paths.ts';

const pkg = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { name: string; version: string };

export const TOOL = { name: pkg.name, version: pkg.version } as const;
