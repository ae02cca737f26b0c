import type { RuleRun } from '../../../src/core/api.ts';
import { check, confirmServerError, show } from '../../../src/core/check.ts';
import type { SbcClient } from '../client.ts';
import { OPERATIONS, served } from '../operations.ts';
import { expectStatus, rule } from '../rule.ts';
import { envelope, text, xmlAt } from '../xml.ts';

async function supportedVersions(t: RuleRun<SbcClient>) {
  const res = served(await t.ctx.discovery('/rest/api/supportedversions'), OPERATIONS.discovery);
  expectStatus(res, 200, 'GET /rest/api/supportedversions');
  const sv = envelope(res).data.supportedVersions;
  const latest = text(sv, 'latestVersion');
  const others = (
    (sv as { otherVersions?: { version?: unknown[] } } | undefined)?.otherVersions?.version ?? []
  ).map(String);
  return { latest, others, res };
}

export const versionDiscovery = rule({
  id: 'SBC-VER-001',
  title: 'GET /rest/api/supportedversions answers 200 with supportedVersions/latestVersion.',
  level: 'MUST',
  cite: {
    source: 'sbc-notes',
    section: '§1 Transport, media types, versions: Version discovery',
    quote: 'GET /rest/api/supportedversions (no version segment',
  },
  auth: 'none',
  unversioned: true,
  faults: ['versions-latest-missing'],
  async check(t) {
    const { latest, res } = await supportedVersions(t);
    check(
      latest !== undefined && /^v\d+\.\d+$/.test(latest),
      `supportedVersions/latestVersion: expected a version such as "v1.2", got ${show(latest)}`,
      xmlAt(res, '/response/data/supportedVersions/latestVersion'),
    );
  },
});

export const versionListed = rule({
  id: 'SBC-VER-002',
  title:
    'The supported versions include the version the SBC serves its certificate endpoints at (v1.2), when it serves it.',
  level: 'MUST',
  cite: {
    source: 'oracle-generate-request',
    section: 'Path Parameters: version',
    quote: 'Available values: v1.2',
  },
  auth: 'none',
  faults: ['versions-omit-v1.2'],
  async check(t) {
    // A release without v1.2 skips (capability api-version): it only has to list what it serves.
    const { latest, others } = await supportedVersions(t);
    const all = [...(latest ? [latest] : []), ...others];
    check(
      all.includes(t.ctx.params.apiVersion),
      `supported versions: expected ${t.ctx.params.apiVersion} among them, got ${show(all)}`,
    );
  },
});

export const versionedDiscoveryRefused = rule({
  id: 'SBC-VER-003',
  title: 'Version discovery with a version segment in the URI answers 404.',
  level: 'MUST',
  cite: {
    source: 'sbc-notes',
    section: '§1 Transport, media types, versions: Version discovery',
    quote: 'a versioned URI → 404 "This API must not contain a version number"',
  },
  auth: 'none',
  unversioned: true,
  judgesServerErrors: true,
  faults: ['versioned-discovery-served'],
  async check(t) {
    const res = await confirmServerError(() => t.ctx.discovery(t.ctx.path('api/supportedversions')));
    expectStatus(res, 404, `GET ${t.ctx.path('api/supportedversions')}`);
  },
});

export const unknownVersionRefused = rule({
  id: 'SBC-VER-004',
  title: 'An unsupported version segment in the URI answers 404.',
  level: 'MUST',
  cite: {
    source: 'sbc-notes',
    section: '§1 Transport, media types, versions: Unknown version in URI',
    quote: '404 ("Unsupported versionId in URI")',
  },
  judgesServerErrors: true,
  faults: ['unknown-version-served'],
  async check(t) {
    const path = t.ctx.path('configuration/elementTypes/template', 'v9.9');
    const res = await confirmServerError(() =>
      t.ctx.admin.request('GET', path, { query: { elementType: 'certificate-record' } }),
    );
    expectStatus(res, 404, `GET ${path}`);
  },
});

export const versionRules = [
  versionDiscovery,
  versionListed,
  versionedDiscoveryRefused,
  unknownVersionRefused,
];
