import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { scopeOf } from '../../platform/auth/principal.js';
import { withOrg } from '../../platform/db/with-org.js';
import { errors } from '../../platform/errors.js';
import { route, type RouteDef } from '../../platform/http/route.js';
import { IdParams, listOf } from '../../platform/http/schemas.js';
import { addContacts, deleteContact, getContact, listContacts, patchContact } from './contacts.js';
import { exportResultsCsv } from './export.js';
import { importContactsCsv } from './import.js';
import {
  AddContactsBody,
  CampaignListItem,
  CampaignListQuery,
  CampaignOut,
  CampaignStats,
  ContactListQuery,
  ContactOut,
  ContactParams,
  CONTACT_LIMITS,
  CreateCampaignBody,
  ImportResult,
  PatchCampaignBody,
  PatchContactBody,
} from './schemas.js';
import { changeCampaignState, createCampaign, deleteCampaign, getCampaign, listCampaigns, patchCampaign } from './service.js';
import { campaignStats, openStatsStream, wantsEventStream } from './stats.js';
import { announceCampaignWork } from './wake.js';

const tags = ['campaigns'];

/** The one `file` part of a CSV upload, as a stream (never buffered). */
async function csvPart(request: FastifyRequest) {
  if (!request.isMultipart()) throw errors.unsupportedMediaType('Send the CSV as multipart/form-data with a "file" field');
  const part = await request.file({ limits: { fileSize: CONTACT_LIMITS.importBytes, files: 1, fields: 0, parts: 1 } });
  if (!part) throw errors.validation('No file was uploaded', [{ path: 'file', message: 'required' }]);
  if (part.fieldname !== 'file') {
    part.file.resume();
    throw errors.validation('Unexpected file field', [{ path: part.fieldname, message: 'the CSV goes in the "file" field' }]);
  }
  return part.file;
}

const lifecycle = (action: 'start' | 'pause' | 'resume' | 'cancel', summary: string): RouteDef =>
  route({
    method: 'POST',
    url: `/campaigns/:id/${action}`,
    operation: `campaigns.${action}`,
    summary,
    permission: 'config:write',
    tags,
    params: IdParams,
    response: { 200: CampaignOut },
    handler: async ({ deps, principal, params, meta }) => {
      const campaign = await withOrg(deps.db, scopeOf(principal), (tx) => changeCampaignState(tx, principal, params.id, action, meta));
      // Committed: the dialing engines start now, not at their next poll.
      if (campaign.status === 'running') announceCampaignWork(deps);
      return campaign;
    },
  });

