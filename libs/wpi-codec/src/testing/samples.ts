import type { DlsMessage, WorkpointMessage, WpiItem } from '../wpi-types';

/**
 * Real-looking WPI documents, shaped after protocol.md (section numbers in the titles) and
 * the traces it quotes. Each sample carries the typed message a parser must return for it.
 */
export interface WpiSample<T> {
  readonly title: string;
  readonly xml: string;
  readonly expected: T;
}

const NS = `xmlns="http://www.siemens.com/DLS"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:schemaLocation="http://www.siemens.com/DLS"`;

const PG_NONCE = 'D5AFD7A47752175FF354867D94A61AE0';
const STARTUP_NONCE = '4F6A1034A46B463F8D008DA09314040A';
const FRAGMENT_NONCE = 'B0153C2E9A7D4F6E8B1C0D2E3F4A5B6C';

// ---------------------------------------------------------------------------------------
// Phone → service
// ---------------------------------------------------------------------------------------

export const SOLICITED_CP210: WpiSample<WorkpointMessage> = {
  title: '§3.1 solicited from an OpenScape Desk Phone CP210 (PG trace header)',
  xml: `<?xml version="1.0" encoding="utf-8"?>
<WorkpointMessage ${NS}>
  <Message nonce="${PG_NONCE}" maxItems="-1">
    <ReasonForContact>solicited</ReasonForContact>
    <ItemList>
      <Item name="device-type">OpenScape Desk Phone CP210</Item>
      <Item name="related-device-type">OpenScape Desk Phone CP210</Item>
      <Item name="software-type">Siemens SIP</Item>
      <Item name="software-version">V1 R4.5.0</Item>
      <Item name="contact-me-uri">http://192.168.1.41:8085/contact_dls.html/ContactDLS</Item>
      <Item name="mac-addr">00:01:E3:25:EA:13</Item>
      <Item name="e164">4989722312</Item>
      <Item name="basic-e164">4989722312</Item>
      <Item name="configuration-changed-flag">false</Item>
      <Item name="gigabit-ethernet-enabled">true</Item>
      <Item status="failed" name="user-pwd-unicode"/>
      <Item index="1" name="ldap-server-address">ldap.example.com</Item>
    </ItemList>
  </Message>
</WorkpointMessage>`,
  expected: {
    nonce: PG_NONCE,
    maxItems: -1,
    reason: 'solicited',
    items: [
      { name: 'device-type', value: 'OpenScape Desk Phone CP210' },
      { name: 'related-device-type', value: 'OpenScape Desk Phone CP210' },
      { name: 'software-type', value: 'Siemens SIP' },
      { name: 'software-version', value: 'V1 R4.5.0' },
      { name: 'contact-me-uri', value: 'http://192.168.1.41:8085/contact_dls.html/ContactDLS' },
      { name: 'mac-addr', value: '00:01:E3:25:EA:13' },
      { name: 'e164', value: '4989722312' },
      { name: 'basic-e164', value: '4989722312' },
      { name: 'configuration-changed-flag', value: 'false' },
      { name: 'gigabit-ethernet-enabled', value: 'true' },
      { name: 'user-pwd-unicode', value: null, status: 'failed' },
      { name: 'ldap-server-address', index: 1, value: 'ldap.example.com' },
    ],
  },
};

export const FRAGMENT_NEXT_REPLY: WpiSample<WorkpointMessage> = {
  title: '§3.4 first fragment of a ReadItems reply (fragment="next", maxItems first)',
  xml: `<?xml version="1.0" encoding="utf-8"?>
<WorkpointMessage ${NS}>
  <Message maxItems="-1" nonce="${FRAGMENT_NONCE}" fragment="next">
    <ReasonForContact action="ReadItems" status="accepted">reply-to</ReasonForContact>
    <ItemList>
      <Item name="reg-addr">192.168.1.117</Item>
      <Item name="reg-port">5060</Item>
      <Item name="registrar-addr">192.168.1.117</Item>
      <Item name="registrar-port">5060</Item>
      <Item name="rtp-base-port">5010</Item>
    </ItemList>
  </Message>
</WorkpointMessage>`,
  expected: {
    nonce: FRAGMENT_NONCE,
    maxItems: -1,
    fragment: 'next',
    reason: 'reply-to',
    replyTo: { action: 'ReadItems', status: 'accepted' },
    items: [
      { name: 'reg-addr', value: '192.168.1.117' },
      { name: 'reg-port', value: '5060' },
      { name: 'registrar-addr', value: '192.168.1.117' },
      { name: 'registrar-port', value: '5060' },
      { name: 'rtp-base-port', value: '5010' },
    ],
  },
};

