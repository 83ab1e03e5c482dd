/**
 * "Start from template": flows shipped with the console. Each validates against the API for any
 * organization (no tool or agent ids), and docs/flows.md ("Templates") describes them; both are checked
 * by test/console/flow-templates.test.ts.
 */
import type { FlowDoc } from '../graph';
import afterHours from './after-hours-routing.json';
import appointment from './appointment-booking.json';
import ivr from './ivr-menu.json';
import triage from './support-triage.json';

export interface Template {
  id: string;
  title: string;
  description: string;
  flow: Omit<FlowDoc, 'variables'> & { variables?: FlowDoc['variables'] };
}

// JSON imports widen string literals (a node's `type`); the test proves each file is a valid flow.
const asFlow = (json: unknown) => json as Template['flow'];

export const TEMPLATES: Template[] = [
  { id: 'appointment-booking', title: 'Appointment booking', description: 'Collects a name and a time, confirms with a condition, texts the booking; hands over to reception when stuck.', flow: asFlow(appointment) },
  { id: 'ivr-menu', title: 'IVR key menu', description: 'A DTMF menu: transfers to sales or the operator, support by handoff, opening hours on 3, repeat on 9.', flow: asFlow(ivr) },
  { id: 'support-triage', title: 'Support triage', description: 'AI classification of the caller’s problem into billing, technical or cancel, each to the right team.', flow: asFlow(triage) },
  { id: 'after-hours-routing', title: 'After-hours routing', description: 'Opening hours decide: transfer when open; when closed, offer a callback or text the hours.', flow: asFlow(afterHours) },
];

export const templateById = (id: string | null) => TEMPLATES.find((t) => t.id === id);
