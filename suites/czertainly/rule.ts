import { ruleFactory } from '../../src/core/api.ts';
import type { Fault } from '../../mocks/czertainly/faults.ts';
import type { Capability } from './capabilities.ts';
import type { Ctx } from './context.ts';
import type { Source } from './sources.ts';

/** Every CZERTAINLY rule is made with this: a typo in a source, fault or capability does not compile. */
export const rule = ruleFactory<Ctx, Source, Fault, Capability>();

/** The vendor whose implementation VENDOR rules encode (core-impl citations). */
export const VENDOR = 'czertainly';