export const FRAGMENT_FINAL_REPLY: WpiSample<WorkpointMessage> = {
  title: '§3.4 last fragment after GetNextFragment (fragment="final")',
  xml: `<?xml version="1.0" encoding="utf-8"?>
<WorkpointMessage ${NS}>
  <Message maxItems="-1" nonce="${FRAGMENT_NONCE}" fragment="final">
    <ReasonForContact action="ReadItems" status="accepted">reply-to</ReasonForContact>
    <ItemList>
      <Item name="server-type">0</Item>
      <Item name="ipaddress">192.168.1.41</Item>
    </ItemList>
  </Message>
</WorkpointMessage>`,
  expected: {
    nonce: FRAGMENT_NONCE,
    maxItems: -1,
    fragment: 'final',
    reason: 'reply-to',
    replyTo: { action: 'ReadItems', status: 'accepted' },
    items: [
      { name: 'server-type', value: '0' },
      { name: 'ipaddress', value: '192.168.1.41' },
    ],
  },
};

export const STARTUP_OPENSTAGE_60: WpiSample<WorkpointMessage> = {
  title: '§3.5 message 1: start-up from an OpenStage 60',
  xml: `<?xml version="1.0" encoding="utf-8"?>
<WorkpointMessage xmlns="http://www.siemens.com/DLS"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="http://www.siemens.com/DLS">
 <Message nonce="${STARTUP_NONCE}" maxItems="-1">
  <ReasonForContact>start-up</ReasonForContact>
  <ItemList>
   <Item name="device-type">OpenStage 60</Item>
   <Item name="related-device-type">OpenStage 60</Item>
   <Item name="software-type">Siemens SIP</Item>
   <Item name="software-version">V3 R1.41.1</Item>
   <Item name="contact-me-uri">http://192.168.1.4:8085/contact_dls.html/ContactDLS</Item>
   <Item name="mac-addr">00:01:E3:25:EA:13</Item>
   <Item name="configuration-changed-flag">false</Item>
   <Item name="e164">49897223290</Item>
   <Item status="failed" name="user-pwd-unicode"/>
   <Item name="part-number">S30817-S7403-A101-015</Item>
   <Item name="backlight-type">1</Item>
  </ItemList>
 </Message>
</WorkpointMessage>`,
  expected: {
    nonce: STARTUP_NONCE,
    maxItems: -1,
    reason: 'start-up',
    items: [
      { name: 'device-type', value: 'OpenStage 60' },
      { name: 'related-device-type', value: 'OpenStage 60' },
      { name: 'software-type', value: 'Siemens SIP' },
      { name: 'software-version', value: 'V3 R1.41.1' },
      { name: 'contact-me-uri', value: 'http://192.168.1.4:8085/contact_dls.html/ContactDLS' },
      { name: 'mac-addr', value: '00:01:E3:25:EA:13' },
      { name: 'configuration-changed-flag', value: 'false' },
      { name: 'e164', value: '49897223290' },
      { name: 'user-pwd-unicode', value: null, status: 'failed' },
      { name: 'part-number', value: 'S30817-S7403-A101-015' },
      { name: 'backlight-type', value: '1' },
    ],
  },
};

export const READ_ALL_ITEMS_REPLY: WpiSample<WorkpointMessage> = {
  title: '§3.5 message 3: reply-to ReadAllItems with indexed items (fragment="final")',
  xml: `<?xml version="1.0" encoding="utf-8"?>
<WorkpointMessage ${NS}><Message nonce="${STARTUP_NONCE}" maxItems="-1" fragment="final">
  <ReasonForContact action="ReadAllItems" status="accepted">reply-to</ReasonForContact>
  <ItemList>
    <Item name="e164">49897223290</Item>
    <Item name="reg-addr">192.168.1.117</Item>
    <Item name="reg-port">5060</Item>
    <Item name="sip-user-id">3290</Item>
    <Item name="sntp-addr">NULL</Item>
    <Item name="sntp-tz-offset">60</Item>
    <Item name="display-id-unicode">Empfang</Item>
    <Item name="vlan-id"></Item>
    <Item index="1" name="function-key-def">31</Item>
    <Item index="2" name="function-key-def">59</Item>
    <Item index="1001" name="function-key-def">0</Item>
    <Item index="1" name="key-label-unicode">Leitung</Item>
    <Item index="2" name="key-label-unicode">Chef</Item>
    <Item index="1001" name="key-label-unicode"/>
    <Item index="1" name="file-deployment-name">ringtone-phone.wav</Item>
    <Item index="1" name="file-deployment-type">RINGTONE</Item>
    <Item index="1" name="file-deployment-status">ok</Item>
  </ItemList>
</Message></WorkpointMessage>`,
  expected: {
    nonce: STARTUP_NONCE,
    maxItems: -1,
    fragment: 'final',
    reason: 'reply-to',
    replyTo: { action: 'ReadAllItems', status: 'accepted' },
    items: [
      { name: 'e164', value: '49897223290' },
      { name: 'reg-addr', value: '192.168.1.117' },
      { name: 'reg-port', value: '5060' },
      { name: 'sip-user-id', value: '3290' },
      { name: 'sntp-addr', value: 'NULL' },
      { name: 'sntp-tz-offset', value: '60' },
      { name: 'display-id-unicode', value: 'Empfang' },
      { name: 'vlan-id', value: null },
      { name: 'function-key-def', index: 1, value: '31' },
      { name: 'function-key-def', index: 2, value: '59' },
      { name: 'function-key-def', index: 1001, value: '0' },
      { name: 'key-label-unicode', index: 1, value: 'Leitung' },
      { name: 'key-label-unicode', index: 2, value: 'Chef' },
      { name: 'key-label-unicode', index: 1001, value: null },
      { name: 'file-deployment-name', index: 1, value: 'ringtone-phone.wav' },
      { name: 'file-deployment-type', index: 1, value: 'RINGTONE' },
      { name: 'file-deployment-status', index: 1, value: 'ok' },
    ],
  },
};

