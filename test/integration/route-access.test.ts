import { randomUUID } from 'node:crypto';
import { METHODS } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type INestApplication, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { ApplicationConfig, DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import sharp from 'sharp';
import request from 'supertest';
import type { App } from 'supertest/types.js';
import { ROLES, type Role } from '@app/config';
import { AuthService } from '@app/domain';
import { ApiClient } from '../support/api-client.js';
import { businessBody } from '../support/business-body.js';
import { startTestApi, type TestApi } from '../support/test-api.js';

/** Who may call a route: anyone (no token needed), or a signed-in user with one of these roles. */
type Access = 'public' | readonly Role[];
type Identity = 'anonymous' | Role;

/**
 * The access decision for every route, `METHOD /path` as Express serves it. The policy (issue): owners see only
 * their own businesses and their own account; staff run the registry, review, calendar and publications, and read
 * platform accounts and reports; managers read the registry and calendar, and all reports; admins manage users and
 * platform accounts. A new route fails this test until someone adds its line here.
 */
const ACCESS: Readonly<Record<string, Access>> = {
  // Auth: anyone can try to log in or register as an owner; every signed-in user has an account.
  'POST /api/auth/login': 'public',
  'POST /api/auth/register': 'public',
  'GET /api/auth/me': ['owner', 'staff', 'manager', 'admin'],
  'POST /api/auth/password': ['owner', 'staff', 'manager', 'admin'],

  // Users and platform accounts belong to admins; staff see which accounts exist.
  'POST /api/users': ['admin'],
  'GET /api/accounts': ['staff', 'admin'],
  'POST /api/accounts': ['admin'],

  // What registration forms show.
  'GET /api/reference': 'public',
  'GET /api/businesses/consent': 'public',

  // Registry: owners submit and keep their own; staff run it; managers read it.
  'POST /api/businesses': ['owner'],
  'GET /api/businesses': ['owner', 'staff', 'manager'],
  'GET /api/businesses/:id': ['owner', 'staff', 'manager'],
  'PATCH /api/businesses/:id': ['owner', 'staff'],
  'POST /api/businesses/:id/withdraw': ['owner', 'staff'],
  'GET /api/businesses/:id/features': ['owner', 'staff', 'manager'],
  'GET /api/businesses/:id/queue': ['owner', 'staff', 'manager'],
  'GET /api/businesses/:id/history': ['staff', 'manager'],
  'GET /api/businesses/:id/photos': ['owner', 'staff', 'manager'],
  'POST /api/businesses/:id/photos': ['owner', 'staff'],
  'POST /api/businesses/:id/photos/:mediaId/primary': ['owner', 'staff'],
  'DELETE /api/businesses/:id/photos/:mediaId': ['owner', 'staff'],

  // Review is staff work.
  'POST /api/businesses/:id/approve': ['staff'],
  'POST /api/businesses/:id/request-changes': ['staff'],
  'POST /api/businesses/:id/reject': ['staff'],
  'POST /api/businesses/:id/suspend': ['staff'],
  'POST /api/businesses/:id/reinstate': ['staff'],

  // Loading the programme's existing records into the registry and calendar is staff work too.
  'POST /api/imports/businesses': ['staff'],
  'POST /api/imports/features': ['staff'],

  // Calendar: staff plan and confirm; managers read.
  'GET /api/calendar': ['staff', 'manager'],
  'POST /api/calendar/plan': ['staff'],
  'POST /api/calendar/pin': ['staff'],
  'POST /api/calendar/swap': ['staff'],
  'POST /api/calendar/skips': ['staff'],
  'DELETE /api/calendar/skips/:rubric/:week': ['staff'],
  'GET /api/features/:id': ['staff', 'manager'],
  'POST /api/features/:id/confirm': ['staff'],
  'POST /api/features/:id/replace': ['staff'],
  'PATCH /api/features/:id': ['staff'],
  'GET /api/features/:id/preview': ['staff', 'manager'],
  'GET /api/features/:id/readiness': ['staff', 'manager'],

  // Publishing and reach.
  'GET /api/publications': ['staff'],
  'POST /api/publications/:id/retry': ['staff'],
  'POST /api/publications/:id/cancel': ['staff'],
  'POST /api/publications/:id/mark-posted': ['staff'],
  'GET /api/alerts': ['staff'],
  'POST /api/alerts/:id/resolve': ['staff'],
  'GET /api/reports/summary': ['staff', 'manager'],
  'GET /api/reports/programme-to-date': ['staff', 'manager'],
  'GET /api/reports/breakdown/:dimension': ['staff', 'manager'],
  'GET /api/reports/top-businesses': ['staff', 'manager'],
  'GET /api/reports/equity': ['staff', 'manager'],
  'GET /api/reports/followers': ['staff', 'manager'],
  // An owner reads the report of their own business (another's is 404); staff send it to owners.
  'GET /api/reports/businesses/:id': ['owner', 'staff', 'manager'],

  // Infrastructure: probes, and the renditions Instagram and Facebook fetch without credentials.
  'GET /api/health': 'public',
  'GET /api/metrics': 'public',
  'GET /api/media/:dir/:file': 'public',
};

/**
 * Routes Express serves that are not controller handlers, so no guard ever sees them. Each is named with the reason
 * it may stay outside the table; anything else Express serves must be a controller route.
 */
const NOT_CONTROLLER_ROUTES: ReadonlyArray<{ pattern: RegExp; why: string }> = [
  { pattern: /^GET \/api\/docs([/-].*)?$/, why: 'Swagger UI and the OpenAPI document (SwaggerModule.setup in create-api.ts), public on purpose' },
  { pattern: /^ALL \/api\{\/\*splat\}$/, why: 'nestjs-pino request logging, Nest middleware mounted with app.all(); it calls next() and answers nothing' },
];

const IDENTITIES: readonly Identity[] = ['anonymous', ...ROLES];
const PASSWORD = 'kata-sandi-rahasia-1';
const ALL_METHODS = METHODS.map((m) => m.toLowerCase());

const joinPath = (...parts: string[]): string => `/${parts.flatMap((p) => p.split('/')).filter(Boolean).join('/')}`;
const asList = (value: string | string[] | undefined): string[] => (Array.isArray(value) ? value : [value ?? '']);

/**
 * The controller routes of the running app, from the same metadata Nest's router reads: global prefix, controller
 * path(s), handler path(s) and request method. Value: the handler, for messages.
 */
function controllerRoutes(app: INestApplication): Map<string, string> {
  const prefix = app.get(ApplicationConfig).getGlobalPrefix();
  const reflector = app.get(Reflector);
  const scanner = new MetadataScanner();
  const routes = new Map<string, string>();
  for (const wrapper of app.get(DiscoveryService, { strict: false }).getControllers()) {
    const { metatype, instance } = wrapper;
    if (typeof metatype !== 'function' || !instance) continue;
    const controllerPaths = asList(reflector.get<string | string[] | undefined>(PATH_METADATA, metatype));
    const prototype = Object.getPrototypeOf(instance) as Record<string, unknown>;
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[name];
      if (typeof handler !== 'function') continue;
      const handlerPaths = reflector.get<string | string[] | undefined>(PATH_METADATA, handler);
      if (handlerPaths === undefined) continue; // a helper method, not a route
      const method = RequestMethod[reflector.get<RequestMethod>(METHOD_METADATA, handler)];
      for (const controllerPath of controllerPaths) {
        for (const handlerPath of asList(handlerPaths)) routes.set(`${method} ${joinPath(prefix, controllerPath, handlerPath)}`, `${wrapper.name}.${name}`);
      }
    }
  }
  return routes;
}

