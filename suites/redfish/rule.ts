import { ruleFactory } from '../../src/core/api.ts';
import type { Fault } from '../../mocks/redfish/faults.ts';
import type { Capability } from './capabilities.ts';
import type { RedfishCtx } from './context.ts';
import type { Source } from './sources.ts';

/** Rules of the Redfish suite: sources, faults and capabilities are checked by the compiler. */
export const rule = ruleFactory<RedfishCtx, Source, Fault, Capability>();