export const STARTUP_KNOWN_OPENSTAGE_40: WpiSample<WorkpointMessage> = {
  title: '§6.1 start-up of a known OpenStage 40 (configuration unchanged, older firmware)',
  xml: `<?xml version="1.0" encoding="utf-8"?>
<WorkpointMessage ${NS}>
<Message nonce="9C1E0B7D55A24F0B8E6D3A2C1B0F9E8D" maxItems="-1">
<ReasonForContact>start-up</ReasonForContact>
<ItemList>
<Item name="device-type">OpenStage 40</Item>
<Item name="software-version">V2 R2.30.0</Item>
<Item name="contact-me-uri">http://10.0.20.17:8085/contact_dls.html/ContactDLS</Item>
<Item name="mac-addr">00:1A:E8:4B:09:7C</Item>
<Item name="e164">4930555123</Item>
<Item name="configuration-changed-flag">false</Item>
<Item status="failed" name="gigabit-ethernet"/>
<Item name="user-pwd">123456</Item>
</ItemList>
</Message>
</WorkpointMessage>`,
  expected: {
    nonce: '9C1E0B7D55A24F0B8E6D3A2C1B0F9E8D',
    maxItems: -1,
    reason: 'start-up',
    items: [
      { name: 'device-type', value: 'OpenStage 40' },
      { name: 'software-version', value: 'V2 R2.30.0' },
      { name: 'contact-me-uri', value: 'http://10.0.20.17:8085/contact_dls.html/ContactDLS' },
      { name: 'mac-addr', value: '00:1A:E8:4B:09:7C' },
      { name: 'e164', value: '4930555123' },
      { name: 'configuration-changed-flag', value: 'false' },
      { name: 'gigabit-ethernet', value: null, status: 'failed' },
      { name: 'user-pwd', value: '123456' },
    ],
  },
};

export const LOCAL_CHANGES_V2R1: WpiSample<WorkpointMessage> = {
  title: '§6.2 local-changes up to V2R1 (basic items only, configuration-changed-flag=true)',
  xml: `<?xml version="1.0" encoding="utf-8"?>
<WorkpointMessage ${NS}>
  <Message nonce="0E4C2A9B7D3F41A6B8C5D2E1F0A9B8C7" maxItems="-1">
    <ReasonForContact>local-changes</ReasonForContact>
    <ItemList>
      <Item name="device-type">OpenStage 80</Item>
      <Item name="software-version">V2 R1.8.0</Item>
      <Item name="contact-me-uri">http://192.168.1.52:8085/contact_dls.html/ContactDLS</Item>
      <Item name="mac-addr">00:01:E3:0A:44:F2</Item>
      <Item name="e164">4989722355</Item>
      <Item name="configuration-changed-flag">true</Item>
    </ItemList>
  </Message>
</WorkpointMessage>`,
  expected: {
    nonce: '0E4C2A9B7D3F41A6B8C5D2E1F0A9B8C7',
    maxItems: -1,
    reason: 'local-changes',
    items: [
      { name: 'device-type', value: 'OpenStage 80' },
      { name: 'software-version', value: 'V2 R1.8.0' },
      { name: 'contact-me-uri', value: 'http://192.168.1.52:8085/contact_dls.html/ContactDLS' },
      { name: 'mac-addr', value: '00:01:E3:0A:44:F2' },
      { name: 'e164', value: '4989722355' },
      { name: 'configuration-changed-flag', value: 'true' },
    ],
  },
};

