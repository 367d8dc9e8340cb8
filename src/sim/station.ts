// A simulated OCPP 2.0.1 charging station: cold boot (B01-B03), heartbeats (G02), connector status
// (G01), answers to CSMS-initiated CALLs (responder.ts), and reconnection after a drop.
import { computeReconnectDelay } from './backoff.js';
import type { CallAnswer } from './call-queue.js';
import { createStandardVariables, DeviceVariables } from './device-variables.js';
import { answerCall, type EvseRef, type ResponderPort, type Reply, type TriggeredMessage } from './responder.js';
import { HeartbeatTimer } from './heartbeat-timer.js';
import { readBootResponse, type BootNotificationResponse, type BootReason, type ConnectorStatus, type RegistrationStatus } from './ocpp-messages.js';
import { SimError } from './sim-error.js';
import { Sleeper } from './sleeper.js';
import { StationLink, type CallOptions, type IncomingCall } from './station-link.js';
import { buildClientOptions, resolveStationOptions, stationEndpoint, type ConnectorRef, type ResolvedStationOptions, type StationOptions } from './station-options.js';

const isGone = (err: unknown): boolean => err instanceof SimError && (err.code === 'SIM_CLOSED' || err.code === 'SIM_NOT_CONNECTED');

export class SimulatedStation extends StationLink {
  readonly stationId: string;
  readonly options: ResolvedStationOptions;
  readonly variables: DeviceVariables;
  private registration: RegistrationStatus | null = null;
  private lastBoot: BootNotificationResponse | null = null;
  private stopped = false;
  private readonly heartbeats = new HeartbeatTimer(() => {
    this.heartbeat().catch((err: unknown) => isGone(err) || this.reportError(err));
  });
  private reconnectTimer: NodeJS.Timeout | null = null;
  private reconnectAttempt = 0;
  private readonly sleeper = new Sleeper();
  private readonly statuses = new Map<string, ConnectorStatus>();
  private readonly port: ResponderPort;

  constructor(options: StationOptions) {
    const o = resolveStationOptions(options);
    super(stationEndpoint(o.url, o.stationId), buildClientOptions(o), o.callTimeoutMs);
    this.stationId = o.stationId;
    this.options = o;
    const seeds = [...createStandardVariables(o.stationId, o.chargingStation.vendorName, o.chargingStation.model), ...o.variables];
    this.variables = new DeviceVariables(seeds, (key, value) => {
      if (key === 'ocppcommctrlr.heartbeatinterval') this.heartbeats.setInterval(Number(value));
    });
    this.port = {
      variables: this.variables,
      isAccepted: () => this.registration === 'Accepted',
      hasEvse: (evse) => this.connectorsAt(evse).length > 0,
      sendTriggered: (message, evse) => this.sendTriggered(message, evse),
      setAvailability: (operative, evse) => this.reportConnectors(this.connectorsAt(evse), operative ? 'Available' : 'Unavailable'),
    };
  }

  get registrationStatus(): RegistrationStatus | null {
    return this.registration;
  }

  get lastBootResponse(): BootNotificationResponse | null {
    return this.lastBoot;
  }

  async connect(): Promise<void> {
    this.stopped = false;
    await this.openLink();
    this.reconnectAttempt = 0;
  }

