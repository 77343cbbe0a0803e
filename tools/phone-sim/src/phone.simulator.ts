import type { WpiItem } from '@workpoint/wpi-codec';
import { abortableDelay } from './abortable-delay.util';
import { ContactMeListener, type ContactMeListenOptions } from './contact-me.listener';
import { CookieJar } from './cookie.jar';
import { pollDcmp, type DcmpPollResult } from './dcmp-poll.client';
import { checkResponse } from './dls-response.check';
import { errorText } from './error-text.util';
import { fileStatusItems, type FileDeploymentReport } from './file-deployment.items';
import type { ActionStep, ExchangeRecord, InteractionResult } from './interaction-result.types';
import { newNonce } from './nonce.util';
import { answerAction, type FollowUp, type OutgoingMessage, type ResponderContext } from './phone-action.responder';
import { resolvePhoneBehaviour, type BusyDecision, type PhoneBehaviour } from './phone-behaviour.options';
import { resolvePhoneOptions, type PhoneOptions, type ResolvedPhoneOptions } from './phone.options';
import { PhoneState, type RebootKind } from './phone.state';
import { MessageTemplate } from './workpoint-message.template';
import { AgentPool, phoneRequestHeaders, postXml, type PostReply } from './wpi-http.transport';

export interface InteractionOptions {
  /** Aborts the interaction (in-flight request included); used by storm deadlines. */
  signal?: AbortSignal;
  /** Talk to these service URLs instead of the configured ones (a contact-me naming dls_ip_addr). */
  urls?: string[];
}

export interface InteractOptions extends InteractionOptions {
  /** Value of `configuration-changed-flag` in the basic items; default the phone's option. */
  configurationChanged?: boolean;
  /** Send only the extra items: no basic items, not even `mac-addr`. */
  withoutBasicItems?: boolean;
  /** Make the first message a `reply-to` with these attributes (a reply to an action never received). */
  replyTo?: { action: string; status: string };
}

/** A change made on the phone itself, reported with `local-changes` (protocol.md §6.2). */
export interface LocalChanges {
  /** The changed items; default: `lldp-enabled` toggled. They are applied to the phone's items. */
  items?: WpiItem[];
  /** ≥ V2R2 form (changed items attached) or ≤ V2R1 form (flag only). Default: by firmware. */
  attached?: boolean;
}

/**
 * One OpenStage phone as the provisioning service sees it on the wire: it starts interactions
 * for any reason, answers every action of protocol.md §5 against its own item store, and
 * starts the interactions the protocol makes it start by itself (status after a file transfer,
 * start-up after a firmware update, the solicited call-back). Messages that do not change
 * between interactions are encoded once and reused, so storms cost little besides TLS and I/O.
 */
export class SimulatedPhone {
  readonly options: ResolvedPhoneOptions;
  private readonly urls: URL[];
  private readonly state: PhoneState;
  private readonly templates = new Map<string, MessageTemplate>();
  private templatesRevision = 0;

  constructor(options: PhoneOptions) {
    this.options = resolvePhoneOptions(options);
    this.urls = this.options.urls.map((url) => new URL(url));
    const { mac, e164, deviceType, softwareVersion, itemCount, configurationChanged, contactMeUri } = this.options;
    this.state = new PhoneState(
      { mac, e164, deviceType, softwareVersion, itemCount, configurationChanged, contactMeUri },
      resolvePhoneBehaviour(options.behaviour),
    );
  }

  get mac(): string {
    return this.options.mac;
  }

  /** The behaviour model with defaults applied; change it freely between interactions. */
  get behaviour(): PhoneBehaviour {
    return this.state.behaviour;
  }

  /** The phone's item store now: what a ReadAllItems would report. */
  get items(): readonly WpiItem[] {
    return this.state.store.snapshot();
  }

  get configuredUrls(): readonly string[] {
    return this.options.urls;
  }

  get deviceType(): string {
    return this.state.deviceType;
  }

  get softwareVersion(): string {
    return this.state.softwareVersion;
  }

