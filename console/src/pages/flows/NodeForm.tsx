import { ActionIcon, Button, Checkbox, Group, NumberInput, Paper, Select, Stack, TagsInput, Text, Textarea, TextInput } from '@mantine/core';
import { useForm, type UseFormReturnType } from '@mantine/form';
import type { DataOf, NodeData, NodeType } from './catalog';

/**
 * The form of one node's `data`, one layout per node type (docs/flows.md "Node types"). Values are
 * kept close to the data; `toForm` fills the empty optional fields and `fromForm` drops them again, so
 * an untouched field is never sent. Edge ids are not edited here: the node's connections set them.
 */
type Values = Record<string, unknown>;
type Form = UseFormReturnType<Values>;

export interface Choice {
  value: string;
  label: string;
}

const VALIDATIONS = ['free_text', 'digits', 'number', 'email', 'phone', 'date', 'yes_no', 'regex'];
const OPS = ['eq', 'neq', 'contains', 'gt', 'lt', 'exists', 'matches', 'within_hours'];
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

type When = DataOf<'condition'>['branches'][number]['when'];
const whenToForm = (w: When): Values =>
  w.op === 'within_hours'
    ? { op: w.op, variable: '', value: '', timezone: w.timezone, days: w.days.map(String), start: w.start, end: w.end }
    : { op: w.op, variable: w.variable, value: w.value === undefined ? '' : String(w.value), timezone: '', days: [], start: '', end: '' };

function whenFromForm(v: Values): When {
  if (v.op === 'within_hours') return { op: 'within_hours', timezone: String(v.timezone), days: (v.days as string[]).map(Number), start: String(v.start), end: String(v.end) };
  const op = v.op as Exclude<When['op'], 'within_hours'>;
  const raw = String(v.value ?? '');
  if (op === 'exists') return { variable: String(v.variable), op };
  // gt and lt compare numbers (an unparsable value is sent as typed, for the API to name).
  const value = (op === 'gt' || op === 'lt') && raw.trim() !== '' && !Number.isNaN(Number(raw)) ? Number(raw) : raw;
  return { variable: String(v.variable), op, value };
}

const OPTIONAL: Partial<Record<NodeType, string[]>> = {
  speak: ['text'],
  listen: ['variable', 'timeout_ms'],
  collect: ['pattern', 'max_attempts', 'retry_prompt'],
  dtmf_menu: ['timeout_ms', 'max_attempts', 'invalid_prompt'],
  ai_classify: ['prompt', 'instructions', 'variable'],
  api_call: ['result_variable', 'timeout_ms'],
  agent: ['max_turns', 'context'],
  transfer: ['phone_number', 'queue', 'message'],
  human_handoff: ['queue', 'message', 'reason'],
  schedule_callback: ['delay_minutes', 'time_variable', 'phone_variable', 'message', 'note'],
  send_message: ['channel', 'to_variable'],
  end_call: ['message'],
};

export function toForm(type: NodeType, data: NodeData): Values {
  const values: Values = { ...Object.fromEntries((OPTIONAL[type] ?? []).map((k) => [k, ''])), ...structuredClone(data) };
  if (type === 'api_call') {
    const d = data as DataOf<'api_call'>;
    values.arguments = d.arguments ? JSON.stringify(d.arguments, null, 2) : '';
    values.response_mapping = d.response_mapping ? JSON.stringify(d.response_mapping, null, 2) : '';
  }
  if (type === 'condition') values.branches = (data as DataOf<'condition'>).branches.map((b) => ({ edge_id: b.edge_id, when: whenToForm(b.when) }));
  if (type === 'ai_classify') values.classes = (data as DataOf<'ai_classify'>).classes.map((c) => ({ description: '', examples: [], ...c }));
  return values;
}

/** Empty strings, cleared selects, empty example lists and unset numbers are left out: the field is optional, or the API names it as missing. */
function clean(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(clean);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).flatMap(([k, v]) => (v === '' || v === undefined || v === null || (Array.isArray(v) && v.length === 0 && k === 'examples') ? [] : [[k, clean(v)]])));
  }
  return value;
}

/** The data for the API, or the name of the JSON field that does not parse. */
export function fromForm(type: NodeType, values: Values): { data: NodeData } | { badJson: string } {
  const v = { ...values };
  if (type === 'api_call') {
    for (const key of ['arguments', 'response_mapping']) {
      const text = String(v[key] ?? '').trim();
      if (text === '') v[key] = '';
      else {
        try {
          v[key] = JSON.parse(text);
        } catch {
          return { badJson: key };
        }
      }
    }
  }
  if (type === 'condition') v.branches = (v.branches as Values[]).map((b) => ({ edge_id: b.edge_id, when: whenFromForm(b.when as Values) }));
  return { data: clean(v) as NodeData };
}