export const LOCAL_CHANGES_V2R2: WpiSample<WorkpointMessage> = {
  title: '§6.2 local-changes from V2R2 on (changed items attached)',
  xml: `<?xml version="1.0" encoding="utf-8"?>
<WorkpointMessage ${NS}>
  <Message nonce="7A3D9E1F2B4C4D5E8F6A7B8C9D0E1F2A" maxItems="-1">
    <ReasonForContact>local-changes</ReasonForContact>
    <ItemList>
      <Item name="device-type">OpenStage 60</Item>
      <Item name="software-version">V2 R2.30.0</Item>
      <Item name="contact-me-uri">http://192.168.1.4:8085/contact_dls.html/ContactDLS</Item>
      <Item name="mac-addr">00:01:E3:25:EA:13</Item>
      <Item name="e164">49897223290</Item>
      <Item name="configuration-changed-flag">true</Item>
      <Item name="configuration-attached-flag">true</Item>
      <Item name="configuration-attached-number">2</Item>
      <Item name="dhcp">false</Item>
      <Item name="dls-addr">192.168.1.150</Item>
      <Item name="lldp-enabled">true</Item>
      <Item name="vlan-method">0</Item>
    </ItemList>
  </Message>
</WorkpointMessage>`,
  expected: {
    nonce: '7A3D9E1F2B4C4D5E8F6A7B8C9D0E1F2A',
    maxItems: -1,
    reason: 'local-changes',
    items: [
      { name: 'device-type', value: 'OpenStage 60' },
      { name: 'software-version', value: 'V2 R2.30.0' },
      { name: 'contact-me-uri', value: 'http://192.168.1.4:8085/contact_dls.html/ContactDLS' },
      { name: 'mac-addr', value: '00:01:E3:25:EA:13' },
      { name: 'e164', value: '49897223290' },
      { name: 'configuration-changed-flag', value: 'true' },
      { name: 'configuration-attached-flag', value: 'true' },
      { name: 'configuration-attached-number', value: '2' },
      { name: 'dhcp', value: 'false' },
      { name: 'dls-addr', value: '192.168.1.150' },
      { name: 'lldp-enabled', value: 'true' },
      { name: 'vlan-method', value: '0' },
    ],
  },
};

export const FILE_DEPLOYMENT_STATUS: WpiSample<WorkpointMessage> = {
  title: '§6.7 status message after a single-file FileDeployment (G p.54 values)',
  xml: `<?xml version="1.0" encoding="utf-8"?>
<WorkpointMessage ${NS}>
  <Message nonce="C3B2A1908F7E4D6C5B4A39281706F5E4" maxItems="-1">
    <ReasonForContact>status</ReasonForContact>
    <ItemList>
      <Item name="device-type">OpenStage 60</Item>
      <Item name="mac-addr">00:01:E3:25:EA:13</Item>
      <Item name="e164">49897223290</Item>
      <Item name="file-deployment-date">10:06:2008</Item>
      <Item name="file-deployment-time">15:35:52</Item>
      <Item name="file-deployment-name">ringtone-phone.wav</Item>
      <Item name="file-deployment-type">RINGTONE</Item>
      <Item name="file-deployment-status">ok</Item>
    </ItemList>
  </Message>
</WorkpointMessage>`,
  expected: {
    nonce: 'C3B2A1908F7E4D6C5B4A39281706F5E4',
    maxItems: -1,
    reason: 'status',
    items: [
      { name: 'device-type', value: 'OpenStage 60' },
      { name: 'mac-addr', value: '00:01:E3:25:EA:13' },
      { name: 'e164', value: '49897223290' },
      { name: 'file-deployment-date', value: '10:06:2008' },
      { name: 'file-deployment-time', value: '15:35:52' },
      { name: 'file-deployment-name', value: 'ringtone-phone.wav' },
      { name: 'file-deployment-type', value: 'RINGTONE' },
      { name: 'file-deployment-status', value: 'ok' },
    ],
  },
};

export const BUSY_REPLY: WpiSample<WorkpointMessage> = {
  title: '§6.11 busy reply to WriteItems (no ItemList at all)',
  xml: `<?xml version="1.0" encoding="utf-8"?>
<WorkpointMessage ${NS}>
  <Message nonce="58D4A7C2E9B14F3A8D6C0B2E4F1A3C5D" maxItems="-1" fragment="final">
    <ReasonForContact action="WriteItems" status="busy">reply-to</ReasonForContact>
  </Message>
</WorkpointMessage>`,
  expected: {
    nonce: '58D4A7C2E9B14F3A8D6C0B2E4F1A3C5D',
    maxItems: -1,
    fragment: 'final',
    reason: 'reply-to',
    replyTo: { action: 'WriteItems', status: 'busy' },
    items: [],
  },
};

