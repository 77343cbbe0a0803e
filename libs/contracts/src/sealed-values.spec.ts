import { MASK } from '@workpoint/logging';
import { carriesClearSecret, clearSecretPaths, isSealedItem, isSealedValue } from './sealed-values';
import { ContactReceivedTopic, gatewayResponseTopic } from './contact.events';
import { ConfigurationJobCompletedTopic } from './job.events';

const SEALED = 'enc:v1:aXY.dGFn.Ym9keQ';

describe('sealed secret values on the wire', () => {
  it.each([
    ['sip-pwd in clear', { name: 'sip-pwd', value: 'hunter2' }, true],
    ['file-pwd in clear (catalogue secret)', { name: 'file-pwd', value: 'x' }, true],
    ['sip-pwd sealed', { name: 'sip-pwd', value: SEALED }, false],
    ['sip-pwd masked', { name: 'sip-pwd', value: MASK }, false],
    ['sip-pwd emptied', { name: 'sip-pwd', value: '' }, false],
    ['sip-pwd without value', { name: 'sip-pwd', value: null }, false],
    ['a plain item', { name: 'sntp-addr', value: 'ntp.example' }, false],
  ])('%s: clear secret = %s', (_case, item, clear) => {
    expect(carriesClearSecret(item)).toBe(clear);
  });

  it('knows the sealed form without the key', () => {
    expect(isSealedValue(SEALED)).toBe(true);
    expect(isSealedValue('hunter2')).toBe(false);
    expect(isSealedValue(null)).toBe(false);
    expect(isSealedItem('admin-pwd')).toBe(true);
    expect(isSealedItem('e164')).toBe(false);
  });

  it('names where a value carries a secret in clear, on the topics whose contract says they travel sealed', () => {
    expect(clearSecretPaths([{ name: 'e164', value: '1' }, { name: 'sip-pwd', value: 'hunter2' }], 'items')).toEqual(['items.1.value (sip-pwd)']);
    const response = { contactId: 'c', interactionId: 'i', mac: '00:1A:E8:00:00:01', respondedBy: 'configuration' as const, action: 'WriteItems' as const, items: [{ name: 'sip-pwd', value: 'hunter2' }] };
    expect(gatewayResponseTopic('gw').clearSecrets?.(response)).toEqual(['items.0.value (sip-pwd)']);
    expect(gatewayResponseTopic('gw').clearSecrets?.({ ...response, items: [{ name: 'sip-pwd', value: SEALED }] })).toEqual([]);
    const contact = { message: { nonce: 'n', maxItems: -1, reason: 'reply-to', items: [{ name: 'admin-pwd', value: 'x' }] } };
    expect(ContactReceivedTopic.clearSecrets?.(contact as never)).toEqual(['message.items.0.value (admin-pwd)']);
    const completed = { itemResults: [{ name: 'sip-pwd', value: 'hunter2' }] };
    expect(ConfigurationJobCompletedTopic.clearSecrets?.(completed as never)).toEqual(['itemResults.0.value (sip-pwd)']);
  });
});
