import { MigrationInterface, QueryRunner } from "typeorm";

// Every column that holds a time zone name the database computes with.
const ZONE_COLUMNS = ['practices', 'users', 'clients'] as const;

/** The zone PostgreSQL knows for a name it does not: Node's canonical name for it (a link such as US/Pacific-New), else UTC. */
function replacement(name: string, known: Set<string>): string {
    try {
        const canonical = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
        if (known.has(canonical.toLowerCase())) return canonical;
    } catch {
        // Not a zone Node knows either.
    }
    return 'UTC';
}

/**
 * Time zone names Node accepted but PostgreSQL does not know (`US/Pacific-New`, `SystemV/AST4`) were
 * stored before the validator asked the database; each such row gets the zone it meant (or UTC), so
 * engagement reads, reviews and the per-practice passes can compute with it again.
 */
export class TimeZonesKnownToTheDatabase1795332000000 implements MigrationInterface {
    name = 'TimeZonesKnownToTheDatabase1795332000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        const zones: { name: string }[] = await queryRunner.query(`SELECT name FROM pg_timezone_names`);
        const known = new Set(zones.map((z) => z.name.toLowerCase()));
        for (const table of ZONE_COLUMNS) {
            // The table's policies are lifted for the owner only inside this transaction, so the repair
            // reaches every practice whatever role migrates; FORCE is restored as it was.
            const [{ forced }]: { forced: boolean }[] = await queryRunner.query(`SELECT relforcerowsecurity AS forced FROM pg_class WHERE oid = $1::regclass`, [table]);
            if (forced) await queryRunner.query(`ALTER TABLE "${table}" NO FORCE ROW LEVEL SECURITY`);
            const bad: { timezone: string }[] = await queryRunner.query(`SELECT DISTINCT timezone FROM "${table}"`);
            for (const { timezone } of bad.filter((r) => !known.has(r.timezone.toLowerCase()))) {
                await queryRunner.query(`UPDATE "${table}" SET timezone = $1 WHERE timezone = $2`, [replacement(timezone, known), timezone]);
            }
            if (forced) await queryRunner.query(`ALTER TABLE "${table}" FORCE ROW LEVEL SECURITY`);
        }
    }

    public async down(): Promise<void> {
        // The names replaced were unusable; nothing to restore.
    }
}
