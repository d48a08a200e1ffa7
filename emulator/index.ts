/** The emulator as a library: start a WTI unit in-process, watch its events, drive its lab API. */

export { APC_FAULTS, ApcDevice, type ApcFault, type ApcModel, type ApcSnapshot } from './apc/apc-device.js';
export { ApcEmulator, type ApcEmulatorOptions } from './apc-emulator.js';
export type { ApcConfig, EmulatorConfig, IloConfig, PlugConfig, UnitConfig, WtiConfig } from './config.js';
export { describeEvent, type EmulatorEvent, EventBus, type PlugState } from './events.js';
export { ILO_FAULTS, IloDevice, type IloFault, type IloModel, type IloSnapshot } from './ilo/ilo-device.js';
export { IloEmulator, type IloEmulatorOptions } from './ilo-emulator.js';
export { personalities, type WtiModel } from './wti/personality.js';
export { isWtiFault, WTI_FAULTS, WtiDevice, type WtiFault, type WtiSnapshot } from './wti/wti-device.js';
export { WtiEmulator, type WtiEmulatorOptions } from './wti-emulator.js';
