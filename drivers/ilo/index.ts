export { createIloSwitch, type IloOptions, type IloSwitch } from './ilo-ribcl.js';
export { createIloSshSwitch, type IloSshOptions } from './ilo-smash.js';
export { createRedfishSwitch, type RedfishOptions } from './redfish.js';
