// A minimal device model (OCPP 2.0.1 Part 1 §4, use cases B05 and B06): a few variables with their Actual
// value, answered per requested item by GetVariables and changed by SetVariables. Component and
// variable names are case-insensitive (Part 2, ComponentType/VariableType).

interface EvseRef {
  id: number;
  connectorId?: number;
}
interface ComponentRef {
  name: string;
  instance?: string;
  evse?: EvseRef;
}
interface VariableRef {
  name: string;
  instance?: string;
}
export interface VariableItem {
  component: ComponentRef;
  variable: VariableRef;
  attributeType?: string;
  attributeValue?: string;
}

export type GetVariableStatus = 'Accepted' | 'UnknownComponent' | 'UnknownVariable' | 'NotSupportedAttributeType';
export type SetVariableStatus = GetVariableStatus | 'Rejected';

interface Entry {
  value: string;
  writable: boolean;
  check?: (value: string) => boolean;
}

export interface VariableSeed {
  /** Key as `Component.Variable`, e.g. `OCPPCommCtrlr.HeartbeatInterval`. */
  key: string;
  value: string;
  writable?: boolean;
  check?: (value: string) => boolean;
}

function componentKey(c: ComponentRef): string {
  const evse = c.evse ? `@${c.evse.id}${c.evse.connectorId === undefined ? '' : `.${c.evse.connectorId}`}` : '';
  return `${c.name}${c.instance ? `[${c.instance}]` : ''}${evse}`.toLowerCase();
}

function variableKey(item: Pick<VariableItem, 'component' | 'variable'>): string {
  return `${componentKey(item.component)}.${item.variable.name}${item.variable.instance ? `[${item.variable.instance}]` : ''}`.toLowerCase();
}

// Only the Actual attribute is modelled; Target, MinSet and MaxSet are not.
const supportsAttribute = (t: string | undefined): boolean => t === undefined || t === 'Actual';

export class DeviceVariables {
  private readonly entries = new Map<string, Entry>();
  private readonly components = new Set<string>();

  constructor(
    seeds: readonly VariableSeed[],
    private readonly onChange: (key: string, value: string) => void = () => undefined,
  ) {
    for (const s of seeds) this.define(s);
  }

  define(seed: VariableSeed): void {
    const key = seed.key.toLowerCase();
    const entry: Entry = { value: seed.value, writable: seed.writable ?? false };
    if (seed.check) entry.check = seed.check;
    this.entries.set(key, entry);
    this.components.add(key.slice(0, key.lastIndexOf('.')));
  }

  /** Sets a value from the station's own side (read-only variables too). */
  update(key: string, value: string): void {
    const entry = this.entries.get(key.toLowerCase());
    if (entry) entry.value = value;
  }

  get(item: VariableItem): { attributeStatus: GetVariableStatus; attributeValue?: string } {
    const status = this.lookup(item);
    if (typeof status === 'string') return { attributeStatus: status };
    return { attributeStatus: 'Accepted', attributeValue: status.value };
  }

  set(item: VariableItem): SetVariableStatus {
    const entry = this.lookup(item);
    if (typeof entry === 'string') return entry;
    const value = item.attributeValue ?? '';
    if (!entry.writable || (entry.check && !entry.check(value))) return 'Rejected';
    entry.value = value;
    this.onChange(variableKey(item), value);
    return 'Accepted';
  }

  private lookup(item: VariableItem): Entry | GetVariableStatus {
    const entry = this.entries.get(variableKey(item));
    if (!this.components.has(componentKey(item.component))) return 'UnknownComponent';
    if (!entry) return 'UnknownVariable';
    if (!supportsAttribute(item.attributeType)) return 'NotSupportedAttributeType';
    return entry;
  }
}

const positiveInteger = (v: string): boolean => /^[1-9][0-9]{0,8}$/.test(v);

/** The variables every simulated station has. */
export function createStandardVariables(stationId: string, vendorName: string, model: string): VariableSeed[] {
  return [
    { key: 'OCPPCommCtrlr.HeartbeatInterval', value: '0', writable: true, check: positiveInteger },
    { key: 'SecurityCtrlr.Identity', value: stationId },
    { key: 'ChargingStation.VendorName', value: vendorName },
    { key: 'ChargingStation.Model', value: model },
  ];
}