export const CLEAN_UP_PIN_RETRIES: WpiSample<WorkpointMessage> = {
  title: '§6.10 phone-side clean-up: PIN retries exceeded in secure-mode bootstrapping',
  xml: `<?xml version="1.0" encoding="utf-8"?>
<WorkpointMessage ${NS}>
  <Message nonce="E2D4F6A8B0C24E6A8C0E2F4A6B8D0F21" maxItems="-1">
    <ReasonForContact>clean-up</ReasonForContact>
    <ItemList>
      <Item name="mac-addr">00:01:E3:25:EA:13</Item>
      <Item name="e164">49897223290</Item>
      <Item name="cleanup-reason">password retries exceeded</Item>
    </ItemList>
  </Message>
</WorkpointMessage>`,
  expected: {
    nonce: 'E2D4F6A8B0C24E6A8C0E2F4A6B8D0F21',
    maxItems: -1,
    reason: 'clean-up',
    items: [
      { name: 'mac-addr', value: '00:01:E3:25:EA:13' },
      { name: 'e164', value: '49897223290' },
      { name: 'cleanup-reason', value: 'password retries exceeded' },
    ],
  },
};

export const WRITE_ITEMS_PARTIAL_REPLY: WpiSample<WorkpointMessage> = {
  title: '§8.1 WriteItems accepted with per-item problems (unknown item, failed index, read only)',
  xml: `<?xml version="1.0" encoding="utf-8"?>
<WorkpointMessage ${NS}>
  <Message nonce="0A8D3F5B7C9E4A1B2C3D4E5F6A7B8C9D" maxItems="-1" fragment="final">
    <ReasonForContact action="WriteItems" status="accepted">reply-to</ReasonForContact>
    <ItemList>
      <Item status="unknown item" name="foo-bar-setting">1</Item>
      <Item status="failed" index="6" name="Canonical-lookup-local-code">+49899</Item>
      <Item status="read only" name="device-type">OpenStage 80</Item>
    </ItemList>
  </Message>
</WorkpointMessage>`,
  expected: {
    nonce: '0A8D3F5B7C9E4A1B2C3D4E5F6A7B8C9D',
    maxItems: -1,
    fragment: 'final',
    reason: 'reply-to',
    replyTo: { action: 'WriteItems', status: 'accepted' },
    items: [
      { name: 'foo-bar-setting', value: '1', status: 'unknown item' },
      { name: 'Canonical-lookup-local-code', index: 6, value: '+49899', status: 'failed' },
      { name: 'device-type', value: 'OpenStage 80', status: 'read only' },
    ],
  },
};

export const WRITE_ITEMS_ALL_OK_REPLY: WpiSample<WorkpointMessage> = {
  title: '§6.5 WriteItems accepted, nothing to report (<ItemList/>)',
  xml: `<?xml version="1.0" encoding="utf-8"?>
<WorkpointMessage ${NS}>
  <Message nonce="58D4A7C2E9B14F3A8D6C0B2E4F1A3C5D" maxItems="-1" fragment="final">
    <ReasonForContact action="WriteItems" status="accepted">reply-to</ReasonForContact>
    <ItemList/>
  </Message>
</WorkpointMessage>`,
  expected: {
    nonce: '58D4A7C2E9B14F3A8D6C0B2E4F1A3C5D',
    maxItems: -1,
    fragment: 'final',
    reason: 'reply-to',
    replyTo: { action: 'WriteItems', status: 'accepted' },
    items: [],
  },
};

export const INVENTORY_CHANGES: WpiSample<WorkpointMessage> = {
  title: '§4.1 inventory-changes after a key module was attached (SIM item set)',
  xml: `<?xml version="1.0" encoding="utf-8"?>
<WorkpointMessage ${NS}>
  <Message nonce="5F4E3D2C1B0A49586776A5B4C3D2E1F0" maxItems="-1">
    <ReasonForContact>inventory-changes</ReasonForContact>
    <ItemList>
      <Item name="mac-addr">00:01:E3:25:EA:13</Item>
      <Item name="e164">49897223290</Item>
      <Item name="key-modules">1</Item>
      <Item name="blf-modules">0</Item>
    </ItemList>
  </Message>
</WorkpointMessage>`,
  expected: {
    nonce: '5F4E3D2C1B0A49586776A5B4C3D2E1F0',
    maxItems: -1,
    reason: 'inventory-changes',
    items: [
      { name: 'mac-addr', value: '00:01:E3:25:EA:13' },
      { name: 'e164', value: '49897223290' },
      { name: 'key-modules', value: '1' },
      { name: 'blf-modules', value: '0' },
    ],
  },
};