const text = (form: Form, key: string, label: string, extra: { description?: string; required?: boolean; long?: boolean; placeholder?: string } = {}) =>
  extra.long ? (
    <Textarea key={key} label={label} description={extra.description} required={extra.required} placeholder={extra.placeholder} autosize minRows={2} maxRows={8} {...form.getInputProps(key)} />
  ) : (
    <TextInput key={key} label={label} description={extra.description} required={extra.required} placeholder={extra.placeholder} {...form.getInputProps(key)} />
  );

const number = (form: Form, key: string, label: string, description?: string) => <NumberInput key={key} label={label} description={description} allowDecimal={false} {...form.getInputProps(key)} />;

const list = (form: Form, key: string) => (form.getValues()[key] as Values[] | undefined) ?? [];

function Rows({ form, field, title, add, render }: { form: Form; field: string; title: string; add: Values; render: (i: number) => React.ReactNode }) {
  const rows = list(form, field);
  return (
    <Stack gap="xs">
      <Text size="sm" fw={500}>
        {title}
      </Text>
      {rows.map((_, i) => (
        <Paper key={i} withBorder p="xs">
          <Group align="flex-end" wrap="nowrap" gap="xs">
            <Stack gap="xs" style={{ flex: 1 }}>
              {render(i)}
            </Stack>
            <ActionIcon variant="subtle" color="red" aria-label={`Remove ${title.toLowerCase()} ${i + 1}`} disabled={rows.length === 1} onClick={() => form.removeListItem(field, i)}>
              ×
            </ActionIcon>
          </Group>
        </Paper>
      ))}
      <Button variant="default" size="xs" onClick={() => form.insertListItem(field, structuredClone(add))}>
        Add {title.toLowerCase().replace(/s$/, '')}
      </Button>
    </Stack>
  );
}

function ConditionRow({ form, i }: { form: Form; i: number }) {
  const p = `branches.${i}.when`;
  const op = (list(form, 'branches')[i]?.when as Values | undefined)?.op;
  return (
    <>
      <Select label={`Branch ${i + 1}: test`} data={OPS} allowDeselect={false} {...form.getInputProps(`${p}.op`)} />
      {op === 'within_hours' ? (
        <>
          <TextInput label="Time zone" placeholder="Asia/Kolkata" {...form.getInputProps(`${p}.timezone`)} />
          <Checkbox.Group label="Days" {...form.getInputProps(`${p}.days`)}>
            <Group gap="xs" mt={4}>
              {WEEKDAYS.map((d, n) => (
                <Checkbox key={d} value={String(n + 1)} label={d} />
              ))}
            </Group>
          </Checkbox.Group>
          <Group grow>
            <TextInput label="From" placeholder="09:00" {...form.getInputProps(`${p}.start`)} />
            <TextInput label="Until" placeholder="18:00" {...form.getInputProps(`${p}.end`)} />
          </Group>
        </>
      ) : (
        <>
          <TextInput label="Variable" placeholder="answer" {...form.getInputProps(`${p}.variable`)} />
          {op !== 'exists' && <TextInput label="Value" {...form.getInputProps(`${p}.value`)} />}
        </>
      )}
    </>
  );
}

