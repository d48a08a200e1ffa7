import { APC_FAULTS } from './apc/faults.js';
import {
  ADDRESS_KEYS,
  type ApcConfig,
  ConfigError,
  DEFAULT_LISTEN,
  type EmulatorConfig,
  type IloConfig,
  SETTINGS,
  type SettingKey,
  type UnitConfig,
  type WtiConfig,
} from './config.js';
import { ILO_FAULTS, ILO_MODELS } from './ilo/generations.js';
import type { AnyUnitKind } from './unit-kind.js';
import { personalities } from './wti/personality.js';
import { WTI_FAULTS } from './wti/wti-device.js';

/**
 * The one list of model kinds: which models each emulates, which settings and
 * faults it takes, and where its unit lives. `fencekit emulate` (its flags'
 * help, its checks, its start) and the unit host read this list and nothing
 * vendor-specific. It is light on purpose: the unit itself, with the imports
 * of its front-ends (ssh2, net-snmp, TLS), is loaded only for its own models.
 */
export interface ModelKind {
  /** How people call the family: WTI, APC, iLO. */
  label: string;
  models: readonly string[];
  /** The settings a unit of this kind reads; any other is refused at start. */
  keys: readonly SettingKey[];
  faults: readonly string[];
  /** Addresses it can serve on; with none of them given it has nothing to serve. */
  serves: readonly SettingKey[];
  /** What a config of this kind gets when it does not say (the default telnet address). */
  defaults: Partial<EmulatorConfig>;
  load(): Promise<AnyUnitKind>;
}

/** Keys checked to match the family's config type exactly, so the type and the list cannot drift apart. */
const keysOf = <C extends UnitConfig>(keys: Record<Exclude<keyof C, 'model'>, true>) =>
  Object.keys(keys) as SettingKey[];

const COMMON = { password: true, plugs: true, state: true, idleTimeout: true, faults: true, console: true } as const;

export const WTI_KIND: ModelKind = {
  label: 'WTI',
  models: Object.keys(personalities),
  keys: keysOf<WtiConfig>({
    ...COMMON,
    listen: true,
    serial: true,
    baud: true,
    siteId: true,
    bootDelay: true,
    confirm: true,
  }),
  faults: WTI_FAULTS,
  serves: ['listen', 'serial'],
  defaults: { listen: DEFAULT_LISTEN },
  load: async () => (await import('./wti/unit.js')).wtiUnit as AnyUnitKind,
};

export const APC_KIND: ModelKind = {
  label: 'APC',
  models: ['apc-rackpdu', 'apc-masterswitch'],
  keys: keysOf<ApcConfig>({
    ...COMMON,
    listen: true,
    ssh: true,
    snmp: true,
    firmware: true,
    username: true,
    role: true,
    community: true,
    snmpUsers: true,
    outlets: true,
    maxSessions: true,
    telnetClientGreeting: true,
    siteId: true,
    bootDelay: true,
  }),
  faults: APC_FAULTS,
  serves: ['listen', 'ssh', 'snmp'],
  defaults: { listen: DEFAULT_LISTEN },
  load: async () => (await import('./apc/unit.js')).apcUnit as AnyUnitKind,
};

export const ILO_KIND: ModelKind = {
  label: 'iLO',
  models: ILO_MODELS,
  // No telnet: `listen` is refused unless null (checkApplies lets a null address pass).
  keys: keysOf<Omit<IloConfig, 'listen'>>({
    ...COMMON,
    tls: true,
    https: true,
    ssh: true,
    cert: true,
    key: true,
    transition: true,
    username: true,
    maxSessions: true,
  }),
  faults: ILO_FAULTS,
  serves: ['tls', 'https', 'ssh'],
  defaults: {},
  load: async () => (await import('./ilo/unit.js')).iloUnit as AnyUnitKind,
};

export const MODEL_KINDS: readonly ModelKind[] = [WTI_KIND, APC_KIND, ILO_KIND];

export const MODELS: readonly string[] = MODEL_KINDS.flatMap((k) => k.models);

