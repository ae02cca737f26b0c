/**
 * `certconform init`: the profile for a target given on the command line, as a YAML file a person edits. What
 * was given is written as values (secrets only as `${ENV}` references); everything else the profile and the API's
 * params can hold is written as commented placeholders with its description, so nothing has to be looked up.
 */
import { stringify } from 'yaml';
import type { AnyApi } from '../core/api.ts';
import { DEFAULT_TIMEOUTS } from '../core/targets.ts';
import { Redactor } from '../http/redact.ts';
import { commandLineProfile, optionMessage, type CommandLineTarget } from './command-line.ts';
import { profileFromValue } from './load.ts';
import { UsageError } from '../core/errors.ts';

/** The variable a --password-file password is referred to by in a written profile (a file is never copied in). */
export const PASSWORD_VARIABLE = 'CERTCONFORM_PASSWORD';

interface SchemaNode {
  type?: string | string[];
  description?: string;
  enum?: unknown[];
  pattern?: string;
  format?: string;
  minimum?: number;
  items?: SchemaNode;
  properties?: Record<string, SchemaNode>;
  required?: string[];
}

/**
 * The profile text. Checked like a run would check it (the password and token variables need not be set yet, and
 * the API's required params may still be placeholders), so a mistake is found now, not at the first run.
 */
export function initProfile(o: CommandLineTarget, apis: Record<string, AnyApi>, cwd = process.cwd()): string {
  const { value } = commandLineProfile(o, process.env, { forInit: true });
  const auth = value.auth as Record<string, unknown>;
  if (o.passwordFile !== undefined) auth.password = `\${${PASSWORD_VARIABLE}}`;
  const api = apis[value.api as string];
  if (!api)
    throw new UsageError(
      `--api: unknown api "${String(value.api)}" (known: ${Object.keys(apis).join(', ')})`,
    );
  // Unset variables stand in with a placeholder for the check: the profile is written for later.
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const m of JSON.stringify(value).matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g))
    if (!env[m[1]!]) env[m[1]!] = 'placeholder-for-the-check';
  try {
    profileFromValue(
      value,
      { file: 'command line', where: 'command line', dir: cwd },
      withoutRequiredParams(apis),
      new Redactor(),
      env,
    );
  } catch (err) {
    if (err instanceof UsageError) throw new UsageError(optionMessage(err.message, o));
    throw err;
  }

  const out: string[] = [
    `# certconform profile for ${String(value.name)} (${api.title}), written by certconform init.`,
    '# Run it with: certconform run --profile THIS_FILE. Fields: src/profile/profile.schema.json.',
  ];
  const put = (doc: Record<string, unknown>) => out.push(stringify(doc).trimEnd());
  put({ name: value.name, api: value.api });
  if (value.vendor !== undefined) put({ vendor: value.vendor });
  else {
    const vendors = [
      ...new Set(Object.values(api.variants as Record<string, { vendor: string }>).map((v) => v.vendor)),
    ];
    out.push(
      `# vendor: …  # selects the VENDOR rules of that vendor's document (the mocks model: ${vendors.join(', ')}; default: generic)`,
    );
  }
  out.push('# model: …  # shown in the reports', '# firmware: …  # shown in the reports');
  put({ baseUrl: value.baseUrl });
  if (value.tls) put({ tls: value.tls });
  else out.push('# tls: { caFile: ./ca.pem }  # or insecure: true for a self-signed lab device');
  if (value.proxy !== undefined) put({ proxy: value.proxy });
  else
    out.push(
      '# proxy: http://proxy.example:3128  # default: HTTPS_PROXY/NO_PROXY of the environment; none: direct',
    );
  if (value.headers !== undefined) put({ headers: value.headers });
  else
    out.push(
      "# headers: { X-Gateway-Key: '${GATEWAY_KEY}' }  # added to every request; ${ENV} values are secrets",
    );
  put({ auth });
  if (o.passwordFile !== undefined)
    out.push(`# the password: set ${PASSWORD_VARIABLE} (a --password-file is not copied into a profile)`);
  out.push(...accountLines(api));
  out.push(...paramLines(api, (value.params ?? {}) as Record<string, unknown>));
  put({ allowDestructive: value.allowDestructive === true });
  out.push('# (rules that change the target run only when true; each undoes what it changed)');
  out.push(
    `# timeouts: { requestMs: ${DEFAULT_TIMEOUTS.requestMs}, operationMs: ${DEFAULT_TIMEOUTS.operationMs}, ruleMs: ${DEFAULT_TIMEOUTS.ruleMs} }`,
    '# concurrency: 1  # requests in flight at once (read-only rules only)',
    '# expectations: ./known-deviations.yaml  # known failures: reported xfail',
    '# record: true  # a HAR recording of every exchange (<name>.har)',
  );
  return `${out.join('\n')}\n`;
}

function withoutRequiredParams(apis: Record<string, AnyApi>): Record<string, AnyApi> {
  return Object.fromEntries(
    Object.entries(apis).map(([id, api]) => {
      const { required: _r, ...schema } = api.paramsSchema;
      return [id, { ...api, paramsSchema: schema }];
    }),
  );
}

function accountLines(api: AnyApi): string[] {
  if (!api.accountRoles.length) return [];
  return [
    `# accounts:  # other roles, for the privilege rules (${api.accountRoles.join(', ')})`,
    ...api.accountRoles.map(
      (role) =>
        `#   ${role}: { username: …, password: '\${${role.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}_PASSWORD}' }`,
    ),
  ];
}

/** The API's params: given ones as values, the others commented with their type and description. */
function paramLines(api: AnyApi, given: Record<string, unknown>): string[] {
  const schema = api.paramsSchema as SchemaNode;
  const props = Object.entries(schema.properties ?? {});
  if (!props.length) return [];
  const required = new Set(schema.required ?? []);
  // Nothing given: the block is commented whole (uncomment `params:` with the lines you fill in).
  const none = !props.some(([name]) => name in given);
  const lines = [
    `${none ? '# ' : ''}params:  # ${required.size ? `required: ${[...required].join(', ')}; ` : ''}see the suite's README`,
  ];
  for (const [name, node] of props) {
    if (name in given) {
      lines.push(
        ...stringify({ [name]: given[name] })
          .trimEnd()
          .split('\n')
          .map((l) => `  ${l}`),
      );
      continue;
    }
    const what = [required.has(name) ? 'REQUIRED' : '', node.description ?? ''].filter(Boolean).join(': ');
    lines.push(`${none ? '#   ' : '  # '}${name}: ${placeholder(node)}${what ? `  # ${what}` : ''}`);
  }
  return lines;
}

function placeholder(node: SchemaNode): string {
  if (node.enum) return `<one of ${node.enum.map(String).join(' | ')}>`;
  const type = Array.isArray(node.type) ? node.type.join(' | ') : node.type;
  if (node.pattern?.includes('[0-9a-fA-F]{8}-') || node.format === 'uuid') return '<uuid>';
  if (type === 'array')
    return `[<${node.items ? placeholder(node.items).replace(/^<|>$/g, '') : 'value'}>, …]`;
  if (type === 'object') return '{ … }';
  if (type === 'integer' || type === 'number')
    return `<${type}${node.minimum !== undefined ? ` ≥ ${node.minimum}` : ''}>`;
  if (node.pattern?.startsWith('^/redfish/v1/')) return '/redfish/v1/…';
  return `<${type ?? 'value'}>`;
}