function Fields({ type, form, tools, agents }: { type: NodeType; form: Form; tools: Choice[]; agents: Choice[] }) {
  switch (type) {
    case 'entry':
      return <Text size="sm" c="dimmed">The flow starts here. Connect it to the first step, or use “Set as first step” on a node.</Text>;
    case 'speak':
      return text(form, 'text', 'Text', { required: true, long: true, description: 'Said (voice) or sent (chat); may use {{variables}}' });
    case 'listen':
      return (
        <>
          {text(form, 'variable', 'Store the answer in', { placeholder: 'answer' })}
          {number(form, 'timeout_ms', 'Silence timeout (ms)', '1000–120000')}
        </>
      );
    case 'collect':
      return (
        <>
          {text(form, 'variable', 'Variable', { required: true })}
          {text(form, 'prompt', 'Prompt', { required: true, long: true })}
          <Select label="Validation" data={VALIDATIONS} allowDeselect={false} {...form.getInputProps('validation')} />
          {form.getValues().validation === 'regex' && text(form, 'pattern', 'Pattern', { required: true, placeholder: '^[A-Z]{2}\\d{4}$' })}
          {number(form, 'max_attempts', 'Max attempts', '1–10 (default 3)')}
          {text(form, 'retry_prompt', 'Retry prompt', { long: true })}
        </>
      );
    case 'dtmf_menu':
      return (
        <>
          {text(form, 'prompt', 'Prompt', { required: true, long: true })}
          <Rows form={form} field="options" title="Keys" add={{ digit: '', edge_id: '' }} render={(i) => <TextInput label={`Key ${i + 1}`} placeholder="0-9, * or #" maxLength={1} {...form.getInputProps(`options.${i}.digit`)} />} />
          {number(form, 'timeout_ms', 'Timeout (ms)')}
          {number(form, 'max_attempts', 'Max attempts')}
          {text(form, 'invalid_prompt', 'Invalid key prompt')}
        </>
      );
    case 'condition':
      return <Rows form={form} field="branches" title="Branches" add={{ edge_id: '', when: whenToForm({ variable: '', op: 'eq', value: '' }) }} render={(i) => <ConditionRow form={form} i={i} />} />;
    case 'ai_classify':
      return (
        <>
          {text(form, 'prompt', 'Question', { long: true, description: 'Asked first; without it the last utterance is classified' })}
          {text(form, 'instructions', 'Instructions', { long: true })}
          {text(form, 'variable', 'Store the label in')}
          <Rows
            form={form}
            field="classes"
            title="Classes"
            add={{ label: '', description: '', examples: [], edge_id: '' }}
            render={(i) => (
              <>
                <TextInput label={`Class ${i + 1} label`} {...form.getInputProps(`classes.${i}.label`)} />
                <TextInput label="Description" {...form.getInputProps(`classes.${i}.description`)} />
                <TagsInput label="Examples" description="Sample phrases; Enter after each" {...form.getInputProps(`classes.${i}.examples`)} />
              </>
            )}
          />
        </>
      );
    case 'api_call':
      return (
        <>
          <Select label="Tool" required data={tools} placeholder={tools.length ? 'Choose a tool' : 'No tools in this organization'} searchable {...form.getInputProps('tool_id')} />
          <Textarea label="Arguments (JSON)" description='Strings may use {{variables}}, e.g. {"email": "{{email}}"}' autosize minRows={2} ff="monospace" {...form.getInputProps('arguments')} />
          {text(form, 'result_variable', 'Store the response in')}
          <Textarea label="Response mapping (JSON)" description='variable → path, e.g. {"tier": "customer.tier"}' autosize minRows={2} ff="monospace" {...form.getInputProps('response_mapping')} />
          {number(form, 'timeout_ms', 'Timeout (ms)')}
        </>
      );
    case 'agent':
      return (
        <>
          <Select label="Agent" required data={agents} placeholder={agents.length ? 'Choose an agent' : 'No agents in this organization'} searchable {...form.getInputProps('agent_id')} />
          {number(form, 'max_turns', 'Max caller turns', 'Empty: the agent decides when it is done')}
          {text(form, 'context', 'Context', { long: true, description: 'Added to the agent’s instructions; may use {{variables}}' })}
        </>
      );
    case 'transfer':
      return (
        <>
          {text(form, 'phone_number', 'Phone number', { placeholder: '+14155552671', description: 'E.164; fill this or the queue' })}
          {text(form, 'queue', 'Queue')}
          {text(form, 'message', 'Message', { long: true })}
        </>
      );
    case 'human_handoff':
      return (
        <>
          {text(form, 'queue', 'Queue', { placeholder: 'default' })}
          {text(form, 'message', 'Message', { long: true })}
          {text(form, 'reason', 'Reason shown to the support agent', { long: true })}
        </>
      );
    case 'schedule_callback':
      return (
        <>
          {number(form, 'delay_minutes', 'Call back after (minutes)', 'Fill this or the time variable')}
          {text(form, 'time_variable', 'Time variable', { description: 'Holds an RFC 3339 time' })}
          {text(form, 'phone_variable', 'Phone variable', { placeholder: 'caller_number' })}
          {text(form, 'message', 'Message', { long: true })}
          {text(form, 'note', 'Note')}
        </>
      );
    case 'send_message':
      return (
        <>
          {text(form, 'text', 'Text', { required: true, long: true })}
          <Select label="Channel" data={['sms', 'whatsapp']} clearable placeholder="The session's channel, else SMS" {...form.getInputProps('channel')} />
          {text(form, 'to_variable', 'Recipient variable', { placeholder: 'caller_number' })}
        </>
      );
    case 'end_call':
      return text(form, 'message', 'Goodbye message', { long: true });
  }
}

/** Edits one node's data; every change goes straight to the editor (`onChange`), which the Save button sends. */
export function NodeForm({ type, data, onChange, tools, agents }: { type: NodeType; data: NodeData; onChange: (data: NodeData) => void; tools: Choice[]; agents: Choice[] }) {
  const form = useForm<Values>({
    initialValues: toForm(type, data),
    onValuesChange: (values) => {
      const out = fromForm(type, values);
      if ('badJson' in out) form.setFieldError(out.badJson, 'Not valid JSON yet');
      else {
        form.clearErrors();
        onChange(out.data);
      }
    },
  });
  return (
    <Stack gap="sm">
      <Fields type={type} form={form} tools={tools} agents={agents} />
    </Stack>
  );
}
