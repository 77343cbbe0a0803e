import { gatewayResponseTopic, type PhoneResponse } from '@workpoint/contracts';
import { BusValidationError } from './bus';
import { decodeValue, encodeValue } from './codec';
import { classifyFailure } from './failure-classification';

const SEALED = 'enc:v1:aXY.dGFn.Ym9keQ';
const topic = gatewayResponseTopic('gw-codec');
const answer = (value: string): PhoneResponse => ({
  contactId: '7d9f3c1e-2b4a-4c8d-9e6f-1a2b3c4d5e6f',
  interactionId: '8d9f3c1e-2b4a-4c8d-9e6f-1a2b3c4d5e6f',
  mac: '00:1A:E8:00:00:01',
  respondedBy: 'configuration',
  action: 'WriteItems',
  items: [{ name: 'sip-pwd', value }, { name: 'sntp-addr', value: 'ntp.example' }],
});

describe('the codec and sealed secrets', () => {
  it('refuses to publish a secret item in clear on a topic whose contract says sealed: a permanent failure, the value not in the error', () => {
    let error: unknown;
    try {
      encodeValue(topic, answer('hunter2'));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BusValidationError);
    expect(String(error)).toMatch(/items\.0\.value \(sip-pwd\): a secret item must be sealed/);
    expect(String(error)).not.toContain('hunter2');
    expect(classifyFailure(error)).toBe('permanent');
  });

  it('publishes it sealed, as it is', () => {
    expect(JSON.parse(encodeValue(topic, answer(SEALED))).items[0]).toEqual({ name: 'sip-pwd', value: SEALED });
  });

  it('still takes a clear one in (an older version during a rolling upgrade): the guard is the producer\'s', () => {
    expect(decodeValue(topic, JSON.stringify(answer('hunter2')))).toMatchObject({ ok: true, value: { items: [{ name: 'sip-pwd', value: 'hunter2' }, { name: 'sntp-addr', value: 'ntp.example' }] } });
  });
});
