/**
 * The OpenAPI document of the admin API, as served at /openapi.json.
 * Generated from docs/lab-api.json (the hand-written source): do not edit.
 * After changing that file: FENCEKIT_WRITE_LAB_API=1 npx vitest run test/integration/lab-api-document.test.ts
 * (then npx biome check --write on this file).
 */
export const LAB_API_DOCUMENT = {
  openapi: '3.1.0',
  info: {
    title: 'fencekit lab admin API',
    version: '1.0.0',
    summary:
      "Read the lab's units, switch plugs out of band, inject and clear faults, freeze and thaw loads, follow the event stream.",
    description:
      'Served by `fencekit lab` on the address of `admin.listen` (127.0.0.1 unless configured otherwise). Every change goes through the lab with the actor `{ protocol: "api", peer: HOST:PORT, token: NAME }`, so the audit log and the event stream record it like a switch from any device session. On a loopback address a token is optional (when the lab has one, it is required); on any other address the lab does not start without one. The token itself never appears in events, logs or the audit log: they carry its name.',
    license: {
      name: 'MIT',
      identifier: 'MIT',
    },
  },
  servers: [
    {
      url: 'http://127.0.0.1:8780',
      description: 'the default admin address',
    },
  ],
  security: [
    {
      bearer: [],
    },
    {
      queryToken: [],
    },
    {},
  ],
  tags: [
    {
      name: 'units',
      description: 'Units, plugs and their loads',
    },
    {
      name: 'faults',
      description: 'Faults injected at run time, in one vocabulary across vendors',
    },
    {
      name: 'events',
      description: "The lab's event stream",
    },
    {
      name: 'service',
      description: 'The page, the document, health and metrics',
    },
  ],
  paths: {
    '/': {
      get: {
        tags: ['service'],
        operationId: 'livePage',
        summary:
          'The live page: every unit and plug, switches, fault controls and the event feed, updated through the event stream',
        description:
          "Public: it holds no data. The page asks for the token once when the API answers 401, and keeps it in the tab's sessionStorage.",
        security: [],
        responses: {
          '200': {
            description: 'The page',
            content: {
              'text/html': {
                schema: {
                  type: 'string',
                },
              },
            },
          },
        },
      },
    },
    '/healthz': {
      get: {
        tags: ['service'],
        operationId: 'health',
        summary: 'The lab is up',
        security: [],
        responses: {
          '200': {
            description: 'Up',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['ok'],
                  properties: {
                    ok: {
                      const: true,
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
    '/openapi.json': {
      get: {
        tags: ['service'],
        operationId: 'openapi',
        summary: 'This document',
        security: [],
        responses: {
          '200': {
            description: 'The OpenAPI 3.1 document',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                },
              },
            },
          },
        },
      },
    },
    '/metrics': {
      get: {
        tags: ['service'],
        operationId: 'metrics',
        summary: 'Prometheus metrics',
        description:
          'Counters from the event stream: `fencekit_lab_sessions_total{unit,protocol}`, `fencekit_lab_failed_logins_total{unit,protocol}`, `fencekit_lab_switch_operations_total{unit,plug,protocol,result}` (result ok or ignored). Gauges read from the units at each scrape: `fencekit_lab_fault_active{unit,fault}` (1 or 0 for each fault the unit takes), `fencekit_lab_loads_alive{unit}` (alive or frozen), `fencekit_lab_plugs_on{unit}`, `fencekit_lab_sessions_open{unit}`.',
        responses: {
          '200': {
            description: 'The text exposition format',
            content: {
              'text/plain': {
                schema: {
                  type: 'string',
                },
              },
            },
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
        },
      },
    },
    '/api/units': {
      get: {
        tags: ['units'],
        operationId: 'listUnits',
        summary: 'Every unit, with its plugs, loads, faults and sessions',
        responses: {
          '200': {
            description: 'The units, in the order of the config',
            content: {
              'application/json': {
                schema: {
                  type: 'array',
                  items: {
                    $ref: '#/components/schemas/UnitView',
                  },
                },
              },
            },
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
        },
      },
    },
    '/api/units/{unit}': {
      parameters: [
        {
          $ref: '#/components/parameters/unit',
        },
      ],
      get: {
        tags: ['units'],
        operationId: 'getUnit',
        summary: 'One unit',
        responses: {
          '200': {
            description: 'The unit',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/UnitView',
                },
              },
            },
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
          '404': {
            $ref: '#/components/responses/NotFound',
          },
        },
      },
    },
    '/api/units/{unit}/plugs/{plug}': {
      parameters: [
        {
          $ref: '#/components/parameters/unit',
        },
        {
          $ref: '#/components/parameters/plug',
        },
      ],
      post: {
        tags: ['units'],
        operationId: 'switchPlug',
        summary: 'Switch a plug out of band (the technician pulls the cord)',
        description:
          "The plug's state changes whatever faults the unit has (a stuck relay only stops the unit's own sessions); its load follows, as for any switch.",
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['action'],
                properties: {
                  action: {
                    enum: ['on', 'off', 'reboot'],
                  },
                },
              },
              example: {
                action: 'off',
              },
            },
          },
        },
        responses: {
          '200': {
            description: 'The plug after the switch',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/PlugView',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/BadRequest',
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
          '403': {
            $ref: '#/components/responses/Forbidden',
          },
          '404': {
            $ref: '#/components/responses/NotFound',
          },
          '413': {
            $ref: '#/components/responses/TooLarge',
          },
        },
      },
    },
    '/api/units/{unit}/plugs/{plug}/freeze': {
      parameters: [
        {
          $ref: '#/components/parameters/unit',
        },
        {
          $ref: '#/components/parameters/plug',
        },
      ],
      post: {
        tags: ['units'],
        operationId: 'freezeLoad',
        summary: "Freeze the plug's load (SIGSTOP: alive, holding its files, answering nothing) until thawed or fenced",
        responses: {
          '200': {
            description: 'The plug, its load frozen',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/PlugView',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/BadRequest',
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
          '403': {
            $ref: '#/components/responses/Forbidden',
          },
          '404': {
            $ref: '#/components/responses/NotFound',
          },
          '409': {
            $ref: '#/components/responses/NoLoad',
          },
        },
      },
    },
    '/api/units/{unit}/plugs/{plug}/thaw': {
      parameters: [
        {
          $ref: '#/components/parameters/unit',
        },
        {
          $ref: '#/components/parameters/plug',
        },
      ],
      post: {
        tags: ['units'],
        operationId: 'thawLoad',
        summary: 'Thaw a frozen load (SIGCONT)',
        responses: {
          '200': {
            description: 'The plug, its load running again',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/PlugView',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/BadRequest',
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
          '403': {
            $ref: '#/components/responses/Forbidden',
          },
          '404': {
            $ref: '#/components/responses/NotFound',
          },
          '409': {
            $ref: '#/components/responses/NoLoad',
          },
        },
      },
    },
    '/api/units/{unit}/faults/{fault}': {
      parameters: [
        {
          $ref: '#/components/parameters/unit',
        },
        {
          $ref: '#/components/parameters/fault',
        },
      ],
      put: {
        tags: ['faults'],
        operationId: 'injectFault',
        summary: "Inject a fault; it takes effect on the unit's next connection, login or command",
        responses: {
          '200': {
            description: 'The unit with the fault active',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/UnitView',
                },
              },
            },
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
          '403': {
            $ref: '#/components/responses/Forbidden',
          },
          '404': {
            $ref: '#/components/responses/NotFound',
          },
        },
      },
      delete: {
        tags: ['faults'],
        operationId: 'clearFault',
        summary: 'Clear a fault',
        responses: {
          '200': {
            description: 'The unit without the fault',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/UnitView',
                },
              },
            },
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
          '403': {
            $ref: '#/components/responses/Forbidden',
          },
          '404': {
            $ref: '#/components/responses/NotFound',
          },
        },
      },
    },
    '/api/events': {
      get: {
        tags: ['events'],
        operationId: 'events',
        summary: 'The event stream (Server-Sent Events), or the kept events as JSON',
        description:
          "As `text/event-stream` (the default): each event is `id:` (the event's id), `event:` (its type) and `data:` (the event as JSON), with a `: keep-alive` comment every 15 s. A client that reconnects with `Last-Event-ID` first gets the events it missed that the lab still keeps (the last 1000). With `Accept: application/json` (and not text/event-stream): the kept events after `since`, as one array. A browser's EventSource passes the token as `?token=`.",
        parameters: [
          {
            name: 'since',
            in: 'query',
            description: 'Start after this event id (0: every kept event)',
            schema: {
              type: 'integer',
              minimum: 0,
              default: 0,
            },
          },
          {
            name: 'Last-Event-ID',
            in: 'header',
            description: 'Set by a reconnecting EventSource; wins over `since`',
            schema: {
              type: 'integer',
              minimum: 0,
            },
          },
        ],
        responses: {
          '200': {
            description: 'The stream, or the events as JSON',
            content: {
              'text/event-stream': {
                schema: {
                  type: 'string',
                },
                example:
                  'id: 7\nevent: plug\ndata: {"id":7,"time":"2026-12-03T05:00:00.000Z","type":"plug","unit":"wti-a","plug":5,"name":"node-a","from":"ON","to":"OFF","actor":{"protocol":"telnet","peer":"127.0.0.1:40112","user":"admin"}}\n\n',
              },
              'application/json': {
                schema: {
                  type: 'array',
                  items: {
                    $ref: '#/components/schemas/LabEvent',
                  },
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/BadRequest',
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
          '503': {
            description: 'Too many event streams are open already (EBUSY); try again after Retry-After',
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/Error',
                },
              },
            },
          },
        },
      },
    },
  },
  components: {
    securitySchemes: {
      bearer: {
        type: 'http',
        scheme: 'bearer',
        description: "The lab's admin token (admin.tokenFile)",
      },
      queryToken: {
        type: 'apiKey',
        in: 'query',
        name: 'token',
        description: 'The same token, for clients that cannot set a header (EventSource)',
      },
    },
    parameters: {
      unit: {
        name: 'unit',
        in: 'path',
        required: true,
        description: "The unit's name from the config",
        schema: {
          type: 'string',
          pattern: '^[a-z0-9-]+$',
        },
      },
      plug: {
        name: 'plug',
        in: 'path',
        required: true,
        description: "The plug's number (an iLO's server is plug 1)",
        schema: {
          type: 'integer',
          minimum: 1,
        },
      },
      fault: {
        name: 'fault',
        in: 'path',
        required: true,
        description: "A fault of the unit's knownFaults",
        schema: {
          type: 'string',
          examples: [
            'busy',
            'hang',
            'hang-after-login',
            'drop-after-login',
            'refuse-login',
            'slow',
            'garbled',
            'stall-mid-screen',
            'stuck-relay',
          ],
        },
      },
    },
    responses: {
      BadRequest: {
        description:
          'The request is malformed (EBADREQUEST): bad JSON, a body without a valid action, a plug that is not a number',
        content: {
          'application/json': {
            schema: {
              $ref: '#/components/schemas/Error',
            },
          },
        },
      },
      Unauthorized: {
        description: 'The lab has a token and the request did not carry it (EUNAUTHORIZED)',
        content: {
          'application/json': {
            schema: {
              $ref: '#/components/schemas/Error',
            },
          },
        },
      },
      Forbidden: {
        description: 'A browser request from another origin (EFORBIDDEN)',
        content: {
          'application/json': {
            schema: {
              $ref: '#/components/schemas/Error',
            },
          },
        },
      },
      NotFound: {
        description: 'No such unit (ENOUNIT), plug (ENOPLUG) or fault of this unit (ENOFAULT)',
        content: {
          'application/json': {
            schema: {
              $ref: '#/components/schemas/Error',
            },
          },
        },
      },
      NoLoad: {
        description: 'The plug has no running load (ENOLOAD)',
        content: {
          'application/json': {
            schema: {
              $ref: '#/components/schemas/Error',
            },
          },
        },
      },
      TooLarge: {
        description: 'The request body is over 16 KiB (ETOOLARGE)',
        content: {
          'application/json': {
            schema: {
              $ref: '#/components/schemas/Error',
            },
          },
        },
      },
    },
    schemas: {
      Error: {
        type: 'object',
        description:
          'Every failure. Codes: EBADREQUEST, EUNAUTHORIZED, EFORBIDDEN, ENOROUTE, EMETHOD, ENOUNIT, ENOPLUG, ENOFAULT, ENOLOAD, ETOOLARGE, EINTERNAL.',
        required: ['error'],
        properties: {
          error: {
            type: 'object',
            required: ['code', 'message'],
            properties: {
              code: {
                type: 'string',
                enum: [
                  'EBADREQUEST',
                  'EUSAGE',
                  'EUNAUTHORIZED',
                  'EFORBIDDEN',
                  'ENOROUTE',
                  'EMETHOD',
                  'ENOUNIT',
                  'ENOPLUG',
                  'ENOFAULT',
                  'ENOLOAD',
                  'ETOOLARGE',
                  'EINTERNAL',
                ],
              },
              message: {
                type: 'string',
              },
            },
          },
        },
      },
      PlugState: {
        enum: ['ON', 'OFF'],
      },
      Actor: {
        type: 'object',
        description: 'Who switched a plug or changed a fault',
        required: ['protocol'],
        properties: {
          protocol: {
            type: 'string',
            description: 'telnet, serial, ssh, snmp, https, redfish, ribcl, api, lab',
          },
          peer: {
            type: 'string',
            description: "HOST:PORT of the peer, or the serial line's path",
          },
          user: {
            type: 'string',
            description: 'The user the session logged in as (APC, iLO), or the mode (WTI: admin, user)',
          },
          token: {
            type: 'string',
            description: "The admin token's name (never the token itself)",
          },
        },
      },
      LoadStatus: {
        enum: ['off', 'starting', 'alive', 'frozen', 'crashed', 'dead'],
        description:
          'off (plug OFF), starting (ON, within the boot delay), alive, frozen (SIGSTOP), crashed (exited by itself while ON), dead (killed by a power cut; shown until the next ON)',
      },
      LoadView: {
        type: 'object',
        required: ['kind', 'status'],
        properties: {
          kind: {
            enum: ['process', 'exec', 'node'],
          },
          status: {
            $ref: '#/components/schemas/LoadStatus',
          },
          pid: {
            type: 'integer',
            description: 'Process group leader, while it runs',
          },
          declaredOn: {
            type: 'string',
            description:
              "On a plug in another's alsoFedBy: UNIT:PLUG of the plug the load is declared on (the same load, counted there)",
          },
          exit: {
            type: 'object',
            description: 'How the last run ended',
            required: ['code', 'signal'],
            properties: {
              code: {
                type: ['integer', 'null'],
              },
              signal: {
                type: ['string', 'null'],
              },
            },
          },
        },
      },
      PlugView: {
        type: 'object',
        required: ['unit', 'plug', 'name', 'state', 'lastActor'],
        properties: {
          unit: {
            type: 'string',
          },
          plug: {
            type: 'integer',
            minimum: 1,
          },
          name: {
            type: ['string', 'null'],
          },
          state: {
            $ref: '#/components/schemas/PlugState',
          },
          load: {
            $ref: '#/components/schemas/LoadView',
          },
          lastActor: {
            description: 'The last one to switch it (null until someone does)',
            oneOf: [
              {
                $ref: '#/components/schemas/Actor',
              },
              {
                type: 'null',
              },
            ],
          },
        },
      },
      UnitView: {
        type: 'object',
        required: ['name', 'model', 'family', 'reach', 'faults', 'knownFaults', 'plugs', 'sessions'],
        properties: {
          name: {
            type: 'string',
          },
          model: {
            type: 'string',
            examples: ['ips800', 'apc-rackpdu', 'ilo4'],
          },
          family: {
            type: 'string',
            examples: ['WTI', 'APC', 'iLO'],
          },
          reach: {
            type: 'array',
            items: {
              type: 'string',
            },
            description: "How to reach it: one line per front-end, with the real clients' command lines",
          },
          faults: {
            type: 'array',
            items: {
              type: 'string',
            },
            description: 'Active faults',
          },
          knownFaults: {
            type: 'array',
            items: {
              type: 'string',
            },
            description: 'Faults this unit can take',
          },
          plugs: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/PlugView',
            },
          },
          sessions: {
            type: 'integer',
            minimum: 0,
            description: 'Sessions open now',
          },
        },
      },
      LabEvent: {
        description: 'Every event the lab reports, in one stream with an increasing id (the SSE id)',
        oneOf: [
          {
            $ref: '#/components/schemas/PlugEvent',
          },
          {
            $ref: '#/components/schemas/SwitchIgnoredEvent',
          },
          {
            $ref: '#/components/schemas/LoadEvent',
          },
          {
            $ref: '#/components/schemas/FaultEvent',
          },
          {
            $ref: '#/components/schemas/SessionEvent',
          },
          {
            $ref: '#/components/schemas/LabLifeEvent',
          },
        ],
        discriminator: {
          propertyName: 'type',
          mapping: {
            plug: '#/components/schemas/PlugEvent',
            'switch-ignored': '#/components/schemas/SwitchIgnoredEvent',
            load: '#/components/schemas/LoadEvent',
            fault: '#/components/schemas/FaultEvent',
            session: '#/components/schemas/SessionEvent',
            lab: '#/components/schemas/LabLifeEvent',
          },
        },
      },
      EventBase: {
        type: 'object',
        required: ['id', 'time', 'type'],
        properties: {
          id: {
            type: 'integer',
            minimum: 1,
          },
          time: {
            type: 'string',
            format: 'date-time',
          },
          type: {
            type: 'string',
          },
        },
      },
      PlugEvent: {
        description: 'A plug changed state',
        allOf: [
          {
            $ref: '#/components/schemas/EventBase',
          },
          {
            type: 'object',
            required: ['type', 'unit', 'plug', 'name', 'from', 'to', 'actor'],
            properties: {
              type: {
                const: 'plug',
              },
              unit: {
                type: 'string',
              },
              plug: {
                type: 'integer',
              },
              name: {
                type: ['string', 'null'],
              },
              from: {
                $ref: '#/components/schemas/PlugState',
              },
              to: {
                $ref: '#/components/schemas/PlugState',
              },
              actor: {
                $ref: '#/components/schemas/Actor',
              },
            },
          },
        ],
      },
      SwitchIgnoredEvent: {
        description: 'A switching command the unit acknowledged but did not carry out (stuck relay)',
        allOf: [
          {
            $ref: '#/components/schemas/EventBase',
          },
          {
            type: 'object',
            required: ['type', 'unit', 'plug', 'requested', 'actor', 'reason'],
            properties: {
              type: {
                const: 'switch-ignored',
              },
              unit: {
                type: 'string',
              },
              plug: {
                type: 'integer',
              },
              requested: {
                $ref: '#/components/schemas/PlugState',
              },
              actor: {
                $ref: '#/components/schemas/Actor',
              },
              reason: {
                type: 'string',
              },
            },
          },
        ],
      },
      LoadEvent: {
        description: "A load's status changed",
        allOf: [
          {
            $ref: '#/components/schemas/EventBase',
          },
          {
            type: 'object',
            required: ['type', 'unit', 'plug', 'status'],
            properties: {
              type: {
                const: 'load',
              },
              unit: {
                type: 'string',
              },
              plug: {
                type: 'integer',
              },
              status: {
                $ref: '#/components/schemas/LoadStatus',
              },
              pid: {
                type: 'integer',
              },
            },
          },
        ],
      },
      FaultEvent: {
        description: 'A fault was injected (active) or cleared',
        allOf: [
          {
            $ref: '#/components/schemas/EventBase',
          },
          {
            type: 'object',
            required: ['type', 'unit', 'fault', 'active', 'actor'],
            properties: {
              type: {
                const: 'fault',
              },
              unit: {
                type: 'string',
              },
              fault: {
                type: 'string',
              },
              active: {
                type: 'boolean',
              },
              actor: {
                $ref: '#/components/schemas/Actor',
              },
            },
          },
        ],
      },
      SessionEvent: {
        description: 'A session logged in, failed to, logged out or was refused',
        allOf: [
          {
            $ref: '#/components/schemas/EventBase',
          },
          {
            type: 'object',
            required: ['type', 'unit', 'what', 'actor'],
            properties: {
              type: {
                const: 'session',
              },
              unit: {
                type: 'string',
              },
              what: {
                enum: ['login', 'login-failed', 'logout', 'refused'],
              },
              actor: {
                $ref: '#/components/schemas/Actor',
              },
              reason: {
                type: 'string',
              },
            },
          },
        ],
      },
      LabLifeEvent: {
        description: 'The lab started or is stopping',
        allOf: [
          {
            $ref: '#/components/schemas/EventBase',
          },
          {
            type: 'object',
            required: ['type', 'what'],
            properties: {
              type: {
                const: 'lab',
              },
              what: {
                enum: ['started', 'stopping'],
              },
            },
          },
        ],
      },
    },
  },
} as const;
