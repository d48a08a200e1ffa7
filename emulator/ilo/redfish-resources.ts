import type { PlugState } from '../events.js';
import type { IloModel } from './ilo-device.js';

/**
 * The Redfish resources an iLO 4 or 5 serves to a fencing client, as data:
 * the service root, the one computer system, the session service, and the
 * error bodies. Functions of the device state and nothing else; no I/O.
 *
 * What fence_redfish (fence-agents 4.12.1) reads [code]: `Systems.@odata.id`
 * on the root, the last `Members[].@odata.id`, `PowerState`, and
 * `Actions["#ComputerSystem.Reset"].target`. The rest is iLO-flavoured
 * decoration [unverified]: names, type versions and message registries follow
 * HPE's published examples, not a capture from a real board.
 *
 * Identifiers are written without a trailing slash, as the DMTF examples do.
 * Real iLO firmware writes them with one (`/redfish/v1/Systems/1/`) [unverified];
 * the router accepts both spellings.
 */

export type RedfishModel = Extract<IloModel, 'ilo4' | 'ilo5'>;

export function hasRedfish(model: IloModel): model is RedfishModel {
  return model === 'ilo4' || model === 'ilo5';
}

export const ROOT = '/redfish/v1';
export const SYSTEMS = `${ROOT}/Systems`;
export const SYSTEM = `${SYSTEMS}/1`;
export const RESET_ACTION = `${SYSTEM}/Actions/ComputerSystem.Reset`;
export const SESSION_SERVICE = `${ROOT}/SessionService`;
export const SESSIONS = `${SESSION_SERVICE}/Sessions`;

/** What differs between the two generations [unverified]. */
interface RedfishPersonality {
  rootName: string;
  redfishVersion: string;
  /** `Oem` key: HP before the 2015 split, HPE after. */
  oem: 'Hp' | 'Hpe';
  managerType: string;
  product: string;
  /** Prefix of the DMTF Base message registry the board quotes. */
  base: string;
  types: { root: string; collection: string; system: string; sessionService: string; session: string };
}

export const REDFISH_PERSONALITIES: Record<RedfishModel, RedfishPersonality> = {
  ilo4: {
    rootName: 'HP RESTful Root Service',
    redfishVersion: '1.0.0',
    oem: 'Hp',
    managerType: 'iLO 4',
    product: 'ProLiant DL360 Gen9',
    base: 'Base.0.10',
    types: {
      root: '#ServiceRoot.1.0.0.ServiceRoot',
      collection: '#ComputerSystemCollection.ComputerSystemCollection',
      system: '#ComputerSystem.1.0.1.ComputerSystem',
      sessionService: '#SessionService.1.0.0.SessionService',
      session: '#Session.1.0.0.Session',
    },
  },
  ilo5: {
    rootName: 'HPE RESTful Root Service',
    redfishVersion: '1.6.0',
    oem: 'Hpe',
    managerType: 'iLO 5',
    product: 'ProLiant DL360 Gen10',
    base: 'Base.1.4',
    types: {
      root: '#ServiceRoot.v1_5_1.ServiceRoot',
      collection: '#ComputerSystemCollection.ComputerSystemCollection',
      system: '#ComputerSystem.v1_4_0.ComputerSystem',
      sessionService: '#SessionService.v1_0_0.SessionService',
      session: '#Session.v1_0_0.Session',
    },
  },
};

/**
 * Every ResetType the system advertises, and what it does to the server.
 * `toggle` is the power button: on if heading for off, off if heading for on.
 */
export type ResetEffect = 'on' | 'off' | 'cycle' | 'toggle' | 'none';

export const RESET_TYPES: Readonly<Record<string, ResetEffect>> = {
  On: 'on',
  ForceOff: 'off',
  GracefulShutdown: 'off',
  ForceRestart: 'cycle',
  Nmi: 'none',
  PushPowerButton: 'toggle',
};

const link = (id: string) => ({ '@odata.id': id });

export function redfishVersions() {
  return { v1: `${ROOT}/` };
}

export function serviceRoot(model: RedfishModel, identity: { firmware: string }) {
  const p = REDFISH_PERSONALITIES[model];
  return {
    '@odata.context': `${ROOT}/$metadata#ServiceRoot.ServiceRoot`,
    '@odata.id': ROOT,
    '@odata.type': p.types.root,
    Id: 'RootService',
    Name: p.rootName,
    RedfishVersion: p.redfishVersion,
    Product: p.product,
    Vendor: p.oem === 'Hp' ? 'HP' : 'HPE',
    Systems: link(SYSTEMS),
    SessionService: link(SESSION_SERVICE),
    Links: { Sessions: link(SESSIONS) },
    Oem: {
      [p.oem]: {
        Manager: [{ ManagerType: p.managerType, ManagerFirmwareVersion: identity.firmware }],
      },
    },
  };
}