  /** A CleanUp asked for a call-back the phone has not made yet (it is busy, or follow-ups are off). */
  get solicitedPending(): boolean {
    return this.state.solicitedPending;
  }

  /** Set by Restart or SoftwareDeployment: the phone would be rebooting; cleared by its next start-up. */
  get pendingReboot(): RebootKind | undefined {
    return this.state.pendingReboot;
  }

  get reboots(): number {
    return this.state.reboots;
  }

  /** Files kept on the phone after FileDeployment, as ReadAllItems reports them. */
  get storedFiles(): readonly FileDeploymentReport[] {
    return this.state.storedFiles;
  }

  /** `start-up` and follow the service until it ends the interaction, a failure, or the exchange cap. */
  startUp(interaction: InteractionOptions = {}): Promise<InteractionResult> {
    return this.interact('start-up', [], interaction);
  }

  /** `solicited`: what the phone sends after a contact-me, a DCMP 202 or a `send-solicited` call-back. */
  solicited(interaction: InteractionOptions = {}): Promise<InteractionResult> {
    return this.interact('solicited', [], interaction);
  }

  /** Applies the changes to the phone's items, then reports them with `local-changes`. */
  localChanges(changes: LocalChanges = {}, interaction: InteractionOptions = {}): Promise<InteractionResult> {
    const items = changes.items ?? [this.toggled('lldp-enabled')];
    this.state.applyLocalChanges(items);
    const attached = changes.attached ?? this.state.traits().attachesLocalChanges;
    const extra: WpiItem[] = attached
      ? [
          { name: 'configuration-attached-flag', value: 'true' },
          { name: 'configuration-attached-number', value: String(items.length) },
          ...items,
        ]
      : [];
    return this.interact('local-changes', extra, { ...interaction, configurationChanged: true });
  }

  /** `inventory-changes`, e.g. a key module attached (default `key-modules=1`); the items are kept. */
  inventoryChanges(items: WpiItem[] = [{ name: 'key-modules', value: '1' }], interaction: InteractionOptions = {}): Promise<InteractionResult> {
    this.state.applyLocalChanges(items);
    return this.interact('inventory-changes', items, interaction);
  }

  /** `status` with file-deployment-* items, indexed when several files are reported (protocol.md §6.7). */
  sendStatus(reports: FileDeploymentReport[], interaction: InteractionOptions = {}): Promise<InteractionResult> {
    return this.interact('status', fileStatusItems(reports), interaction);
  }

  /** The phone ends things itself, e.g. after too many PIN retries (G p.83). */
  cleanUp(reason = 'password retries exceeded', interaction: InteractionOptions = {}): Promise<InteractionResult> {
    return this.interact('clean-up', [{ name: 'cleanup-reason', value: reason }], interaction);
  }

  /** Any reason, known or not, with the basic items followed by `extraItems`. */
  async interact(reason: string, extraItems: WpiItem[] = [], options: InteractOptions = {}): Promise<InteractionResult> {
    // A start-up is the phone back from its reboot.
    if (reason === 'start-up') this.state.pendingReboot = undefined;
    const flag = options.configurationChanged;
    const plain = extraItems.length === 0 && !options.withoutBasicItems && options.replyTo === undefined;
    const first: OutgoingMessage = {
      reason,
      items: options.withoutBasicItems ? [...extraItems] : [...this.state.basicItems(flag), ...extraItems],
      ...(options.replyTo ? { replyTo: options.replyTo, fragment: 'final' as const } : {}),
      sent: options.replyTo ? `reply-to ${options.replyTo.action} ${options.replyTo.status}` : reason,
      ...(plain ? { cacheKey: `${reason} ${String(flag ?? (this.options.configurationChanged === true || this.state.resetSinceRead))}` } : {}),
    };
    return this.run(first, options, 0);
  }

  /** The call has ended; a remembered `send-solicited` makes the phone call back now (G p.72). */
  async becomeIdle(interaction: InteractionOptions = {}): Promise<InteractionResult | undefined> {
    this.state.behaviour.busy = false;
    if (!this.state.solicitedPending) return undefined;
    this.state.solicitedPending = false;
    const result = await this.solicited(interaction);
    // The flag survives a call-back that never reached the service.
    if (!result.exchanges.some((exchange) => exchange.httpStatus !== undefined)) this.state.solicitedPending = true;
    return result;
  }

