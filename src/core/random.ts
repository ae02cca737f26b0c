import { createECDH, createHash, randomBytes, type JsonWebKey } from 'node:crypto';
import { currentRule } from '../http/evidence.ts';

/**
 * Deterministic harness randomness. Every value the harness invents and sends (challenge passwords, common
 * names, UUIDs, keys, the timestamps it writes into requests) comes from the run's seed, so a replay of a
 * recording sends the same requests. Each rule of each target draws from its own stream (seed, target, rule),
 * so a rule's values do not depend on which rules ran before it. Outside any rule scope (a bundled mock
 * answering a request) the values are truly random: the device side is not the harness.
 */
interface SeedState {
  seed: number;
  /** The run's start. */
  epochMs: number;
  counters: Map<string, number>;
  /** The harness clock of each rule: the time it first asked for one (a replay uses the recorded ones). */
  clocks: Map<string, number>;
  /** Rules that sent a value on purpose not drawn from the seed, with what it was. */
  unseeded: Map<string, string>;
  /** The secrets the harness generated, by target: value → label (rule and draw), see `seededSecret`. */
  secrets: Map<string, Map<string, string>>;
}

let state: SeedState = {
  seed: randomSeed(),
  epochMs: Date.now(),
  counters: new Map(),
  clocks: new Map(),
  unseeded: new Map(),
  secrets: new Map(),
};

/** A seed for a run that did not pin one (`--seed N`). */
export function randomSeed(): number {
  return randomBytes(4).readUInt32BE(0);
}

/** Starts the harness streams afresh: at the start of a run, and of a replay with the recorded seed and clock. */
export function setHarnessSeed(
  seed: number,
  epochMs = Date.now(),
  clocks: Record<string, number> = {},
): void {
  state = {
    seed,
    epochMs,
    counters: new Map(),
    clocks: new Map(Object.entries(clocks)),
    unseeded: new Map(),
    secrets: new Map(),
  };
  generation++;
}

let generation = 0;

/**
 * Which sequence a per-target draw (a key pool's next key) belongs to: the target, in this run or replay. Each
 * target counts on its own, so targets running side by side do not change each other's draws. Undefined
 * outside a rule scope (a mock).
 */
export function drawSequence(): string | undefined {
  const scope = currentRule();
  return scope ? `${generation}\u0000${scope.target}` : undefined;
}

/** The harness clocks of the rules of one target (recorded in its HAR, set again by a replay). */
export function harnessClocks(target: string): Record<string, number> {
  const prefix = `${target}\u0000`;
  return Object.fromEntries(
    [...state.clocks].filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]),
  );
}

/**
 * Says that the current rule sends a value not drawn from the seed, on purpose (a fresh RSA key no pool holds):
 * a replay of its recording cannot send the same request, and says so instead of a verdict.
 */
export function unseeded(what: string): void {
  const key = streamKey();
  if (key) state.unseeded.set(key, what);
}

/** The rules of one target that sent unseeded values, and what (recorded in its HAR). */
export function unseededRules(target: string): Record<string, string> {
  const prefix = `${target}\u0000`;
  return Object.fromEntries(
    [...state.unseeded].filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]),
  );
}

/** The harness clocks of one target's rules as a replay sets them. */
export function targetClocks(target: string, clocks: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(clocks).map(([rule, v]) => [`${target}\u0000${rule}`, v]));
}

export function harnessSeed(): number {
  return state.seed;
}

export function harnessEpochMs(): number {
  return state.epochMs;
}

function streamKey(): string | undefined {
  const scope = currentRule();
  return scope ? `${scope.target}\u0000${scope.rule}` : undefined;
}

/** `n` bytes from the current rule's stream (SHA-256 in counter mode over seed, target, rule, draw number). */
export function seededBytes(n: number): Buffer {
  const key = streamKey();
  if (!key) return randomBytes(n);
  const out: Buffer[] = [];
  let have = 0;
  while (have < n) {
    const i = state.counters.get(key) ?? 0;
    state.counters.set(key, i + 1);
    const block = createHash('sha256').update(`${state.seed}\u0000${key}\u0000${i}`).digest();
    out.push(block);
    have += block.length;
  }
  return Buffer.concat(out).subarray(0, n);
}

/**
 * A secret the harness invents and sends (a challenge password, a PFX password): `bytes` from the current rule's
 * stream, written by `format` with letters, digits, `-` and `_` only (the same in every encoding). It is labelled
 * with its rule and draw, so a recording names it by a placeholder and a replay, which draws the same value, puts
 * it back. Register it as a secret too (`t.secret`).
 */
export function seededSecret(format: (bytes: Buffer) => string, bytes = 12): string {
  const scope = currentRule();
  const key = streamKey();
  const draw = key ? (state.counters.get(key) ?? 0) : 0;
  const value = format(seededBytes(bytes));
  if (!/^[A-Za-z0-9_-]+$/.test(value))
    throw new Error(`seededSecret: "${format.toString()}" writes other characters`);
  if (scope) {
    const mine = state.secrets.get(scope.target) ?? new Map<string, string>();
    mine.set(value, `${scope.rule}:${draw}`);
    state.secrets.set(scope.target, mine);
  }
  return value;
}

/** The secrets the harness generated for one target: value → label (a recording's placeholders, a replay's values). */
export function generatedSecrets(target: string): ReadonlyMap<string, string> {
  return state.secrets.get(target) ?? new Map();
}

/** An RFC 9562 version 4 UUID from the current rule's stream. */
export function seededUuid(): string {
  const b = seededBytes(16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** A non-negative integer below `max` from the current rule's stream. */
export function seededInt(max: number): number {
  return seededBytes(4).readUInt32BE(0) % max;
}

/**
 * The time the harness writes into what it sends. Inside a rule it is the time the rule first asked (the same
 * for the rest of the rule, and the recorded one in a replay, so a replay sends the same bytes); outside a rule
 * (a mock) it is the wall clock.
 */
export function harnessNow(): Date {
  const key = streamKey();
  if (!key) return new Date();
  let t = state.clocks.get(key);
  if (t === undefined) {
    t = Date.now();
    state.clocks.set(key, t);
  }
  return new Date(t);
}

/** A P-256 key pair from the current rule's stream, as JWKs (import with WebCrypto). */
export function seededP256Jwk(): { privateJwk: JsonWebKey; publicJwk: JsonWebKey } {
  const ecdh = createECDH('prime256v1');
  // A 32-byte scalar is below the group order with overwhelming probability; redraw in the rare other case.
  for (;;) {
    try {
      ecdh.setPrivateKey(seededBytes(32));
      break;
    } catch {
      continue;
    }
  }
  const pub = ecdh.getPublicKey();
  const x = pub.subarray(1, 33).toString('base64url');
  const y = pub.subarray(33, 65).toString('base64url');
  const publicJwk = { kty: 'EC', crv: 'P-256', x, y, ext: true };
  return { privateJwk: { ...publicJwk, d: ecdh.getPrivateKey().toString('base64url') }, publicJwk };
}
