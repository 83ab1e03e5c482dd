import type { FlowBody } from './flow-schema.js';

/**
 * Example flows for the common patterns. docs/flows.md shows exactly these (a test keeps them in
 * step) and each passes `validateFlow` with `exampleContext`.
 */

const CRM_LOOKUP_TOOL_ID = '6f1c2a9e-3b7d-4c1e-9a55-0d2f8e7b1c40';
const ENTERPRISE_AGENT_ID = '0b8e4d2a-7c61-4f3e-8d9a-5e2c1f0a9b37';
const GENERAL_AGENT_ID = 'c3a7f1e2-9d84-4b6a-a1f0-7e5d3c2b8a19';

/** The tool and agent ids the examples name; a real org passes its own. */
export const exampleContext = {
  toolIds: new Set([CRM_LOOKUP_TOOL_ID]),
  agentIds: new Set([ENTERPRISE_AGENT_ID, GENERAL_AGENT_ID]),
};

const ivrMenu: FlowBody = {
  name: 'Main IVR menu',
  nodes: [
    { id: 'start', type: 'entry', data: {} },
    { id: 'welcome', type: 'speak', data: { text: 'Thanks for calling Acme. This call may be recorded.' } },
    {
      id: 'main_menu',
      type: 'dtmf_menu',
      data: {
        prompt: 'For sales press 1. For support press 2. For our opening hours press 3. To hear this again press 9. For the operator press 0.',
        options: [
          { digit: '1', edge_id: 'e_sales' },
          { digit: '2', edge_id: 'e_support' },
          { digit: '3', edge_id: 'e_hours' },
          { digit: '9', edge_id: 'e_repeat' },
          { digit: '0', edge_id: 'e_operator' },
        ],
        timeout_ms: 8000,
        max_attempts: 3,
        invalid_prompt: 'Sorry, that is not an option.',
        no_input_edge_id: 'e_no_input',
      },
    },
    { id: 'sales', type: 'transfer', data: { queue: 'sales', message: 'Connecting you to sales.' } },
    { id: 'support', type: 'human_handoff', data: { queue: 'support', message: 'Connecting you to support. Please hold.', reason: 'Caller chose support in the IVR menu' } },
    { id: 'hours', type: 'speak', data: { text: 'We are open Monday to Friday, 9 am to 6 pm Pacific time.' } },
    { id: 'operator', type: 'transfer', data: { phone_number: '+14155552671', message: 'Transferring you to the operator.' } },
    { id: 'goodbye', type: 'end_call', data: { message: 'We did not get a choice. Please call again. Goodbye.' } },
  ],
  edges: [
    { id: 'e_start', source: 'start', target: 'welcome' },
    { id: 'e_menu', source: 'welcome', target: 'main_menu' },
    { id: 'e_sales', source: 'main_menu', target: 'sales', label: '1 · Sales' },
    { id: 'e_support', source: 'main_menu', target: 'support', label: '2 · Support' },
    { id: 'e_hours', source: 'main_menu', target: 'hours', label: '3 · Hours' },
    { id: 'e_repeat', source: 'main_menu', target: 'main_menu', label: '9 · Repeat' },
    { id: 'e_operator', source: 'main_menu', target: 'operator', label: '0 · Operator' },
    { id: 'e_no_input', source: 'main_menu', target: 'goodbye', label: 'No input' },
    { id: 'e_hours_back', source: 'hours', target: 'main_menu' },
  ],
};

const qualifyThenAgent: FlowBody = {
  name: 'Qualify, then hand to an agent',
  variables: [{ name: 'campaign', default: 'inbound', description: 'Where the lead came from; set by the session starter.' }],
  nodes: [
    { id: 'start', type: 'entry', data: {} },
    { id: 'greet', type: 'speak', data: { text: 'Hi! I am the Acme assistant. Two quick questions before I connect you.' } },
    { id: 'ask_name', type: 'collect', data: { variable: 'name', prompt: 'What is your name?', validation: 'free_text' } },
    {
      id: 'ask_email',
      type: 'collect',
      data: {
        variable: 'email',
        prompt: 'Thanks {{name}}. What is your email address?',
        validation: 'email',
        max_attempts: 2,
        retry_prompt: 'Sorry, that did not sound like an email address. Please spell it out.',
        failure_edge_id: 'e_email_failed',
      },
    },
    {
      id: 'lookup',
      type: 'api_call',
      data: {
        tool_id: CRM_LOOKUP_TOOL_ID,
        arguments: { email: '{{email}}', source: '{{campaign}}' },
        response_mapping: { customer_tier: 'customer.tier', account_owner: 'customer.owner_name' },
        timeout_ms: 5000,
        error_edge_id: 'e_lookup_failed',
      },
    },
    {
      id: 'route',
      type: 'condition',
      data: {
        branches: [{ when: { variable: 'customer_tier', op: 'eq', value: 'enterprise' }, edge_id: 'e_enterprise' }],
        default_edge_id: 'e_general',
      },
    },
    {
      id: 'enterprise_agent',
      type: 'agent',
      data: { agent_id: ENTERPRISE_AGENT_ID, max_turns: 30, context: 'Caller {{name}} <{{email}}> is an enterprise customer; account owner {{account_owner}}.' },
    },
    { id: 'general_agent', type: 'agent', data: { agent_id: GENERAL_AGENT_ID, context: 'Caller {{name}} <{{email}}>, tier {{customer_tier}}, campaign {{campaign}}.' } },
    { id: 'wrap_up', type: 'end_call', data: { message: 'Thanks {{name}}, your account owner will follow up by email. Goodbye!' } },
  ],
  edges: [
    { id: 'e_start', source: 'start', target: 'greet' },
    { id: 'e_name', source: 'greet', target: 'ask_name' },
    { id: 'e_email', source: 'ask_name', target: 'ask_email' },
    { id: 'e_lookup', source: 'ask_email', target: 'lookup' },
    { id: 'e_email_failed', source: 'ask_email', target: 'general_agent', label: 'No valid email' },
    { id: 'e_route', source: 'lookup', target: 'route' },
    { id: 'e_lookup_failed', source: 'lookup', target: 'general_agent', label: 'CRM error' },
    { id: 'e_enterprise', source: 'route', target: 'enterprise_agent', label: 'Enterprise' },
    { id: 'e_general', source: 'route', target: 'general_agent', label: 'Everyone else' },
    { id: 'e_wrap_up', source: 'enterprise_agent', target: 'wrap_up' },
  ],
};