export const PHONE_SAMPLES: readonly WpiSample<WorkpointMessage>[] = [
  SOLICITED_CP210,
  FRAGMENT_NEXT_REPLY,
  FRAGMENT_FINAL_REPLY,
  STARTUP_OPENSTAGE_60,
  READ_ALL_ITEMS_REPLY,
  STARTUP_KNOWN_OPENSTAGE_40,
  LOCAL_CHANGES_V2R1,
  LOCAL_CHANGES_V2R2,
  FILE_DEPLOYMENT_STATUS,
  BUSY_REPLY,
  CLEAN_UP_PIN_RETRIES,
  WRITE_ITEMS_PARTIAL_REPLY,
  WRITE_ITEMS_ALL_OK_REPLY,
  INVENTORY_CHANGES,
];

// ---------------------------------------------------------------------------------------
// Service → phone
// ---------------------------------------------------------------------------------------

export const WRITE_ITEMS_GUIDE: WpiSample<DlsMessage> = {
  title: '§3.2 WriteItems with a plain and an indexed item',
  xml: `<DLSMessage ${NS}>
  <Message nonce="${STARTUP_NONCE}">
    <Action>WriteItems</Action>
    <ItemList>
      <Item name="sntp-tz-offset">60</Item>
      <Item name="file-name" index="2">ringtone.mp3</Item>
    </ItemList>
  </Message>
</DLSMessage>`,
  expected: {
    nonce: STARTUP_NONCE,
    action: 'WriteItems',
    items: [
      { name: 'sntp-tz-offset', value: '60' },
      { name: 'file-name', index: 2, value: 'ringtone.mp3' },
    ],
  },
};

export const GET_NEXT_FRAGMENT: WpiSample<DlsMessage> = {
  title: '§3.4 GetNextFragment',
  xml: `<?xml version="1.0" encoding="UTF-8"?>
<DLSMessage ${NS}>
  <Message nonce="${FRAGMENT_NONCE}">
    <Action>GetNextFragment</Action>
  </Message>
</DLSMessage>`,
  expected: { nonce: FRAGMENT_NONCE, action: 'GetNextFragment', items: [] },
};

export const READ_ALL_ITEMS: WpiSample<DlsMessage> = {
  title: '§3.5 message 2: ReadAllItems',
  xml: `<DLSMessage xmlns="http://www.siemens.com/DLS" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.siemens.com/DLS">
 <Message nonce="${STARTUP_NONCE}">
  <Action>ReadAllItems</Action>
 </Message>
</DLSMessage>`,
  expected: { nonce: STARTUP_NONCE, action: 'ReadAllItems', items: [] },
};

export const CLEAN_UP: WpiSample<DlsMessage> = {
  title: '§3.5 message 4: CleanUp',
  xml: `<DLSMessage xmlns="http://www.siemens.com/DLS" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.siemens.com/DLS"><Message nonce="${STARTUP_NONCE}"><Action>CleanUp</Action></Message></DLSMessage>`,
  expected: { nonce: STARTUP_NONCE, action: 'CleanUp', items: [] },
};

export const READ_ITEMS: WpiSample<DlsMessage> = {
  title: '§6.5 ReadItems naming the wanted items with empty elements (both spellings)',
  xml: `<?xml version="1.0" encoding="UTF-8"?>
<DLSMessage ${NS}>
  <Message nonce="${FRAGMENT_NONCE}">
    <Action>ReadItems</Action>
    <ItemList>
      <Item name="reg-addr"/>
      <Item name="reg-port"/>
      <Item name="bootstrapping-tan"></Item>
    </ItemList>
  </Message>
</DLSMessage>`,
  expected: {
    nonce: FRAGMENT_NONCE,
    action: 'ReadItems',
    items: [
      { name: 'reg-addr', value: null },
      { name: 'reg-port', value: null },
      { name: 'bootstrapping-tan', value: null },
    ],
  },
};

