import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorEvent } from '../events.js';
import type { IloDevice } from './ilo-device.js';

/**
 * The iLO's HTTP side (iLO 3 and later), behind TLS: `POST /ribcl` (RIBCL over
 * HTTP, chunked replies) and Redfish (`/redfish/v1/…`, iLO 4 and 5) with
 * sessions and basic authentication.
 */
export function createIloHttpHandler(
  _device: IloDevice,
  _emit: (e: EmulatorEvent) => void,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (_req, res) => {
    res.statusCode = 501;
    res.end('not written yet');
  };
}
