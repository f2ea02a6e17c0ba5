// npm run seed:demo: loads the demo practice into DATABASE_URL through the application's own
// services (so every rule and audit entry applies), once; later runs only print the logins again.
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { INestApplicationContext, Module, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AuthContext, DomainError, validationPipe } from '@app/common';
import { AppConfig, ConfigError, ConfigModule } from '@app/config';
import { CrossPracticeDb } from '@app/database';
import { AuditModule, CoachingModule, DatabaseModule, IdentityModule, RedisModule } from '@app/core';
import { AuthService } from '@app/core/auth/auth.service';
import { SignupDto } from '@app/core/auth/dto/auth.dto';
import { ClientsService } from '@app/core/clients/clients.service';
import { CreateClientDto } from '@app/core/clients/dto/client.dto';
import { AcceptInvitationDto, CreateInvitationDto } from '@app/core/invitations/dto/invitation.dto';
import { InvitationsService } from '@app/core/invitations/invitations.service';
import { seedBetweenSessions } from './seed-demo-between';
import { seedCoaching } from './seed-demo-coaching';
import { seedIntegrations } from './seed-demo-integrations';
import { seedSessionsAndReviews } from './seed-demo-sessions';
import { AvailabilityModule } from '@app/core/availability/availability.module';
import { AvailabilityService } from '@app/core/availability/availability.service';
import { PutAvailabilityDto } from '@app/core/availability/dto/availability.dto';
import { FormsModule } from '@app/core/forms/forms.module';
import { JournalModule } from '@app/core/journal/journal.module';
import { NotificationsModule } from '@app/core/notifications/notifications.module';
import { ReviewCadenceJob } from '@app/core/reviews/jobs/review-cadence.job';
import { ReviewsModule } from '@app/core/reviews/reviews.module';
import { SessionsModule } from '@app/core/sessions/sessions.module';
import { WebhooksModule } from '@app/core/webhooks/webhooks.module';

export const DEMO_SLUG = 'demo';
export const DEMO_PASSWORD = 'coaching-demo-2026';
const DEMO_PRACTICE = { name: 'Brightpath Coaching', timezone: 'Europe/London' };
const OWNER = { name: 'Olivia Bennett', email: 'olivia@brightpath.example' };
const COACHES = [
  { key: 'marcus', name: 'Marcus Reid', email: 'marcus@brightpath.example' },
  { key: 'priya', name: 'Priya Shah', email: 'priya@brightpath.example' },
] as const;
type CoachKey = (typeof COACHES)[number]['key'];
const CLIENTS: readonly { name: string; email: string; timezone: string; coach: CoachKey; portal: boolean }[] = [
  { name: 'Hannah Clarke', email: 'hannah.clarke@example.com', timezone: 'Europe/London', coach: 'marcus', portal: true },
  { name: 'James Porter', email: 'james.porter@example.com', timezone: 'America/New_York', coach: 'marcus', portal: true },
  { name: 'Sofia Weber', email: 'sofia.weber@example.com', timezone: 'Europe/Berlin', coach: 'marcus', portal: false },
  { name: "Liam O'Connor", email: 'liam.oconnor@example.com', timezone: 'Australia/Sydney', coach: 'priya', portal: true },
  { name: 'Emily Hart', email: 'emily.hart@example.com', timezone: 'America/New_York', coach: 'priya', portal: false },
];

// Audit entries written by the seed say where they came from.
const REQUEST_ID = 'seed-demo';

export interface DemoLogin {
  practice: string;
  role: 'owner' | 'coach' | 'client';
  name: string;
  email: string;
  password: string;
}

export interface DemoMember {
  userId: string;
  name: string;
  email: string;
  /** Acts as this member in service calls. */
  ctx: AuthContext;
}

export interface DemoClient {
  clientId: string;
  name: string;
  email: string;
  timezone: string;
  coach: DemoMember;
  /** The portal account, for clients who accepted their invitation. */
  portal: DemoMember | null;
}

/** What the seed created, for later steps (engagements, goals, sessions, reviews) to build on. */
export interface DemoPractice {
  practiceId: string;
  owner: DemoMember;
  coaches: DemoMember[];
  clients: DemoClient[];
}

export type DemoSeedResult =
  | { created: true; practiceId: string; logins: DemoLogin[]; practice: DemoPractice }
  | { created: false; practiceId: string; logins: DemoLogin[] };

/** The demo logins: every member, and each client with a portal account. */
export const demoLogins = (): DemoLogin[] => [
  { practice: DEMO_SLUG, role: 'owner', name: OWNER.name, email: OWNER.email, password: DEMO_PASSWORD },
  ...COACHES.map((c) => ({ practice: DEMO_SLUG, role: 'coach' as const, name: c.name, email: c.email, password: DEMO_PASSWORD })),
  ...CLIENTS.filter((c) => c.portal).map((c) => ({ practice: DEMO_SLUG, role: 'client' as const, name: c.name, email: c.email, password: DEMO_PASSWORD })),
];

/**
 * Loads the demo practice unless its slug exists. The context must provide the modules of
 * DemoSeedModule.
 */
export async function seedDemo(app: INestApplicationContext): Promise<DemoSeedResult> {
  const existing = await app.get(CrossPracticeDb).practiceIdBySlug(DEMO_SLUG);
  if (existing) return { created: false, practiceId: existing, logins: demoLogins() };

  const practice = await seedMembersAndClients(app);
  // Before the coaching content, so its events (sessions booked, goals agreed) reach the endpoint.
  await seedIntegrations(app, practice);
  const engagements = await seedCoaching(app, practice);
  await seedSessionsAndReviews(app, engagements);
  await seedBetweenSessions(app, engagements);
  await seedAvailability(app, practice);
  return { created: true, practiceId: practice.practiceId, logins: demoLogins(), practice };
}