export const FILE_DEPLOYMENT_FTP: WpiSample<DlsMessage> = {
  title: '§5.1 FileDeployment of one ringtone over FTP (G p.53)',
  xml: `<?xml version="1.0" encoding="UTF-8"?>
<DLSMessage ${NS}>
  <Message nonce="C3B2A1908F7E4D6C5B4A39281706F5E4">
    <Action>FileDeployment</Action>
    <ItemList>
      <Item name="file-server">192.168.1.150</Item>
      <Item name="file-port">21</Item>
      <Item name="file-username">dls</Item>
      <Item name="file-pwd">secret</Item>
      <Item name="file-path">/media</Item>
      <Item name="file-name">ringtone-phone.wav</Item>
      <Item name="file-type">RINGTONE</Item>
    </ItemList>
  </Message>
</DLSMessage>`,
  expected: {
    nonce: 'C3B2A1908F7E4D6C5B4A39281706F5E4',
    action: 'FileDeployment',
    items: [
      { name: 'file-server', value: '192.168.1.150' },
      { name: 'file-port', value: '21' },
      { name: 'file-username', value: 'dls' },
      { name: 'file-pwd', value: 'secret' },
      { name: 'file-path', value: '/media' },
      { name: 'file-name', value: 'ringtone-phone.wav' },
      { name: 'file-type', value: 'RINGTONE' },
    ],
  },
};

export const FACTORY_RESET: WpiSample<DlsMessage> = {
  title: '§6.3 Restart as factory reset (G p.51)',
  xml: `<?xml version="1.0" encoding="UTF-8"?>
<DLSMessage ${NS}>
  <Message nonce="${PG_NONCE}">
    <Action>Restart</Action>
    <ItemList>
      <Item name="restart-type">FactoryReset</Item>
      <Item name="restart-password">124816</Item>
    </ItemList>
  </Message>
</DLSMessage>`,
  expected: {
    nonce: PG_NONCE,
    action: 'Restart',
    items: [
      { name: 'restart-type', value: 'FactoryReset' },
      { name: 'restart-password', value: '124816' },
    ],
  },
};

export const CLEAN_UP_SEND_SOLICITED: WpiSample<DlsMessage> = {
  title: '§6.11 CleanUp asking a busy phone to call back when idle',
  xml: `<?xml version="1.0" encoding="UTF-8"?>
<DLSMessage ${NS}>
  <Message nonce="58D4A7C2E9B14F3A8D6C0B2E4F1A3C5D">
    <Action>CleanUp</Action>
    <ItemList>
      <Item name="send-solicited">true</Item>
    </ItemList>
  </Message>
</DLSMessage>`,
  expected: {
    nonce: '58D4A7C2E9B14F3A8D6C0B2E4F1A3C5D',
    action: 'CleanUp',
    items: [{ name: 'send-solicited', value: 'true' }],
  },
};

export const CLEAN_UP_OVERLOAD: WpiSample<DlsMessage> = {
  title: '§8.2 CleanUp with cleanup-reason=overload (SIM capture of a real DLS)',
  xml: `<?xml version="1.0" encoding="UTF-8"?>
<DLSMessage ${NS}>
  <Message nonce="${STARTUP_NONCE}">
    <Action>CleanUp</Action>
    <ItemList>
      <Item name="cleanup-reason">overload</Item>
    </ItemList>
  </Message>
</DLSMessage>`,
  expected: {
    nonce: STARTUP_NONCE,
    action: 'CleanUp',
    items: [{ name: 'cleanup-reason', value: 'overload' }],
  },
};

const CA_PEM = `-----BEGIN CERTIFICATE-----
MIIBszCCAVmgAwIBAgIUQ0FfZXhhbXBsZV9vbmx5XzAwMDEwCgYIKoZIzj0EAwIw
-----END CERTIFICATE-----`;

export const SECURE_MODE_NOPIN: WpiSample<DlsMessage> = {
  title: '§6.10 WriteItems starting secure-mode bootstrapping (multi-line PEM, index 0)',
  xml: `<?xml version="1.0" encoding="UTF-8"?>
<DLSMessage ${NS}>
  <Message nonce="${STARTUP_NONCE}">
    <Action>WriteItems</Action>
    <ItemList>
      <Item name="goto-secure-mode">nopin</Item>
      <Item name="dls-server-ca" index="0">
${CA_PEM}
      </Item>
      <Item name="dls-secure-port">18444</Item>
    </ItemList>
  </Message>
</DLSMessage>`,
  expected: {
    nonce: STARTUP_NONCE,
    action: 'WriteItems',
    items: [
      { name: 'goto-secure-mode', value: 'nopin' },
      { name: 'dls-server-ca', index: 0, value: CA_PEM },
      { name: 'dls-secure-port', value: '18444' },
    ],
  },
};

