/**
 * The OData documents every Redfish service publishes (DSP0266 "Service root" / "OData service and metadata
 * documents"): `/redfish/v1/$metadata`, a CSDL document referencing the DMTF schemas the payloads use, and
 * `/redfish/v1/odata`, the OData service document listing the service root's top-level resources.
 * The ami variants also reference (and serve, under OEM_SCHEMA_DIR) CSDL for their Oem.Ami objects.
 * test/redfish-validator.test.ts checks that every @odata.type the mock serves is included here and that
 * every reference resolves, in the DSP8010 schema files or in a file the mock serves.
 */

const DMTF = 'http://redfish.dmtf.org/schemas/v1/';
const ODATA_CORE =
  'http://docs.oasis-open.org/odata/odata/v4.0/errata03/csd01/complete/vocabularies/Org.OData.Core.V1.xml';

/** Versioned namespaces of the types the mock serves (the certificate's comes from the variant). */
const VERSIONED = [
  'ServiceRoot.v1_15_0',
  // ServiceRoot.v1_15_0 defines no EntityContainer of its own; the newest before it is v1_13_0's.
  'ServiceRoot.v1_13_0',
  'AccountService.v1_12_0',
  'ManagerAccount.v1_8_0',
  'ActionInfo.v1_5_0',
  'Manager.v1_10_0',
  'ManagerNetworkProtocol.v1_5_0',
  'ComputerSystem.v1_13_0',
  'CertificateService.v1_0_4',
  'CertificateLocations.v1_0_4',
  'TaskService.v1_3_0',
  'Task.v1_7_4',
  'SessionService.v1_1_8',
  'Session.v1_3_0',
  'Message.v1_1_2',
  'Resource.v1_14_0',
];
/** Collections and other unversioned namespaces (each has its own schema file). */
const UNVERSIONED = [
  'ManagerAccountCollection',
  'CertificateCollection',
  'ManagerCollection',
  'ComputerSystemCollection',
  'TaskCollection',
  'SessionCollection',
];
const CONTAINER = 'ServiceRoot.v1_13_0.ServiceContainer';

