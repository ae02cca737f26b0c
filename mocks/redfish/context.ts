import type { TestCa } from '../../src/pki/ca.ts';
import type { KeyPool } from '../../src/pki/keys.ts';
import type { ErrorAnswer } from './answers.ts';
import type { Fault } from './faults.ts';
import type { RouteTable } from './router.ts';
import type { MockCert, RedfishState } from './state.ts';
import type { VariantConfig } from './variants.ts';

/** What every room is given: the variant, its faults, the mock's state and the route table to add to. */
export interface RedfishContext {
  cfg: VariantConfig;
  has: (f: Fault) => boolean;
  /** The Base registry prefix of the vendor's MessageIds. */
  prefix: string;
  err: ErrorAnswer;
  state: RedfishState;
  routes: RouteTable;
  ca: TestCa;
  pool: KeyPool;
  /** Serves a certificate's key pair on the port when it is the HTTPS certificate (and the port speaks TLS). */
  setTls: (c: MockCert) => void;
}
