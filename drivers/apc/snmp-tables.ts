/**
 * Where an APC card keeps its outlets in SNMP, by the identity it reports
 * (sysObjectID), as fence_apc_snmp 4.12.1 chooses: the Rack PDU tables, or the
 * older MasterSwitch ones (docs/reference/apc.md §6).
 */
export const SYS_OBJECT_ID = '1.3.6.1.2.1.1.2.0';

export interface OutletTables {
  kind: string;
  /** State of outlet N: `${status}.${N}`; reads `on` / other. */
  status: string;
  /** Command of outlet N: `${control}.${N}`, set to `on` or `off`. */
  control: string;
  /** Names, walked: the last OID component is the outlet. */
  names: string;
  values: { on: number; off: number };
}

const RACK_PDU: OutletTables = {
  kind: 'Rack PDU',
  status: '1.3.6.1.4.1.318.1.1.12.3.5.1.1.4',
  control: '1.3.6.1.4.1.318.1.1.12.3.3.1.1.4',
  names: '1.3.6.1.4.1.318.1.1.12.3.5.1.1.2',
  values: { on: 1, off: 2 },
};

const MASTERSWITCH: OutletTables = {
  kind: 'MasterSwitch',
  status: '1.3.6.1.4.1.318.1.1.4.4.2.1.3',
  control: '1.3.6.1.4.1.318.1.1.4.4.2.1.3',
  names: '1.3.6.1.4.1.318.1.1.4.4.2.1.4',
  values: { on: 1, off: 2 },
};

const MASTERSWITCH_FW6: OutletTables = {
  ...MASTERSWITCH,
  kind: 'MasterSwitch (firmware 6)',
  control: '1.3.6.1.4.1.318.1.1.12.3.3.1.1.4',
};

/** An exact match of the identity, as fence_apc_snmp does; anything else is a MasterSwitch. */
export function tablesFor(sysObjectId: string): OutletTables {
  const id = sysObjectId.replace(/^\./, '');
  if (id === '1.3.6.1.4.1.318.1.3.4.5') return RACK_PDU;
  if (id === '1.3.6.1.4.1.318.1.3.4.6') return MASTERSWITCH_FW6;
  return MASTERSWITCH;
}