  /** Connects (retrying with back-off when asked and reconnecting is on) and boots until Accepted. */
  async start(options: { retryConnect?: boolean } = {}): Promise<BootNotificationResponse> {
    this.stopped = false;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.connect();
        break;
      } catch (err) {
        const policy = this.options.reconnect;
        if (!options.retryConnect || !policy || this.stopped) throw err;
        this.reportError(err);
        const delay = computeReconnectDelay(attempt, policy);
        this.emit('reconnecting', delay, attempt + 1);
        await this.sleeper.sleep(delay);
        if (this.stopped) throw new SimError('SIM_CLOSED', `${this.stationId} was stopped`);
      }
    }
    return this.boot();
  }

  /** BootNotification until Accepted; after Pending or Rejected it waits the interval the CSMS sent (B02.FR.01, B03.FR.01). */
  async boot(reason: BootReason = 'PowerUp'): Promise<BootNotificationResponse> {
    const connection = this.connection;
    for (;;) {
      const response = await this.sendBootNotification(reason);
      if (response.status === 'Accepted') return response;
      await this.sleeper.sleep(Math.min(Math.max(response.interval, 1) * 1000, this.options.maxBootWaitMs));
      if (this.connection !== connection || !this.isOpen) throw new SimError('SIM_CLOSED', `${this.stationId}: connection lost while waiting to boot again`);
      // A BootNotification triggered by the CSMS (F06) may have been Accepted meanwhile.
      if (this.lastBoot?.status === 'Accepted') return this.lastBoot;
    }
  }

  async sendBootNotification(reason: BootReason = 'PowerUp'): Promise<BootNotificationResponse> {
    const answer = await this.call('BootNotification', { reason, chargingStation: this.options.chargingStation });
    if (answer.kind === 'error') throw new SimError('SIM_BAD_ANSWER', `BootNotification answered with ${answer.errorCode}: ${answer.errorDescription}`);
    const response = readBootResponse(answer.payload);
    if (!response) throw new SimError('SIM_BAD_ANSWER', `BootNotificationResponse is malformed: ${JSON.stringify(answer.payload)}`);
    return response;
  }

  override async call(action: string, payload: unknown, options: CallOptions = {}): Promise<CallAnswer> {
    const answer = await super.call(action, payload, options);
    if (action === 'BootNotification' && answer.kind === 'result') this.observeBoot(answer.payload);
    return answer;
  }

  heartbeat(): Promise<CallAnswer> {
    return this.call('Heartbeat', {});
  }

  sendStatusNotification(c: ConnectorRef, connectorStatus: ConnectorStatus, timestamp: Date = new Date()): Promise<CallAnswer> {
    this.statuses.set(`${c.evseId}.${c.connectorId}`, connectorStatus);
    return this.call('StatusNotification', { timestamp: timestamp.toISOString(), connectorStatus, evseId: c.evseId, connectorId: c.connectorId });
  }

  /** Stops for good: no reconnect; resolves once the connection is closed. */
  async close(code = 1000, reason = ''): Promise<void> {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.heartbeats.stop();
    this.sleeper.wakeAll();
    await this.closeLink(code, reason);
  }

  protected answer(call: IncomingCall): Reply {
    return answerCall(call.action, call.payload, this.port);
  }

  protected linkClosed(opened: boolean): void {
    this.heartbeats.stop();
    this.sleeper.wakeAll();
    if (opened && !this.stopped && this.options.automatic) this.scheduleReconnect();
  }

  private observeBoot(payload: Record<string, unknown>): void {
    const boot = readBootResponse(payload);
    if (!boot) return;
    this.registration = boot.status;
    this.lastBoot = boot;
    if (boot.status !== 'Accepted') return this.heartbeats.stop();
    // B01, G02: an Accepted station heartbeats at the interval the CSMS sent.
    this.heartbeats.setInterval(this.options.heartbeatIntervalS ?? boot.interval);
    this.variables.update('OCPPCommCtrlr.HeartbeatInterval', String(this.heartbeats.intervalS));
    if (!this.options.automatic) return;
    this.heartbeats.start();
    // Queued at once, so they precede anything the caller sends after boot() resolves.
    this.reportConnectors(this.options.connectors).catch((err: unknown) => this.reportError(err));
  }

  // Part 4 §5.3: reconnect with a growing, randomized back-off until it works or close() is called.
  private scheduleReconnect(): void {
    const policy = this.options.reconnect;
    if (!policy || this.stopped || this.reconnectTimer) return;
    const delay = computeReconnectDelay(this.reconnectAttempt++, policy);
    this.emit('reconnecting', delay, this.reconnectAttempt);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (this.stopped) return;
      this.openLink().then(
        () => {
          this.reconnectAttempt = 0;
          return this.resume();
        },
        (err: unknown) => {
          this.reportError(err);
          this.scheduleReconnect();
        },
      ).catch((err: unknown) => isGone(err) || this.reportError(err));
    }, delay);
  }

  // B02/B03: a station never Accepted must boot first; an Accepted one only reboots when configured to.
  private async resume(): Promise<void> {
    if (this.options.rebootOnReconnect || this.registration !== 'Accepted') await this.boot('PowerUp');
    else this.heartbeats.start();
  }

  private async sendTriggered(message: TriggeredMessage, evse: EvseRef | undefined): Promise<void> {
    if (message === 'BootNotification') await this.sendBootNotification('Triggered');
    else if (message === 'Heartbeat') await this.heartbeat();
    else await this.reportConnectors(this.connectorsAt(evse));
  }

  private async reportConnectors(connectors: readonly ConnectorRef[], status?: ConnectorStatus): Promise<void> {
    const sent = connectors.map((c) => this.sendStatusNotification(c, status ?? this.statuses.get(`${c.evseId}.${c.connectorId}`) ?? 'Available'));
    await Promise.all(sent);
  }

  private connectorsAt(evse: EvseRef | undefined): ConnectorRef[] {
    const all = this.options.connectors;
    return evse ? all.filter((c) => c.evseId === evse.id && (evse.connectorId === undefined || c.connectorId === evse.connectorId)) : [...all];
  }
}