export function modelKind(model: string): ModelKind | undefined {
  return MODEL_KINDS.find((k) => k.models.includes(model));
}

/** `ips800, nps, …` one by one, or `ilo2…ilo5` for a numbered run (one prefix, then a number). */
export function modelRange(kind: ModelKind): string {
  const m = kind.models;
  const prefix = /^(\D+)\d+$/.exec(m[0] ?? '')?.[1];
  const numbered = prefix !== undefined && m.every((x) => new RegExp(`^${prefix}\\d+$`).test(x));
  return m.length > 2 && numbered ? `${m[0]}…${m[m.length - 1]}` : m.join(', ');
}

/** The models that take a setting, said as a person would: `apc-rackpdu, apc-masterswitch, ilo2…ilo5`. */
export function modelsTaking(key: SettingKey): string {
  return MODEL_KINDS.filter((k) => k.keys.includes(key))
    .map(modelRange)
    .join(', ');
}

/**
 * A setting given for a model whose kind does not read it. `name` says the
 * setting as the user gave it (`--ssh`, or `cfg.json: 'community'`). An
 * address set to null, and an iLO's telnet turned off, ask for nothing.
 */
export function checkApplies(kind: ModelKind, model: string, key: SettingKey, value: unknown, name: string): void {
  if (value === undefined || kind.keys.includes(key)) return;
  if (value === null && (ADDRESS_KEYS as readonly string[]).includes(key)) return;
  const takers = modelsTaking(key);
  throw new ConfigError(`${name} does not apply to --model ${model}${takers ? ` (it is for ${takers})` : ''}`);
}

/** Faults of the model's kind only; `name` says where they came from. */
export function checkFaults(kind: ModelKind, model: string, faults: readonly string[], name: string): void {
  for (const fault of faults) {
    if (!kind.faults.includes(fault)) {
      throw new ConfigError(
        `${name} '${fault}' is not a fault of --model ${model} (its faults: ${kind.faults.join(', ')})`,
      );
    }
  }
}

/** The model named, or a ConfigError listing the models; `name` says where it came from (`--model`). */
export function kindOfModel(model: unknown, name: string): ModelKind {
  const kind = typeof model === 'string' ? modelKind(model) : undefined;
  if (!kind) throw new ConfigError(`${name} '${String(model)}' is not a model: ${MODELS.join(', ')}`);
  return kind;
}

/** Settings from one source, and how to name one of them to the user who gave it. */
export interface SettingsLayer {
  settings: Partial<EmulatorConfig>;
  /** `--ssh` for a flag, `cfg.json: 'ssh'` for a config file; for `faults`, how to name one fault. */
  name(key: SettingKey): string;
}

/** How the unit host names a setting given through the library. */
export const librarySetting = (key: SettingKey): string => (key === 'faults' ? 'fault' : `setting '${key}'`);

/**
 * Everything a unit of `model` may be given, checked once: settings of its own
 * family only and faults of its own kind. The unit host runs this at every
 * start; `fencekit emulate` runs it first, naming the settings as its user typed them.
 */
export function checkUnitConfig(model: string, layers: readonly SettingsLayer[]): ModelKind {
  const kind = kindOfModel(model, 'model');
  for (const { settings, name } of layers) {
    for (const [key, value] of Object.entries(settings)) {
      if (key !== 'model' && key in SETTINGS)
        checkApplies(kind, model, key as SettingKey, value, name(key as SettingKey));
    }
    checkFaults(kind, model, settings.faults ?? [], name('faults'));
  }
  return kind;
}

/** Something to serve: `nothing to serve: give --tls, --https or --ssh`. */
export function checkServes(kind: ModelKind, config: Partial<EmulatorConfig>): void {
  if (kind.serves.some((key) => config[key])) return;
  const flags = kind.serves.map((key) => SETTINGS[key].flag);
  throw new ConfigError(`nothing to serve: give ${flags.slice(0, -1).join(', ')} or ${flags[flags.length - 1]}`);
}