  /** In a call (true) or not; a function decides per action. */
  setBusy(busy: BusyDecision): void {
    this.state.behaviour.busy = busy;
  }

  /** Starts the phone's contact-me server; its `contact-me-uri` then points there. */
  async listenForContactMe(options: ContactMeListenOptions = {}): Promise<ContactMeListener> {
    const listener = await ContactMeListener.start(this, options);
    this.state.setContactMeUri(listener.url);
    return listener;
  }

  /** One DCMP poll (`GET <base>/dcmp/contact-me?device-id=<MAC>`); 202 starts a solicited interaction. */
  pollDcmp(baseUrl: string, interaction: InteractionOptions = {}): Promise<DcmpPollResult> {
    return pollDcmp(baseUrl, this.mac, { timeoutMs: this.options.timeoutMs, signal: interaction.signal }, () =>
      this.solicited(interaction),
    );
  }

  /** Misbehaviour: interactions of this one phone at the same time, each with its own nonce and session. */
  overlappingInteractions(reasons: string[] = ['start-up', 'start-up'], interaction: InteractionOptions = {}): Promise<InteractionResult[]> {
    return Promise.all(reasons.map((reason) => this.interact(reason, [], interaction)));
  }

  /** Misbehaviour: opens an interaction with a reply-to for an action the service never sent; carries only `mac-addr`. */
  strayReplyTo(action = 'WriteItems', status = 'accepted', interaction: InteractionOptions = {}): Promise<InteractionResult> {
    return this.interact('reply-to', [{ name: 'mac-addr', value: this.mac }], {
      ...interaction,
      withoutBasicItems: true,
      replyTo: { action, status },
    });
  }