/** Campaigns are configuration: read with config:read, changed and run with config:write (owner, admin). */
export const campaignRoutes: RouteDef[] = [
  route({
    method: 'GET',
    url: '/campaigns',
    operation: 'campaigns.list',
    summary: 'Campaigns, newest first, each with its progress (contacts done / total); filter by status',
    permission: 'config:read',
    tags,
    query: CampaignListQuery,
    response: { 200: listOf(CampaignListItem) },
    txHandler: ({ tx, query }) => listCampaigns(tx, query),
  }),
  route({
    method: 'POST',
    url: '/campaigns',
    operation: 'campaigns.create',
    summary: 'Create a campaign (status draft)',
    permission: 'config:write',
    tags,
    body: CreateCampaignBody,
    bodyLimit: 16 * 1024,
    status: 201,
    response: { 201: CampaignOut },
    txHandler: ({ tx, principal, body, meta }) => createCampaign(tx, principal, body, meta),
  }),
  route({
    method: 'GET',
    url: '/campaigns/:id',
    operation: 'campaigns.get',
    permission: 'config:read',
    tags,
    params: IdParams,
    response: { 200: CampaignOut },
    txHandler: ({ tx, params }) => getCampaign(tx, params.id),
  }),
  route({
    method: 'PATCH',
    url: '/campaigns/:id',
    operation: 'campaigns.update',
    summary: 'Change a campaign (running/paused: not its agent, flow or channel; finished: only its name)',
    permission: 'config:write',
    tags,
    params: IdParams,
    body: PatchCampaignBody,
    bodyLimit: 16 * 1024,
    response: { 200: CampaignOut },
    txHandler: ({ tx, principal, params, body, meta }) => patchCampaign(tx, principal, params.id, body, meta),
  }),
  route({
    method: 'DELETE',
    url: '/campaigns/:id',
    operation: 'campaigns.delete',
    summary: 'Delete a campaign and its contacts (not while running or paused: cancel first); its calls stay',
    permission: 'config:write',
    tags,
    params: IdParams,
    status: 204,
    txHandler: ({ tx, principal, params, meta }) => deleteCampaign(tx, principal, params.id, meta),
  }),
  lifecycle('start', 'Start dialing (draft → running); emits campaign.started'),
  lifecycle('pause', 'Stop placing new calls (running → paused); calls in progress finish'),
  lifecycle('resume', 'Dial again (paused → running)'),
  lifecycle('cancel', 'End the campaign for good (→ cancelled); contacts not yet called are cancelled'),
  route({
    method: 'GET',
    url: '/campaigns/:id/stats',
    operation: 'campaigns.stats',
    summary: 'Counts per contact status and outcome, attempts, answer rate; with Accept: text/event-stream, a live stream of them',
    permission: 'config:read',
    tags,
    params: IdParams,
    response: { 200: CampaignStats },
    handler: async ({ deps, principal, params, request, reply }) => {
      if (!wantsEventStream(request.headers.accept)) return withOrg(deps.db, scopeOf(principal), (tx) => campaignStats(tx, params.id));
      const stream = await openStatsStream(deps, principal, request.headers.authorization, params.id);
      reply.raw.once('close', () => stream.destroy());
      void reply.header('content-type', 'text/event-stream; charset=utf-8').header('cache-control', 'no-cache').header('x-accel-buffering', 'no').header('connection', 'close');
      return stream;
    },
  }),
  route({
    method: 'GET',
    url: '/campaigns/:id/export',
    operation: 'campaigns.export',
    summary: 'Results per contact as CSV (spreadsheet-safe: formula-like cells are prefixed with an apostrophe)',
    permission: 'config:read',
    tags,
    params: IdParams,
    response: { 200: z.string().describe('text/csv') },
    handler: async ({ deps, principal, params, reply }) => {
      const { filename, stream } = await exportResultsCsv(deps, principal, params.id);
      void reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${filename}"`);
      return stream;
    },
  }),
  route({
    method: 'POST',
    url: '/campaigns/:id/contacts',
    operation: 'campaigns.contacts.add',
    summary: `Add contacts (JSON array, at most ${CONTACT_LIMITS.batch}); rejections name the array index`,
    permission: 'config:write',
    tags,
    params: IdParams,
    body: AddContactsBody,
    bodyLimit: 16 * 1024 * 1024,
    status: 201,
    response: { 201: ImportResult },
    txHandler: ({ tx, principal, params, body, meta }) => addContacts(tx, principal, params.id, body, meta),
  }),
  route({
    method: 'POST',
    url: '/campaigns/:id/contacts/import',
    operation: 'campaigns.contacts.import',
    summary: 'Import contacts from a CSV (multipart `file`, UTF-8): a `phone` column, optional `name` and `timezone`, other columns become custom data',
    permission: 'config:write',
    tags,
    params: IdParams,
    status: 201,
    response: { 201: ImportResult },
    handler: async ({ deps, principal, params, request, meta }) => {
      const file = await csvPart(request);
      try {
        return await importContactsCsv(deps, principal, params.id, file, meta);
      } finally {
        // Whatever stopped the import, the rest of the upload is drained so the reply can go out.
        file.resume();
      }
    },
  }),
  route({
    method: 'GET',
    url: '/campaigns/:id/contacts',
    operation: 'campaigns.contacts.list',
    summary: 'Contacts of the campaign, newest first; filter by status',
    permission: 'config:read',
    tags,
    params: IdParams,
    query: ContactListQuery,
    response: { 200: listOf(ContactOut) },
    txHandler: ({ tx, params, query }) => listContacts(tx, params.id, query),
  }),
  route({
    method: 'GET',
    url: '/campaigns/:id/contacts/:contact_id',
    operation: 'campaigns.contacts.get',
    permission: 'config:read',
    tags,
    params: ContactParams,
    response: { 200: ContactOut },
    txHandler: ({ tx, params }) => getContact(tx, params.id, params.contact_id),
  }),
  route({
    method: 'PATCH',
    url: '/campaigns/:id/contacts/:contact_id',
    operation: 'campaigns.contacts.update',
    summary: 'Change a contact that is still waiting for its call',
    permission: 'config:write',
    tags,
    params: ContactParams,
    body: PatchContactBody,
    bodyLimit: 128 * 1024,
    response: { 200: ContactOut },
    txHandler: ({ tx, principal, params, body, meta }) => patchContact(tx, principal, params.id, params.contact_id, body, meta),
  }),
  route({
    method: 'DELETE',
    url: '/campaigns/:id/contacts/:contact_id',
    operation: 'campaigns.contacts.delete',
    summary: 'Delete a contact and its personal data (not while it is being called)',
    permission: 'config:write',
    tags,
    params: ContactParams,
    status: 204,
    txHandler: ({ tx, principal, params, meta }) => deleteContact(tx, principal, params.id, params.contact_id, meta),
  }),
];
