import { collection, ref } from '../answers.ts';
import type { RedfishContext } from '../context.ts';
import { U } from '../state.ts';

/** The BMC's Manager and its NetworkProtocol, which links the HTTPS certificates. */
export function registerManagers({ cfg, routes, state }: RedfishContext): void {
  const { managerUri, collections } = state;
  routes.resource((path) => {
    switch (path) {
      case `${U}/Managers`:
        return collection(path, '#ManagerCollection.ManagerCollection', 'Managers', [managerUri]);
      case managerUri:
        return {
          '@odata.id': path,
          '@odata.type': '#Manager.v1_10_0.Manager',
          Id: cfg.managerId,
          Name: 'BMC',
          NetworkProtocol: ref(`${managerUri}/NetworkProtocol`),
        };
      case `${managerUri}/NetworkProtocol`:
        return {
          '@odata.id': path,
          '@odata.type': '#ManagerNetworkProtocol.v1_5_0.ManagerNetworkProtocol',
          Id: 'NetworkProtocol',
          Name: 'Network Protocol',
          HTTPS: { Port: 443, ProtocolEnabled: true, Certificates: ref(collections.https) },
        };
    }
    return undefined;
  });
}
