import { hexId, uuid } from './state.js';

/** Provider-format callback parameters, close to what each provider really sends. */

export function twilioInboundCall(o: { accountSid: string; from: string; to: string; callSid?: string }): Record<string, string> {
  return {
    AccountSid: o.accountSid, ApiVersion: '2010-04-01', CallSid: o.callSid ?? hexId('CA'), CallStatus: 'ringing',
    Direction: 'inbound', From: o.from, To: o.to, Caller: o.from, Called: o.to,
  };
}

export function twilioInboundMessage(o: { accountSid: string; from: string; to: string; body: string }): Record<string, string> {
  const sid = hexId('SM');
  return {
    AccountSid: o.accountSid, ApiVersion: '2010-04-01', MessageSid: sid, SmsSid: sid, SmsStatus: 'received',
    From: o.from, To: o.to, Body: o.body, NumMedia: '0', NumSegments: '1',
  };
}

/** Twilio's status callback for a message it sends (the `StatusCallback` of the send request). */
export function twilioMessageStatus(o: { accountSid: string; messageSid: string; from: string; to: string; status: string; errorCode?: string }): Record<string, string> {
  return {
    AccountSid: o.accountSid, ApiVersion: '2010-04-01', MessageSid: o.messageSid, SmsSid: o.messageSid, MessageStatus: o.status, SmsStatus: o.status,
    From: o.from, To: o.to, ...(o.errorCode ? { ErrorCode: o.errorCode } : {}),
  };
}

export function twilioCallStatus(o: {
  accountSid: string; callSid: string; from: string; to: string; status: string; timestamp?: Date;
}): Record<string, string> {
  return {
    AccountSid: o.accountSid, ApiVersion: '2010-04-01', CallSid: o.callSid, CallStatus: o.status,
    Direction: 'outbound-api', From: o.from, To: o.to, Timestamp: (o.timestamp ?? new Date()).toUTCString(),
    SequenceNumber: '0', CallbackSource: 'call-progress-events',
  };
}

export function plivoInboundCall(o: { from: string; to: string; callUuid?: string }): Record<string, string> {
  return { CallUUID: o.callUuid ?? uuid(), From: o.from, To: o.to, CallStatus: 'ringing', Direction: 'inbound', Event: 'StartApp' };
}

export function plivoInboundMessage(o: { from: string; to: string; text: string }): Record<string, string> {
  return { MessageUUID: uuid(), From: o.from, To: o.to, Text: o.text, Type: 'sms', TotalRate: '0', Units: '1' };
}

/** Plivo's message status callback (the `url` of the send request). */
export function plivoMessageStatus(o: { messageUuid: string; from: string; to: string; status: string; errorCode?: string }): Record<string, string> {
  return { MessageUUID: o.messageUuid, Status: o.status, From: o.from, To: o.to, TotalRate: '0.00350', Units: '1', MessageTime: new Date().toISOString(), ...(o.errorCode ? { ErrorCode: o.errorCode } : {}) };
}

export function plivoHangup(o: { callUuid: string; from: string; to: string; status?: string }): Record<string, string> {
  return { CallUUID: o.callUuid, RequestUUID: o.callUuid, From: o.from, To: o.to, CallStatus: o.status ?? 'completed', Event: 'Hangup', Direction: 'outbound' };
}

/** Plivo's callback after a <Record> element: the recording URL plus the call's fields. */
export function plivoRecordingDone(o: { callUuid: string; from: string; to: string }): Record<string, string> {
  const id = uuid();
  return {
    CallUUID: o.callUuid, From: o.from, To: o.to, Direction: 'inbound', CallStatus: 'in-progress', Event: 'Record',
    RecordUrl: `https://media.plivo.com/v1/Account/MA2025/Recording/${id}.mp3`, RecordingID: id, RecordingDuration: '12',
  };
}

export function exotelCallStatus(o: { callSid: string; status: string; dateUpdated?: Date }): Record<string, string> {
  const d = (o.dateUpdated ?? new Date()).toISOString().replace('T', ' ').slice(0, 19);
  return { CallSid: o.callSid, Status: o.status, RecordingUrl: '', DateUpdated: d };
}

export function exotelInboundCall(o: { from: string; to: string; callSid?: string }): Record<string, string> {
  return { CallSid: o.callSid ?? hexId('', 16), CallFrom: o.from, CallTo: o.to, Direction: 'incoming', CallType: 'call-attempt' };
}

interface MetaValueEvent { messages?: unknown[]; statuses?: unknown[]; contacts?: unknown[] }

function metaEnvelope(phoneNumberId: string, value: MetaValueEvent): unknown {
  return {
    object: 'whatsapp_business_account',
    entry: [{
      id: '100000000000001',
      changes: [{
        field: 'messages',
        value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550100000', phone_number_id: phoneNumberId }, ...value },
      }],
    }],
  };
}

export function metaInboundText(o: { phoneNumberId: string; from: string; text: string; messageId?: string; timestampSec?: number }): unknown {
  const ts = String(o.timestampSec ?? Math.floor(Date.now() / 1000));
  return metaEnvelope(o.phoneNumberId, {
    contacts: [{ profile: { name: 'Sim User' }, wa_id: o.from }],
    messages: [{ from: o.from, id: o.messageId ?? `wamid.${hexId('', 24)}`, timestamp: ts, type: 'text', text: { body: o.text } }],
  });
}

export function metaMessageStatus(o: { phoneNumberId: string; messageId: string; recipient: string; status: string; timestampSec?: number; errorCode?: number }): unknown {
  const ts = String(o.timestampSec ?? Math.floor(Date.now() / 1000));
  const errors = o.errorCode === undefined ? {} : { errors: [{ code: o.errorCode, title: 'Message undeliverable' }] };
  return metaEnvelope(o.phoneNumberId, { statuses: [{ id: o.messageId, status: o.status, timestamp: ts, recipient_id: o.recipient, ...errors }] });
}
