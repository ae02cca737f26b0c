import type { AnyApi, ApiId } from '../src/core/api.ts';
import { redfishApi } from './redfish/index.ts';
import { czertainlyApi } from './czertainly/index.ts';
import { keyfactorApi } from './keyfactor/index.ts';
import { oracleSbcApi } from './oracle-sbc/index.ts';

/** Every API certconform tests, in the order runs and reports list them. */
export const APIS: Record<ApiId, AnyApi> = {
  redfish: redfishApi as AnyApi,
  czertainly: czertainlyApi as AnyApi,
  keyfactor: keyfactorApi as AnyApi,
  'oracle-sbc': oracleSbcApi as AnyApi,
};