/** `Certificate.v1_11_0` from `#Certificate.v1_11_0.Certificate`. */
const namespaceOf = (odataType: string) => odataType.replace(/^#/, '').split('.').slice(0, -1).join('.');

/** Where the mock serves the CSDL of its OEM (AMI) extensions; DSP0266 lets a service host its own schemas. */
export const OEM_SCHEMA_DIR = '/redfish/v1/Schemas';

const head = (refs: Array<[string, string[]]>) => [
  '<?xml version="1.0" encoding="UTF-8"?>',
  '<edmx:Edmx xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx" Version="4.0">',
  `  <edmx:Reference Uri="${ODATA_CORE}">`,
  '    <edmx:Include Namespace="Org.OData.Core.V1" Alias="OData"/>',
  '  </edmx:Reference>',
  `  <edmx:Reference Uri="${DMTF}RedfishExtensions_v1.xml">`,
  '    <edmx:Include Namespace="RedfishExtensions.v1_0_0" Alias="Redfish"/>',
  '  </edmx:Reference>',
  ...refs.flatMap(([uri, namespaces]) => [
    `  <edmx:Reference Uri="${uri}">`,
    ...namespaces.map((ns) => `    <edmx:Include Namespace="${ns}"/>`),
    '  </edmx:Reference>',
  ]),
];

/** One OEM object type (an `Oem.Ami` member), unversioned and v1_0_0 namespaces. */
function oemSchema(
  name: string,
  description: string,
  refs: Array<[string, string[]]>,
  props: string[],
): string {
  return [
    ...head([[`${DMTF}Resource_v1.xml`, ['Resource']], ...refs]),
    '  <edmx:DataServices>',
    `    <Schema xmlns="http://docs.oasis-open.org/odata/ns/edm" Namespace="${name}">`,
    '      <Annotation Term="Redfish.OwningEntity" String="AMI"/>',
    '    </Schema>',
    `    <Schema xmlns="http://docs.oasis-open.org/odata/ns/edm" Namespace="${name}.v1_0_0">`,
    '      <Annotation Term="Redfish.OwningEntity" String="AMI"/>',
    `      <ComplexType Name="${name}" BaseType="Resource.OemObject">`,
    '        <Annotation Term="OData.AdditionalProperties" Bool="false"/>',
    `        <Annotation Term="OData.Description" String="${description}"/>`,
    `        <Annotation Term="OData.LongDescription" String="${description}"/>`,
    ...props.map((p) => `        ${p}`),
    '      </ComplexType>',
    '    </Schema>',
    '  </edmx:DataServices>',
    '</edmx:Edmx>',
    '',
  ].join('\n');
}

/** The AMI OEM schemas the ami variant's payloads use, by file name under OEM_SCHEMA_DIR. */
export const AMI_SCHEMAS: Record<string, string> = {
  'AMICertificate_v1.xml': oemSchema(
    'AMICertificate',
    'AMI OEM properties of a UEFI Boot certificate.',
    [],
    [
      '<Property Name="OwnerGuid" Type="Edm.Guid">',
      '  <Annotation Term="OData.Permissions" EnumMember="OData.Permission/Read"/>',
      '  <Annotation Term="OData.Description" String="The GUID of the owner of the signature."/>',
      '  <Annotation Term="OData.LongDescription" String="This property shall contain the GUID of the owner of the UEFI signature; a Rekey sets a default value."/>',
      '</Property>',
    ],
  ),
  'AMICertificateCollection_v1.xml': oemSchema(
    'AMICertificateCollection',
    'AMI OEM properties of the LDAP certificate collection.',
    [[`${DMTF}CertificateCollection_v1.xml`, ['CertificateCollection']]],
    [
      '<NavigationProperty Name="ClientCertificates" Type="CertificateCollection.CertificateCollection" ContainsTarget="true" Nullable="false">',
      '  <Annotation Term="OData.Permissions" EnumMember="OData.Permission/Read"/>',
      '  <Annotation Term="OData.Description" String="The LDAP client certificates."/>',
      '  <Annotation Term="OData.LongDescription" String="This property shall contain a link to a resource collection of type CertificateCollection that contains the LDAP client certificates."/>',
      '  <Annotation Term="OData.AutoExpandReferences"/>',
      '</NavigationProperty>',
    ],
  ),
};

export function metadataXml(certificateOdataType: string, oem: boolean): string {
  const files = new Map<string, Set<string>>();
  const include = (namespace: string) => {
    const base = namespace.split('.')[0]!;
    const file = `${DMTF}${base}_v1.xml`;
    const set = files.get(file) ?? new Set<string>();
    set.add(base);
    set.add(namespace);
    files.set(file, set);
  };
  for (const ns of [...VERSIONED, ...UNVERSIONED, namespaceOf(certificateOdataType)]) include(ns);

  const refs: Array<[string, string[]]> = [...files]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([file, namespaces]) => [file, [...namespaces].sort()]);
  if (oem)
    for (const file of Object.keys(AMI_SCHEMAS)) {
      const name = file.replace(/_v1\.xml$/, '');
      refs.push([`${OEM_SCHEMA_DIR}/${file}`, [name, `${name}.v1_0_0`]]);
    }
  const lines = head(refs);
  lines.push('  <edmx:DataServices>');
  lines.push('    <Schema xmlns="http://docs.oasis-open.org/odata/ns/edm" Namespace="Service">');
  lines.push(`      <EntityContainer Name="Service" Extends="${CONTAINER}"/>`);
  lines.push('    </Schema>');
  lines.push('  </edmx:DataServices>');
  lines.push('</edmx:Edmx>');
  return `${lines.join('\n')}\n`;
}

type Link = { '@odata.id'?: unknown } | null | undefined;

/** The OData service document: the service root and each resource it links (also under Links), as DMTF's do. */
export function odataServiceDocument(root: Record<string, unknown>): Record<string, unknown> {
  const links = { ...root, ...((root.Links as Record<string, unknown> | undefined) ?? {}) };
  const value = [{ name: 'Service', kind: 'Singleton', url: '/redfish/v1/' }];
  for (const [name, v] of Object.entries(links)) {
    const url = (v as Link)?.['@odata.id'];
    if (name !== '@odata.id' && typeof url === 'string') value.push({ name, kind: 'Singleton', url });
  }
  return { '@odata.context': '/redfish/v1/$metadata', value };
}