/**
 * Each coach keeps office hours (weekdays 09:00–12:00 and 14:00–17:00 in their own zone, a quarter hour
 * between sessions, a day's notice, eight weeks ahead), so a demo client can book a session.
 */
async function seedAvailability(app: INestApplicationContext, practice: DemoPractice): Promise<void> {
  const availability = app.get(AvailabilityService);
  const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri'];
  for (const coach of practice.coaches) {
    const { timezone } = await availability.get(coach.ctx, coach.userId);
    const weekly = weekdays.flatMap((day) => [{ day, start: '09:00', end: '12:00' }, { day, start: '14:00', end: '17:00' }]);
    await availability.put(coach.ctx, coach.userId, await valid(PutAvailabilityDto, { timezone, weekly, overrides: [], bufferMinutes: 15, minNoticeMinutes: 1440, horizonDays: 56 }));
  }
}

async function seedMembersAndClients(app: INestApplicationContext): Promise<DemoPractice> {
  const auth = app.get(AuthService);
  const invitations = app.get(InvitationsService);
  const clients = app.get(ClientsService);

  const signup = await auth.signup(
    await valid(SignupDto, { practiceName: DEMO_PRACTICE.name, practiceSlug: DEMO_SLUG, timezone: DEMO_PRACTICE.timezone, name: OWNER.name, email: OWNER.email, password: DEMO_PASSWORD }),
  );
  const practiceId = signup.practice.id;
  const owner = member(practiceId, signup.user);

  // Members join as in real life: invited by the owner, then accepting with their own password.
  const coaches = new Map<CoachKey, DemoMember>();
  for (const c of COACHES) {
    const inv = await invitations.create(owner.ctx, await valid(CreateInvitationDto, { email: c.email, role: 'coach' }));
    const session = await invitations.accept(await valid(AcceptInvitationDto, { token: inv.token, name: c.name, password: DEMO_PASSWORD }));
    coaches.set(c.key, member(practiceId, session.user));
  }

  const demoClients: DemoClient[] = [];
  for (const c of CLIENTS) {
    const coach = coaches.get(c.coach)!;
    const client = await clients.create(coach.ctx, await valid(CreateClientDto, { name: c.name, email: c.email, timezone: c.timezone }));
    let portal: DemoMember | null = null;
    if (c.portal) {
      const inv = await invitations.create(coach.ctx, await valid(CreateInvitationDto, { email: c.email, role: 'client', clientId: client.id }));
      const session = await invitations.accept(await valid(AcceptInvitationDto, { token: inv.token, name: c.name, password: DEMO_PASSWORD }));
      portal = member(practiceId, session.user);
    }
    demoClients.push({ clientId: client.id, name: c.name, email: c.email, timezone: c.timezone, coach, portal });
  }
  return { practiceId, owner, coaches: [...coaches.values()], clients: demoClients };
}

const member = (practiceId: string, u: { id: string; name: string; email: string; role: AuthContext['role']; clientId: string | null }): DemoMember => ({
  userId: u.id,
  name: u.name,
  email: u.email,
  ctx: { practiceId, userId: u.id, role: u.role, clientId: u.clientId, apiKeyId: null, requestId: REQUEST_ID },
});

// The API's own validation pipe, so seed input obeys the same rules as a request body.
const pipe = validationPipe();
const valid = <T>(metatype: Type<T>, body: object): Promise<T> => pipe.transform(body, { type: 'body', metatype }) as Promise<T>;

/** The table written to .data/demo-logins.txt and printed. */
export function formatLogins(logins: DemoLogin[]): string {
  const rows = [['practice', 'role', 'name', 'email', 'password'], ...logins.map((l) => [l.practice, l.role, l.name, l.email, l.password])];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ')).join('\n') + '\n';
}

@Module({
  imports: [ConfigModule, DatabaseModule, RedisModule, AuditModule, IdentityModule, CoachingModule, SessionsModule, ReviewsModule, NotificationsModule, WebhooksModule, FormsModule, JournalModule, AvailabilityModule],
  providers: [ReviewCadenceJob],
})
export class DemoSeedModule {}

// For `npm start` to print again on later runs. The production image's file system is read-only
// (and not the app user's): there the printed table is all there is.
function saveLogins(table: string): boolean {
  try {
    const dir = join(process.cwd(), '.data');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'demo-logins.txt'), table);
    return true;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  // Validated here first, so a bad variable reads as one clear message rather than a Nest stack trace.
  try {
    AppConfig.fromProcess();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
  const app = await NestFactory.createApplicationContext(DemoSeedModule, { logger: ['error', 'warn'], abortOnError: false });
  try {
    const result = await seedDemo(app);
    const table = formatLogins(result.logins);
    const saved = saveLogins(table);
    console.log(result.created ? `Loaded the demo practice "${DEMO_PRACTICE.name}".` : `The demo practice "${DEMO_PRACTICE.name}" is already loaded; nothing changed.`);
    // `npm start` prints the table itself once the app is up (--no-logins): once, where it is read.
    if (!process.argv.includes('--no-logins') || !saved) console.log(`Demo logins${saved ? ' (also in .data/demo-logins.txt)' : ''}:\n\n${table}`);
  } finally {
    await app.close();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    const fields = err instanceof DomainError && err.errors?.length ? err.errors.map((e) => `\n  - ${e.path}: ${e.message}`).join('') : '';
    console.error('Seeding the demo failed:', err instanceof Error ? err.message + fields : err);
    process.exit(1);
  });
}