  private async run(first: OutgoingMessage, interaction: InteractionOptions, depth: number): Promise<InteractionResult> {
    const { maxExchanges, keepAlive, tlsSessionReuse, cookieQuirk, timeoutMs, onWire } = this.options;
    // As given, not URL-normalised, so callers can compare with their own list.
    const urlTexts = interaction.urls ?? this.options.urls;
    const urls = interaction.urls ? interaction.urls.map((url) => new URL(url)) : this.urls;
    if (urls.length === 0) throw new Error('at least one service URL is required');
    const nonce = newNonce();
    const cookies = new CookieJar(cookieQuirk);
    const agents = new AgentPool(keepAlive, tlsSessionReuse);
    const context: ResponderContext = { timeoutMs, signal: interaction.signal };
    const actions: string[] = [];
    const exchanges: ExchangeRecord[] = [];
    const steps: ActionStep[] = [];
    let next: OutgoingMessage = first;
    let endedBy: ActionStep['action'] | undefined;
    let followUp: FollowUp | undefined;
    let stop: string | undefined;
    try {
      for (let index = 0; ; index++) {
        if (index >= maxExchanges) {
          stop = `service did not send CleanUp within ${maxExchanges} exchanges`;
          break;
        }
        if (interaction.signal?.aborted) {
          stop = 'aborted';
          break;
        }
        const url = urls[index % urls.length];
        const urlText = urlTexts[index % urls.length];
        const body = this.render(next, index).render(nonce);
        const record: ExchangeRecord = {
          index,
          url: urlText,
          sent: next.sent,
          requestBytes: Buffer.byteLength(body),
          chunked: false,
          nonceEchoed: false,
          latencyMs: 0,
          errors: [],
        };
        exchanges.push(record);
        const cookie = cookies.header();
        onWire?.({ direction: 'request', url: urlText, headers: phoneRequestHeaders({ url, body, cookie, keepAlive }), body });
        const started = process.hrtime.bigint();
        let reply: PostReply;
        try {
          reply = await postXml({ url, body, agents, cookie, keepAlive, timeoutMs, signal: interaction.signal });
        } catch (error) {
          record.latencyMs = Number(process.hrtime.bigint() - started) / 1e6;
          stop = interaction.signal?.aborted ? 'aborted' : `request failed: ${errorText(error)}`;
          record.errors.push(stop);
          break;
        }
        record.latencyMs = Number(process.hrtime.bigint() - started) / 1e6;
        onWire?.({ direction: 'response', url: urlText, status: reply.status, headers: reply.headers, body: reply.body });
        cookies.store(reply.headers['set-cookie']);
        const dls = checkResponse(reply, nonce, record);
        if (!dls) {
          stop = record.errors[record.errors.length - 1];
          break;
        }
        actions.push(dls.action);
        const answer = await answerAction(this.state, dls, context);
        const step: ActionStep = { exchange: index, action: dls.action, items: dls.items ?? [], answer: '' };
        steps.push(step);
        if (answer.kind === 'end') {
          step.answer = answer.note;
          endedBy = dls.action;
          followUp = answer.followUp;
          break;
        }
        step.answer = answer.message.sent;
        step.answerItems = answer.message.items;
        next = answer.message;
      }
    } finally {
      agents.destroy();
    }
    const failed = exchanges.find((exchange) => exchange.errors.length > 0);
    const error = failed ? `exchange ${failed.index + 1}: ${failed.errors[0]}` : stop;
    const result: InteractionResult = {
      mac: this.mac,
      reason: first.reason,
      ok: endedBy !== undefined && error === undefined,
      actions,
      exchanges,
      aborted: stop === 'aborted',
      ...(error !== undefined ? { error } : {}),
      steps,
      ...(endedBy !== undefined ? { endedBy } : {}),
      items: this.state.store.snapshot(),
    };
    const { followUps, maxFollowUps, followUpDelayMs } = this.state.behaviour;
    if (followUp && followUps && depth < maxFollowUps && !interaction.signal?.aborted) {
      await abortableDelay(followUpDelayMs, interaction.signal);
      result.followUp = await this.run(this.followUpMessage(followUp), this.followUpTarget(followUp, interaction), depth + 1);
    } else if (followUp?.reason === 'solicited') {
      // A call-back owed but not made now stays owed, so becomeIdle() can still make it.
      this.state.solicitedPending = true;
    }
    return result;
  }

  private followUpMessage(followUp: FollowUp): OutgoingMessage {
    if (followUp.reason === 'start-up') this.state.pendingReboot = undefined;
    return { reason: followUp.reason, items: [...this.state.basicItems(), ...followUp.items], sent: followUp.reason };
  }

  /** After a reboot the phone talks to its configured service again; otherwise to whom it just talked. */
  private followUpTarget(followUp: FollowUp, interaction: InteractionOptions): InteractionOptions {
    return followUp.reason === 'start-up' ? { signal: interaction.signal } : interaction;
  }

  /** The encoded message; reused while the item store is unchanged and nothing per-exchange alters it. */
  private render(message: OutgoingMessage, index: number): MessageTemplate {
    const switchMacTo = this.state.behaviour.misbehave.switchMacTo;
    const mac = switchMacTo !== undefined && index > 0 ? switchMacTo.toUpperCase() : undefined;
    const encode = (): MessageTemplate =>
      new MessageTemplate({
        maxItems: -1,
        reason: message.reason,
        ...(message.replyTo ? { replyTo: message.replyTo } : {}),
        ...(message.fragment ? { fragment: message.fragment } : {}),
        items: mac === undefined ? message.items : [...message.items.filter((item) => item.name !== 'mac-addr'), { name: 'mac-addr', value: mac }],
      });
    if (message.cacheKey === undefined || mac !== undefined) return encode();
    if (this.templatesRevision !== this.state.store.revision) {
      this.templates.clear();
      this.templatesRevision = this.state.store.revision;
    }
    let template = this.templates.get(message.cacheKey);
    if (!template) {
      template = encode();
      this.templates.set(message.cacheKey, template);
    }
    return template;
  }

  private toggled(name: string): WpiItem {
    return { name, value: this.state.store.get(name)?.value === 'true' ? 'false' : 'true' };
  }
}