export const SERVICE_SAMPLES: readonly WpiSample<DlsMessage>[] = [
  WRITE_ITEMS_GUIDE,
  GET_NEXT_FRAGMENT,
  READ_ALL_ITEMS,
  CLEAN_UP,
  READ_ITEMS,
  FILE_DEPLOYMENT_FTP,
  FACTORY_RESET,
  CLEAN_UP_SEND_SOLICITED,
  CLEAN_UP_OVERLOAD,
  SECURE_MODE_NOPIN,
];

// ---------------------------------------------------------------------------------------
// A full ReadAllItems reply
// ---------------------------------------------------------------------------------------

interface IndexedGroup {
  readonly name: string;
  readonly indexes: readonly number[];
  readonly value: (index: number) => string;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_unused, offset) => from + offset);
}

const BASIC_ITEMS: readonly WpiItem[] = [
  { name: 'device-type', value: 'OpenStage 80' },
  { name: 'related-device-type', value: 'OpenStage 80' },
  { name: 'software-type', value: 'Siemens SIP' },
  { name: 'related-software-type', value: 'Siemens SIP' },
  { name: 'software-version', value: 'V3 R5.12.0' },
  { name: 'related-software-version', value: 'V3 R5.12.0' },
  { name: 'contact-me-uri', value: 'http://192.168.1.80:8085/contact_dls.html/ContactDLS' },
  { name: 'mac-addr', value: '00:1A:E8:12:34:56' },
  { name: 'e164', value: '00498972233' },
  { name: 'basic-e164', value: '00498972233' },
  { name: 'configuration-changed-flag', value: 'true' },
  { name: 'part-number', value: 'S30817-S7404-B101-4' },
  { name: 'display-id-unicode', value: 'Jürgen Müller & Söhne' },
  { name: 'reg-addr', value: 'sip.example.com' },
  { name: 'reg-port', value: '5060' },
  { name: 'sip-transport', value: '2' },
  { name: 'sntp-addr', value: 'NULL' },
  { name: 'auto-answer', value: 'false' },
  { name: 'user-pwd-unicode', value: null, status: 'failed' },
  { name: 'default-locked-function-keys', value: null, status: 'unknown item' },
];

const INDEXED_GROUPS: readonly IndexedGroup[] = [
  { name: 'function-key-def', indexes: [...range(1, 8), ...range(1001, 1008)], value: (i) => (i < 1000 ? '1' : '0') },
  { name: 'key-label-unicode', indexes: [...range(1, 8), ...range(1001, 1008)], value: (i) => `Taste ${i}` },
  { name: 'locked-config-menus', indexes: range(1, 66), value: (i) => (i % 2 === 0 ? 'true' : 'false') },
  { name: 'codec-type', indexes: range(1, 3), value: (i) => String(i - 1) },
  { name: 'codec-allowed', indexes: range(1, 3), value: () => 'true' },
  { name: 'codec-packet-size', indexes: range(1, 3), value: () => '2' },
  { name: 'codec-rank', indexes: range(1, 3), value: (i) => String(i) },
  { name: 'trace-level', indexes: range(0, 41), value: () => '0' },
  { name: 'feature-availability', indexes: range(1, 28), value: () => 'true' },
];

/**
 * A 200-item ReadAllItems reply as an OpenStage 80 would send it: basic items, then indexed
 * groups written `index` first, the way phones do. The XML is written by hand here (not by
 * the codec's builder) so the parser is tested against independent input.
 */
export function largeReadAllItemsReply(nonce: string): WpiSample<WorkpointMessage> {
  const items: WpiItem[] = [...BASIC_ITEMS];
  const lines = BASIC_ITEMS.map((item) => {
    const status = item.status === undefined ? '' : `status="${item.status}" `;
    const value = item.value?.replace('&', '&amp;');
    return value === undefined ? `<Item ${status}name="${item.name}"/>` : `<Item name="${item.name}">${value}</Item>`;
  });
  for (const group of INDEXED_GROUPS) {
    for (const index of group.indexes) {
      const value = group.value(index);
      items.push({ name: group.name, index, value });
      lines.push(`<Item index="${index}" name="${group.name}">${value}</Item>`);
    }
  }
  const xml = `<?xml version="1.0" encoding="utf-8"?>
<WorkpointMessage ${NS}>
<Message nonce="${nonce}" maxItems="-1" fragment="final">
<ReasonForContact action="ReadAllItems" status="accepted">reply-to</ReasonForContact>
<ItemList>
${lines.join('\n')}
</ItemList>
</Message>
</WorkpointMessage>`;
  return {
    title: '200-item ReadAllItems reply',
    xml,
    expected: {
      nonce,
      maxItems: -1,
      fragment: 'final',
      reason: 'reply-to',
      replyTo: { action: 'ReadAllItems', status: 'accepted' },
      items,
    },
  };
}
