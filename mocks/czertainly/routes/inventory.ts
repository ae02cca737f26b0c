import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isObject } from '../checks.ts';
import { message } from '../errors.ts';
import { IDS, UUID_RE } from '../model.ts';
import { requestFromCsr } from '../requests.ts';
import { newCertificate, type CertRequest, type Certificate } from '../world.ts';
import type { Params, RouteContext } from './context.ts';

/** The certificate inventory (/api/v1/certificates): detail, chain, archive, search, create from a CSR. */
export function registerInventoryRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { world, behaviour } = ctx;
  const { certificates } = world;
  const { objectBody, checkFormat, raProfileFor } = ctx.checks;
  const { detail, serialOf, summary } = ctx.answers;

  /** The certificate the path names: 400 for a malformed UUID, 404 for an unknown one. */
  function pathCertificate(req: FastifyRequest): Certificate {
    const { uuid } = req.params as Params;
    if (!UUID_RE.test(uuid!)) throw message(400, `Invalid UUID string: ${uuid}`);
    const c = certificates.get(uuid!);
    if (!c) throw message(404, `Object of type 'Certificate' identified by ${uuid} is not found.`);
    return c;
  }

  app.get('/api/v1/certificates/:uuid', async (req, reply) => {
    return reply.send(detail(pathCertificate(req)));
  });

  for (const [action, archived] of [
    ['archive', true],
    ['unarchive', false],
  ] as const) {
    app.patch(`/api/v1/certificates/:uuid/${action}`, async (req, reply) => {
      pathCertificate(req).archived = archived;
      return reply.code(204).send();
    });
  }

  app.get('/api/v1/certificates/:uuid/chain', async (req, reply) => {
    const c = pathCertificate(req);
    const withEnd = (req.query as Record<string, string>).withEndCertificate === 'true';
    if (!c.cert) return reply.send({ completeChain: false, certificates: [] });
    if (behaviour.caOutsideInventory && c.uuid !== IDS.caCertificate)
      return reply.send({ completeChain: false, certificates: withEnd ? [detail(c)] : [] });
    const chain = [
      ...(withEnd ? [detail(c)] : []),
      ...(c.uuid === IDS.caCertificate ? [] : [detail(certificates.get(IDS.caCertificate)!)]),
    ];
    return reply.send({ completeChain: true, certificates: chain });
  });

  app.post('/api/v1/certificates', async (req, reply) => {
    const body = objectBody(req);
    const filters = Array.isArray(body.filters) ? body.filters : [];
    let list = [...certificates.values()];
    for (const f of filters) {
      if (
        !isObject(f) ||
        f.fieldSource !== 'property' ||
        f.fieldIdentifier !== 'SERIAL_NUMBER' ||
        f.condition !== 'EQUALS' ||
        !behaviour.serialSearch
      ) {
        throw message(400, `Unsupported filter ${JSON.stringify(f)}`);
      }
      const wanted = String(f.value).toLowerCase().replace(/^0+/, '');
      list = list.filter((c) => (serialOf(c) ?? '').replace(/^0+/, '') === wanted);
    }
    const certificatesDto = list.map(summary);
    const itemsPerPage = typeof body.itemsPerPage === 'number' ? body.itemsPerPage : 10;
    return reply.send({
      certificates: certificatesDto.slice(0, itemsPerPage),
      itemsPerPage,
      pageNumber: 1,
      totalPages: Math.max(1, Math.ceil(certificatesDto.length / itemsPerPage)),
      totalItems: certificatesDto.length,
    });
  });

  app.post('/api/v1/certificates/create', async (req, reply) => {
    const body = objectBody(req);
    checkFormat(body);
    const profile = raProfileFor(String(body.raProfileUuid), { requireEnabled: true });
    if (typeof body.request !== 'string' || body.request === '')
      throw message(400, 'Certificate request content is required');
    let request: CertRequest;
    try {
      request = requestFromCsr(body.request);
    } catch (err) {
      throw message(400, (err as Error).message);
    }
    const c = newCertificate(world, profile, request);
    return reply.send(detail(c));
  });
}
