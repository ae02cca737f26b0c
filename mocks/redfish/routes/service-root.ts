import { ref } from '../answers.ts';
import type { RedfishContext } from '../context.ts';
import { AMI_SCHEMAS, OEM_SCHEMA_DIR, metadataXml, odataServiceDocument } from '../metadata.ts';
import { U } from '../state.ts';

/** /redfish, the service root and the OData documents: DSP0266 has them readable without authentication. */
export function registerServiceRoot({ cfg, err, routes }: RedfishContext): void {
  const serviceRoot = () => ({
    '@odata.id': U,
    '@odata.type': '#ServiceRoot.v1_15_0.ServiceRoot',
    Id: 'RootService',
    Name: 'Root Service',
    RedfishVersion: '1.17.0',
    AccountService: ref(`${U}/AccountService`),
    CertificateService: ref(`${U}/CertificateService`),
    Managers: ref(`${U}/Managers`),
    Systems: ref(`${U}/Systems`),
    SessionService: ref(`${U}/SessionService`),
    Tasks: ref(`${U}/TaskService`),
    Links: { Sessions: ref(`${U}/SessionService/Sessions`) },
  });
  routes.resource((path) => (path === U ? serviceRoot() : undefined));

  routes.public({
    match: ({ path, method }) => path === '/redfish' && method === 'GET',
    answer: () => ({ status: 200, body: { v1: `${U}/` } }),
  });
  routes.public({
    match: ({ path, method }) => path === U && method === 'GET',
    answer: () => ({ status: 200, body: serviceRoot() }),
  });
  routes.public({
    match: ({ path }) => path === `${U}/$metadata` || path === `${U}/%24metadata` || path === `${U}/odata`,
    answer: ({ path, method }) => {
      if (method !== 'GET') return err(405, 'OperationNotAllowed', [], { Allow: routes.allowFor(path) });
      if (path.endsWith('odata')) return { status: 200, body: odataServiceDocument(serviceRoot()) };
      return { status: 200, xml: metadataXml(cfg.certificateOdataType, cfg.vendor === 'ami') };
    },
  });
  // The ami variants serve the CSDL of their Oem.Ami objects.
  const oemSchema = (path: string) =>
    path.startsWith(`${OEM_SCHEMA_DIR}/`) ? AMI_SCHEMAS[path.split('/').pop()!] : undefined;
  routes.public({
    match: ({ path }) => !!oemSchema(path) && cfg.vendor === 'ami',
    answer: ({ path, method }) => {
      if (method !== 'GET') return err(405, 'OperationNotAllowed', [], { Allow: routes.allowFor(path) });
      return { status: 200, xml: oemSchema(path)! };
    },
  });
}
