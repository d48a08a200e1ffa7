export { FAMILY_PROMPTS, type WtiFamily } from './dialect.js';
export { parseStatusTable } from './status-table.js';
export { createWtiSwitch, type WtiOptions, type WtiSwitch } from './wti-switch.js';
