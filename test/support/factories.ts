// Factories that create practices, members and clients through the API and return signed-in callers.
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import type { TestApp } from './app';

export const PASSWORD = 'correct horse battery staple';
const uniq = () => randomBytes(4).toString('hex');

export interface Caller {
  token: string;
  refreshToken?: string;
  userId: string | null;
  practiceId: string;
  email?: string;
  clientId?: string | null;
  get(path: string): request.Test;
  post(path: string, body?: object): request.Test;
  patch(path: string, body?: object): request.Test;
  put(path: string, body?: object): request.Test;
  del(path: string): request.Test;
}

export function as(t: TestApp, token: string, info: Omit<Caller, 'token' | 'get' | 'post' | 'patch' | 'put' | 'del'>): Caller {
  const auth = (r: request.Test) => r.set('Authorization', `Bearer ${token}`);
  return {
    token,
    ...info,
    get: (p) => auth(t.http.get(p)),
    post: (p, b) => auth(t.http.post(p)).send(b ?? {}),
    patch: (p, b) => auth(t.http.patch(p)).send(b ?? {}),
    put: (p, b) => auth(t.http.put(p)).send(b ?? {}),
    del: (p) => auth(t.http.delete(p)),
  };
}

export interface PracticeFixture {
  slug: string;
  practiceId: string;
  owner: Caller;
}

export async function signupPractice(t: TestApp, overrides: Record<string, string> = {}): Promise<PracticeFixture> {
  const slug = `p-${uniq()}`;
  const email = `owner-${uniq()}@example.test`;
  const res = await t.http
    .post('/v1/auth/signup')
    .send({ practiceName: 'Practice ' + slug, practiceSlug: slug, timezone: 'Europe/Berlin', name: 'An Owner', email, password: PASSWORD, ...overrides })
    .expect(201);
  const practiceId = res.body.practice.id as string;
  return { slug, practiceId, owner: as(t, res.body.accessToken, { userId: res.body.user.id, practiceId, email, refreshToken: res.body.refreshToken }) };
}

/** Invites and signs in a coach of the practice. */
export async function addCoach(t: TestApp, p: PracticeFixture, name = 'A Coach'): Promise<Caller> {
  const email = `coach-${uniq()}@example.test`;
  const inv = await p.owner.post('/v1/invitations', { email, role: 'coach' }).expect(201);
  const res = await t.http.post('/v1/invitations/accept').send({ token: inv.body.token, name, password: PASSWORD }).expect(201);
  return as(t, res.body.accessToken, { userId: res.body.user.id, practiceId: p.practiceId, email, refreshToken: res.body.refreshToken });
}

/** Creates a client of the coach and signs in the client's portal account. */
export async function addClient(t: TestApp, p: PracticeFixture, coach: Caller, name = 'A Client'): Promise<Caller & { clientId: string }> {
  const email = `client-${uniq()}@example.test`;
  const c = await coach.post('/v1/clients', { name, email, timezone: 'America/New_York' }).expect(201);
  const inv = await coach.post('/v1/invitations', { email, role: 'client', clientId: c.body.id }).expect(201);
  const res = await t.http.post('/v1/invitations/accept').send({ token: inv.body.token, name, password: PASSWORD }).expect(201);
  return { ...as(t, res.body.accessToken, { userId: res.body.user.id, practiceId: p.practiceId, email, clientId: c.body.id, refreshToken: res.body.refreshToken }), clientId: c.body.id };
}

export async function addApiKey(t: TestApp, p: PracticeFixture, role: 'owner' | 'coach', userId?: string): Promise<Caller> {
  const res = await p.owner.post('/v1/api-keys', { name: `key ${uniq()}`, role, userId }).expect(201);
  return as(t, res.body.key, { userId: userId ?? null, practiceId: p.practiceId });
}
