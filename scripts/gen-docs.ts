/** Regenerates docs/RULES.md from the rule metadata (a test keeps it in sync). */
import { writeFileSync } from 'node:fs';
import { APIS } from '../suites/index.ts';
import { repoPath } from '../src/paths.ts';
import { catalogMarkdown } from '../src/report/catalog.ts';

writeFileSync(repoPath('docs/RULES.md'), catalogMarkdown(Object.values(APIS)));
console.log('wrote docs/RULES.md');