interface ExpressLayer {
  route?: { path: unknown; methods: Record<string, boolean | undefined> };
}

/** What Express actually answers: the route layers of the app's router (app.all() layers show up as `ALL`). */
function servedRoutes(app: INestApplication): string[] {
  const express = app.getHttpAdapter().getInstance() as { router: { stack: ExpressLayer[] } };
  return express.router.stack.flatMap(({ route }) => {
    if (!route) return []; // middleware (body parsers, static files, Nest's 404 and error routers)
    const methods = Object.keys(route.methods).filter((m) => route.methods[m]);
    const verbs = ALL_METHODS.every((m) => methods.includes(m)) ? ['ALL'] : methods.map((m) => m.toUpperCase());
    return verbs.map((verb) => `${verb} ${String(route.path)}`);
  });
}

const isAllowed = (access: Access, identity: Identity): boolean => access === 'public' || (identity !== 'anonymous' && access.includes(identity));

describe('route access', () => {
  let t: TestApi;
  let server: App;
  let client: ApiClient;
  let registered: Map<string, string>;
  const tokens = new Map<Role, string>();

  beforeAll(async () => {
    // The sweep below calls login and register once per identity; the real limits are tested in auth-rate-limit.
    t = await startTestApi({ THROTTLE_LOGIN_PER_MINUTE: '1000', THROTTLE_REGISTER_PER_MINUTE: '1000' });
    server = t.api.getHttpServer() as App;
    client = new ApiClient(server);
    const auth = t.api.get(AuthService);
    for (const role of ROLES) {
      await auth.createUser(`${role}@route-access.contoh.id`, PASSWORD, role);
      tokens.set(role, await client.login(`${role}@route-access.contoh.id`, PASSWORD));
    }
    registered = controllerRoutes(t.api);
  });

  afterAll(async () => {
    await t?.close();
  });

  /** One request as the identity: path parameters are random UUIDs, bodies empty JSON, so nothing is changed. */
  function call(route: string, identity: Identity): request.Test {
    const [method, path] = route.split(' ');
    const url = path.replace(/:\w+/g, () => randomUUID());
    const agent = request(server);
    const verb = method === 'ALL' ? 'GET' : method;
    let req: request.Test;
    switch (verb) {
      case 'GET': req = agent.get(url); break;
      case 'POST': req = agent.post(url).send({}); break;
      case 'PUT': req = agent.put(url).send({}); break;
      case 'PATCH': req = agent.patch(url).send({}); break;
      case 'DELETE': req = agent.delete(url); break;
      default: throw new Error(`no request builder for ${route}`);
    }
    return identity === 'anonymous' ? req : req.set('authorization', `Bearer ${tokens.get(identity)!}`);
  }

  /** Who the guards actually let through, from one request per identity. */
  async function observed(route: string): Promise<string> {
    const through: Identity[] = [];
    for (const identity of IDENTITIES) if (![401, 403].includes((await call(route, identity)).status)) through.push(identity);
    return through.length > 0 ? through.join(', ') : 'nobody';
  }

  it('has an access decision for every route Express serves, and no decision for a route that is gone', async () => {
    const served = servedRoutes(t.api);
    const problems: string[] = [];
    for (const route of served) {
      if (!registered.has(route) && !NOT_CONTROLLER_ROUTES.some(({ pattern }) => pattern.test(route))) {
        problems.push(`${route} is served by Express but is no controller route, so no guard checks it`);
      }
    }
    // The two views must agree, or the path joining above is wrong and the table is checked against nothing.
    for (const route of registered.keys()) if (!served.includes(route)) problems.push(`${route} was enumerated from the controllers but Express does not serve it`);
    for (const { pattern, why } of NOT_CONTROLLER_ROUTES) if (!served.some((route) => pattern.test(route))) problems.push(`exemption no longer needed: ${why}`);
    for (const [route, handler] of registered) {
      if (!(route in ACCESS)) problems.push(`${route} (${handler}) has no entry in ACCESS; it currently lets through: ${await observed(route)}`);
    }
    for (const route of Object.keys(ACCESS)) if (!registered.has(route)) problems.push(`${route} is in ACCESS but not registered`);
    expect(problems).toEqual([]);
  });

  it('lets through exactly the identities the table names: 401 for anonymous, 403 for other roles', async () => {
    expect(registered.size).toBeGreaterThan(0);
    const mismatches: string[] = [];
    for (const route of registered.keys()) {
      const access = ACCESS[route];
      if (!access) {
        mismatches.push(`${route}: no entry in ACCESS, so nothing to check it against`);
        continue;
      }
      for (const identity of IDENTITIES) {
        const res = await call(route, identity);
        const code = (res.body as { code?: string }).code;
        if (isAllowed(access, identity)) {
          if ([401, 403].includes(res.status)) mismatches.push(`${identity} ${route}: should be let through, got ${res.status} ${code}`);
          else if (res.status >= 500) mismatches.push(`${identity} ${route}: let through but failed with ${res.status} ${code}`);
        } else {
          const expected = identity === 'anonymous' ? '401 unauthenticated' : '403 forbidden';
          if (`${res.status} ${code}` !== expected) mismatches.push(`${identity} ${route}: should be refused with ${expected}, got ${res.status} ${code}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });

  describe('owners', () => {
    const register = async (email: string): Promise<ApiClient> => {
      const res = await client.post('/api/auth/register', { email, password: PASSWORD }).expect(201);
      return client.as((res.body as { accessToken: string }).accessToken);
    };

    it("answers another owner's business with 404, exactly as for an id that does not exist, and never lists it", async () => {
      const a = await register('pemilik-a@route-access.contoh.id');
      const b = await register('pemilik-b@route-access.contoh.id');
      const id = ((await a.post('/api/businesses', businessBody({ name: 'Warung Pemilik A' })).expect(201)).body as { id: string }).id;
      const photo = await sharp({ create: { width: 1200, height: 1200, channels: 3, background: '#2e86de' } }).png().toBuffer();
      const attach = (req: request.Test) => req.attach('photo', photo, { filename: 'foto.png', contentType: 'image/png' });
      const mediaId = ((await attach(a.post(`/api/businesses/${id}/photos`)).expect(201)).body as { id: string }).id;
      const before = (await a.get(`/api/businesses/${id}`).expect(200)).body as Record<string, unknown>;

      const attempts: ReadonlyArray<[string, (businessId: string) => request.Test]> = [
        ['GET /api/businesses/:id', (x) => b.get(`/api/businesses/${x}`)],
        ['PATCH /api/businesses/:id', (x) => b.patch(`/api/businesses/${x}`, { openingHours: 'Setiap hari 08.00–20.00 WIB' })],
        ['POST /api/businesses/:id/withdraw', (x) => b.post(`/api/businesses/${x}/withdraw`)],
        ['GET /api/businesses/:id/features', (x) => b.get(`/api/businesses/${x}/features`)],
        ['GET /api/businesses/:id/photos', (x) => b.get(`/api/businesses/${x}/photos`)],
        ['POST /api/businesses/:id/photos', (x) => attach(b.post(`/api/businesses/${x}/photos`))],
        ['POST /api/businesses/:id/photos/:mediaId/primary', (x) => b.post(`/api/businesses/${x}/photos/${mediaId}/primary`)],
        ['DELETE /api/businesses/:id/photos/:mediaId', (x) => b.delete(`/api/businesses/${x}/photos/${mediaId}`)],
      ];
      const answers: string[] = [];
      const expected: string[] = [];
      for (const [route, attempt] of attempts) {
        const missing = randomUUID();
        const unknown = await attempt(missing);
        expected.push(`${route}: 404 business_not_found`);
        answers.push(`${route}: ${unknown.status} ${(unknown.body as { code: string }).code}`); // the baseline itself
        const foreign = await attempt(id);
        const body = foreign.body as { code: string; message: string };
        expected.push(`${route}: 404 business_not_found ${(unknown.body as { message: string }).message.replace(missing, id)}`);
        answers.push(`${route}: ${foreign.status} ${body.code} ${body.message}`);
      }
      expect(answers).toEqual(expected);

      // Nothing changed, and the owner still has it.
      const after = (await a.get(`/api/businesses/${id}`).expect(200)).body as Record<string, unknown>;
      expect(after).toEqual(before);
      expect(((await a.get(`/api/businesses/${id}/photos`).expect(200)).body as Array<{ id: string; primary: boolean }>).map((p) => [p.id, p.primary])).toEqual([[mediaId, true]]);

      // B's list is B's alone, whatever B asks for; A's list has it.
      for (const query of ['', '?q=Warung%20Pemilik%20A', '?status=submitted']) {
        const list = (await b.get(`/api/businesses${query}`).expect(200)).body as { items: Array<{ id: string }>; total: number };
        expect([query, list.total, list.items]).toEqual([query, 0, []]);
      }
      expect(((await a.get('/api/businesses').expect(200)).body as { items: Array<{ id: string }> }).items.map((x) => x.id)).toEqual([id]);
    });
  });

  describe('tokens', () => {
    it('stop working once the user is disabled', async () => {
      const email = 'dinonaktifkan@route-access.contoh.id';
      await t.api.get(AuthService).createUser(email, PASSWORD, 'staff');
      const staff = client.as(await client.login(email, PASSWORD));
      await staff.get('/api/auth/me').expect(200);
      await staff.get('/api/publications').expect(200);

      await t.db.query(`UPDATE app_user SET active = false WHERE email = $1`, [email]);
      for (const path of ['/api/auth/me', '/api/publications']) {
        const res = await staff.get(path);
        expect([path, res.status, (res.body as { code: string }).code]).toEqual([path, 401, 'invalid_token']);
      }
      await client.post('/api/auth/login', { email, password: PASSWORD }).expect(401);
    });

    it('issued before a password change stop working; the token the change returns works', async () => {
      const email = 'ganti-sandi@route-access.contoh.id';
      const newPassword = 'kata-sandi-baru-2';
      const registered = await client.post('/api/auth/register', { email, password: PASSWORD }).expect(201);
      const old = client.as((registered.body as { accessToken: string }).accessToken);
      await old.get('/api/auth/me').expect(200);
      // Straight away, in the same second as the login: tokens carry a password version, not a time.
      const changed = await old.post('/api/auth/password', { currentPassword: PASSWORD, newPassword }).expect(200);
      const fresh = client.as((changed.body as { accessToken: string }).accessToken);

      const stale = await old.get('/api/auth/me');
      expect([stale.status, (stale.body as { code: string }).code]).toEqual([401, 'invalid_token']);
      expect(((await fresh.get('/api/auth/me').expect(200)).body as { email: string }).email).toBe(email);
      await client.post('/api/auth/login', { email, password: PASSWORD }).expect(401);
      await client.login(email, newPassword);
    });
  });
});