const afterHoursRouting: FlowBody = {
  name: 'After-hours routing',
  nodes: [
    { id: 'start', type: 'entry', data: {} },
    {
      id: 'hours_check',
      type: 'condition',
      data: {
        branches: [
          { when: { op: 'within_hours', timezone: 'Asia/Kolkata', days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' }, edge_id: 'e_open' },
          { when: { op: 'within_hours', timezone: 'Asia/Kolkata', days: [6], start: '10:00', end: '14:00' }, edge_id: 'e_open' },
        ],
        default_edge_id: 'e_closed',
      },
    },
    { id: 'open_greeting', type: 'speak', data: { text: 'Thanks for calling Acme. Connecting you to the next available person.' } },
    { id: 'front_desk', type: 'transfer', data: { queue: 'front_desk' } },
    { id: 'closed_message', type: 'speak', data: { text: 'Thanks for calling Acme. We are closed right now. We are open Monday to Friday 9 to 6, and Saturday 10 to 2, India time.' } },
    {
      id: 'offer_callback',
      type: 'collect',
      data: { variable: 'wants_callback', prompt: 'Would you like us to call you back when we open? Please say yes or no.', validation: 'yes_no', max_attempts: 2, failure_edge_id: 'e_no_answer' },
    },
    {
      id: 'callback_choice',
      type: 'condition',
      data: { branches: [{ when: { variable: 'wants_callback', op: 'eq', value: 'yes' }, edge_id: 'e_yes' }], default_edge_id: 'e_no' },
    },
    { id: 'schedule', type: 'schedule_callback', data: { delay_minutes: 720, note: 'After-hours callback request from {{caller_number}}' } },
    { id: 'confirm', type: 'end_call', data: { message: 'Done. We will call you back on {{caller_number}} once we open. Goodbye!' } },
    { id: 'send_hours', type: 'send_message', data: { channel: 'sms', text: 'Acme opening hours: Mon-Fri 09:00-18:00, Sat 10:00-14:00 (IST).' } },
    { id: 'goodbye', type: 'end_call', data: { message: 'We have sent you our opening hours by text. Goodbye!' } },
  ],
  edges: [
    { id: 'e_start', source: 'start', target: 'hours_check' },
    { id: 'e_open', source: 'hours_check', target: 'open_greeting', label: 'Open' },
    { id: 'e_closed', source: 'hours_check', target: 'closed_message', label: 'Closed' },
    { id: 'e_front_desk', source: 'open_greeting', target: 'front_desk' },
    { id: 'e_offer', source: 'closed_message', target: 'offer_callback' },
    { id: 'e_choice', source: 'offer_callback', target: 'callback_choice' },
    { id: 'e_no_answer', source: 'offer_callback', target: 'send_hours', label: 'No answer' },
    { id: 'e_yes', source: 'callback_choice', target: 'schedule', label: 'Yes' },
    { id: 'e_no', source: 'callback_choice', target: 'send_hours', label: 'No' },
    { id: 'e_confirm', source: 'schedule', target: 'confirm' },
    { id: 'e_goodbye', source: 'send_hours', target: 'goodbye' },
  ],
};

export const examples: Record<'ivr_menu' | 'qualify_then_agent' | 'after_hours_routing', FlowBody> = {
  ivr_menu: ivrMenu,
  qualify_then_agent: qualifyThenAgent,
  after_hours_routing: afterHoursRouting,
};

export type ExampleName = keyof typeof examples;
