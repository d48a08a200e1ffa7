import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorEvent } from '../events.js';
import { answerRibclOverHttp } from './http-ribcl.js';
import type { IloDevice, IloModel } from './ilo-device.js';
import { createRedfishHandler } from './redfish-api.js';
import { hasRedfish } from './redfish-resources.js';
import { RibclSession } from './ribcl.js';

/**
 * The iLO's HTTP side (iLO 3 and later), behind TLS: `POST /ribcl` (RIBCL over
 * HTTP, chunked replies) and Redfish (`/redfish/v1/…`, iLO 4 and 5) with
 * sessions and basic authentication. This file only routes by path and model.
 */

/** Which generation serves what over HTTP. An iLO2 answers 404, as python-hpilo's detection expects (ilo.md §4). */
export const HTTP_SERVICES: Record<IloModel, { ribcl: boolean; redfish: boolean; server: string }> = {
  ilo2: { ribcl: false, redfish: false, server: 'Allegro-Software-RomPager/4.62' },
  ilo3: { ribcl: true, redfish: false, server: 'Allegro-Software-RomPager/4.62' },
  ilo4: { ribcl: true, redfish: true, server: 'HP-iLO-Server/1.30' },
  ilo5: { ribcl: true, redfish: true, server: 'HPE-iLO-Server/1.30' },
};

export function createIloHttpHandler(
  device: IloDevice,
  emit: (e: EmulatorEvent) => void,
): (req: IncomingMessage, res: ServerResponse) => void {
  const services = HTTP_SERVICES[device.model];
  const redfish = hasRedfish(device.model) ? createRedfishHandler(device, device.model, emit) : null;

  return (req, res) => {
    // A hung board reads the request and never answers it (docs/ilo.md §6.2).
    if (device.faults.has('hang')) {
      req.resume();
      return;
    }
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (services.ribcl && req.method === 'POST' && path === '/ribcl') {
      const origin = `ribcl-http ${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`;
      const session = new RibclSession(device, { origin, emit });
      return answerRibclOverHttp(req, req.socket, session, device, emit, origin);
    }
    res.setHeader('Server', services.server);
    if (redfish && /^\/redfish(\/|$)/i.test(path)) return redfish(req, res);
    req.resume();
    res.writeHead(404, { 'Content-Type': 'text/html' });
    res.end('<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>\n');
  };
}