export function systemsCollection(model: RedfishModel) {
  return {
    '@odata.context': `${ROOT}/$metadata#ComputerSystemCollection.ComputerSystemCollection`,
    '@odata.id': SYSTEMS,
    '@odata.type': REDFISH_PERSONALITIES[model].types.collection,
    Name: 'Computer Systems',
    'Members@odata.count': 1,
    Members: [link(SYSTEM)],
  };
}

/**
 * Redfish's PowerState, transitions included: a board reports PoweringOn or
 * PoweringOff while a power command has been taken and the server has not yet
 * reached its state (the emulator's `--transition`). Clients that read
 * anything but "Off" as on (fence_redfish does) keep waiting through PoweringOff.
 */
export function powerState(server: {
  power: PlugState;
  target: PlugState;
}): 'On' | 'Off' | 'PoweringOn' | 'PoweringOff' {
  if (server.target !== server.power) return server.target === 'ON' ? 'PoweringOn' : 'PoweringOff';
  return server.power === 'ON' ? 'On' : 'Off';
}

export function computerSystem(model: RedfishModel, server: { power: PlugState; target: PlugState; hostName: string }) {
  const p = REDFISH_PERSONALITIES[model];
  return {
    '@odata.context': `${ROOT}/$metadata#ComputerSystem.ComputerSystem`,
    '@odata.id': SYSTEM,
    '@odata.type': p.types.system,
    Id: '1',
    Name: 'Computer System',
    HostName: server.hostName,
    Manufacturer: p.oem === 'Hp' ? 'HP' : 'HPE',
    Model: p.product,
    SystemType: 'Physical',
    PowerState: powerState(server),
    Actions: {
      '#ComputerSystem.Reset': {
        'ResetType@Redfish.AllowableValues': Object.keys(RESET_TYPES),
        target: RESET_ACTION,
      },
    },
  };
}

export function sessionService(model: RedfishModel) {
  return {
    '@odata.context': `${ROOT}/$metadata#SessionService.SessionService`,
    '@odata.id': SESSION_SERVICE,
    '@odata.type': REDFISH_PERSONALITIES[model].types.sessionService,
    Id: 'SessionService',
    Name: 'Session Service',
    ServiceEnabled: true,
    SessionTimeout: 30,
    Sessions: link(SESSIONS),
  };
}

export function sessionsCollection(ids: readonly string[]) {
  return {
    '@odata.context': `${ROOT}/$metadata#SessionCollection.SessionCollection`,
    '@odata.id': SESSIONS,
    '@odata.type': '#SessionCollection.SessionCollection',
    Name: 'Sessions',
    'Members@odata.count': ids.length,
    Members: ids.map((id) => link(`${SESSIONS}/${id}`)),
  };
}

export function sessionResource(model: RedfishModel, s: { id: string; user: string }) {
  return {
    '@odata.context': `${ROOT}/$metadata#Session.Session`,
    '@odata.id': `${SESSIONS}/${s.id}`,
    '@odata.type': REDFISH_PERSONALITIES[model].types.session,
    Id: s.id,
    Name: 'User Session',
    UserName: s.user,
  };
}

/** The DMTF Base messages the emulator quotes. */
export type BaseMessage =
  | 'Success'
  | 'Created'
  | 'NoValidSession'
  | 'ResourceMissingAtURI'
  | 'PropertyMissing'
  | 'PropertyValueNotInList'
  | 'MalformedJSON'
  | 'SessionLimitExceeded'
  | 'GeneralError';

/**
 * iLO's message body. It is shaped as an `error` object even for success
 * (`Base.x.Success` after a reset or a session delete), as iLO does [unverified].
 */
export function messageBody(model: RedfishModel, message: BaseMessage, args: string[] = []) {
  const info: Record<string, unknown> = { MessageId: `${REDFISH_PERSONALITIES[model].base}.${message}` };
  if (args.length > 0) info.MessageArgs = args;
  return {
    error: {
      code: 'iLO.0.10.ExtendedInfo',
      message: 'See @Message.ExtendedInfo for more information.',
      '@Message.ExtendedInfo': [info],
    },
  };
}
