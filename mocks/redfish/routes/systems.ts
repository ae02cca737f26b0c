import { collection, ref } from '../answers.ts';
import type { RedfishContext } from '../context.ts';
import { parseBody } from '../request-body.ts';
import { U } from '../state.ts';

/** The system's Reset action accepts these and does nothing (the mock has no power to switch). */
const RESET_TYPES = ['On', 'ForceOff', 'GracefulShutdown', 'GracefulRestart', 'ForceRestart'] as const;

/** The computer system: its Boot settings (with the boot certificates) and a Reset advertised like a real one's. */
export function registerSystems(ctx: RedfishContext): void {
  const { cfg, err, routes, state } = ctx;
  const { systemUri, collections } = state;
  const resetUri = `${systemUri}/Actions/ComputerSystem.Reset`;

  routes.resource((path) => {
    switch (path) {
      case `${U}/Systems`:
        return collection(path, '#ComputerSystemCollection.ComputerSystemCollection', 'Systems', [systemUri]);
      case systemUri:
        return {
          '@odata.id': path,
          '@odata.type': '#ComputerSystem.v1_13_0.ComputerSystem',
          Id: cfg.systemId,
          Name: 'System',
          // Every system has Boot settings (sushy requires them); the certificates only where the variant has them.
          Boot: {
            BootSourceOverrideEnabled: 'Disabled',
            BootSourceOverrideTarget: 'None',
            ...(cfg.bootCertificates ? { Certificates: ref(collections.boot) } : {}),
          },
          Actions: {
            '#ComputerSystem.Reset': {
              target: resetUri,
              'ResetType@Redfish.AllowableValues': [...RESET_TYPES],
            },
          },
        };
    }
    return undefined;
  });

  routes.authenticated({
    match: ({ path }) => path === resetUri,
    answer: ({ req, method, user }) => {
      if (method !== 'POST') return err(405, 'OperationNotAllowed', [], { Allow: 'POST' });
      if (user.role === 'ReadOnly') return err(403, 'InsufficientPrivilege');
      const parsed = parseBody(ctx, req);
      if (!parsed.ok) return parsed.answer;
      for (const p of Object.keys(parsed.value))
        if (p !== 'ResetType') return err(400, 'ActionParameterUnknown', ['Reset', p]);
      const type = parsed.value.ResetType;
      if (type === undefined) return err(400, 'ActionParameterMissing', ['Reset', 'ResetType']);
      if (!(RESET_TYPES as readonly unknown[]).includes(type))
        return err(400, 'ActionParameterValueNotInList', [String(type), 'ResetType', 'Reset']);
      return { status: 204 };
    },
  });
}
