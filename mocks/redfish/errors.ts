import { readFileSync } from 'node:fs';
import { repoPath } from '../../src/paths.ts';

interface RegistryMessage {
  Message: string;
  NumberOfArgs?: number;
  Resolution?: string;
  MessageSeverity?: string;
}

const BASE = JSON.parse(readFileSync(repoPath('specs/redfish/registries/Base.1.22.1.json'), 'utf8')) as {
  Messages: Record<string, RegistryMessage>;
};

export type BaseKey = keyof typeof BASE.Messages & string;

/** One Redfish Message object for a Base registry key, with the registry text filled in. */
export function baseMessage(prefix: string, key: string, args: string[] = []): Record<string, unknown> {
  const m = BASE.Messages[key];
  if (!m) throw new Error(`mock bug: no Base message ${key}`);
  const text = m.Message.replace(/%(\d+)/g, (_, n: string) => args[Number(n) - 1] ?? '');
  return {
    MessageId: `${prefix}.${key}`,
    Message: text,
    ...(args.length ? { MessageArgs: args } : {}),
    MessageSeverity: m.MessageSeverity ?? 'Warning',
    ...(m.Resolution ? { Resolution: m.Resolution } : {}),
  };
}

/** The DSP0266 extended error body: error.code/message from the first message, all in @Message.ExtendedInfo. */
export function errorBody(
  prefix: string,
  key: string,
  args: string[] = [],
  extra?: Record<string, unknown>,
): Record<string, unknown> {
  const msg = baseMessage(prefix, key, args);
  return {
    error: {
      code: msg.MessageId,
      message: msg.Message,
      '@Message.ExtendedInfo': [msg],
      ...extra,
    },
  };
}
