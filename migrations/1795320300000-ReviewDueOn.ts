import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The review-cadence pass costs what is due, not what is stored. Each engagement keeps the day its next
 * periodic review is due to be opened (review_due_on, a date in the practice's zone; null: none to come,
 * -infinity: not yet known). The pass reads, through a partial index, only engagements whose day has
 * come, opens their reviews and stores the next day. Any change to what the day depends on (status,
 * cadence, dates, activation, the practice's zone) resets it to -infinity, so the next pass works it out
 * again. app_review_period_end is the period arithmetic of review-period.ts in SQL (a test holds the two
 * equal): the pass reads only open reviews that may be missed or are overdue and not yet prompted.
 */
export class ReviewDueOn1795320300000 implements MigrationInterface {
    name = 'ReviewDueOn1795320300000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        // Every existing engagement starts as not yet known (-infinity): the next pass works its day out.
        // Given as the column's default (DDL, which row-level security does not filter, whatever role
        // migrates), then dropped: new rows get theirs from the trigger below.
        await queryRunner.query(`
            ALTER TABLE "engagements"
            ADD "review_due_on" date DEFAULT '-infinity'
        `);
        await queryRunner.query(`ALTER TABLE "engagements" ALTER COLUMN "review_due_on" DROP DEFAULT`);
        await queryRunner.query(`
            CREATE INDEX "engagements_review_due_idx" ON "engagements" ("review_due_on")
            WHERE status = 'active'
                AND review_cadence <> 'none'
        `);
        // The last day of the period containing p_date, or null (cadence none, before the start, after the
        // end): reviewPeriodContaining(cadence, startsOn, date, endsOn)?.end. Monthly periods step from the
        // start day, clamped to the month's end, as date + interval 'n months' does.
        await queryRunner.query(`
            CREATE FUNCTION app_review_period_end(p_cadence text, p_starts_on date, p_date date, p_ends_on date)
            RETURNS date LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
            DECLARE
              i int;
              s date;
              n date;
              e date;
            BEGIN
              IF p_date < p_starts_on THEN RETURN NULL; END IF;
              IF p_cadence = 'weekly' THEN
                i := (p_date - p_starts_on) / 7; s := p_starts_on + i * 7; n := s + 7;
              ELSIF p_cadence = 'biweekly' THEN
                i := (p_date - p_starts_on) / 14; s := p_starts_on + i * 14; n := s + 14;
              ELSIF p_cadence = 'monthly' THEN
                i := ((extract(year FROM p_date) - extract(year FROM p_starts_on)) * 12 + extract(month FROM p_date) - extract(month FROM p_starts_on))::int;
                s := (p_starts_on + i * interval '1 month')::date;
                IF s > p_date THEN i := i - 1; s := (p_starts_on + i * interval '1 month')::date; END IF;
                n := (p_starts_on + (i + 1) * interval '1 month')::date;
              ELSE
                RETURN NULL;
              END IF;
              IF s > p_ends_on THEN RETURN NULL; END IF;
              e := least(n - 1, p_ends_on);
              RETURN CASE WHEN e < p_date THEN NULL ELSE e END;
            END $$`);
        // Today in a zone, or null for a zone PostgreSQL does not know (instead of an error).
        await queryRunner.query(`
            CREATE FUNCTION app_zone_today(p_timezone text) RETURNS date LANGUAGE plpgsql STABLE AS $$
            BEGIN
              RETURN (now() AT TIME ZONE p_timezone)::date;
            EXCEPTION WHEN others THEN
              RETURN NULL;
            END $$`);
        await queryRunner.query(`
            CREATE FUNCTION app_engagement_review_due_reset() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF TG_OP = 'INSERT'
                 OR (NEW.status, NEW.review_cadence, NEW.starts_on, NEW.ends_on, NEW.activated_at)
                    IS DISTINCT FROM (OLD.status, OLD.review_cadence, OLD.starts_on, OLD.ends_on, OLD.activated_at) THEN
                NEW.review_due_on := '-infinity';
              END IF;
              RETURN NEW;
            END $$`);
        await queryRunner.query(`
            CREATE TRIGGER engagements_review_due_reset BEFORE INSERT OR UPDATE ON engagements
            FOR EACH ROW EXECUTE FUNCTION app_engagement_review_due_reset()
        `);
        // The activation day is read in the practice's zone: a new zone, a new due day.
        await queryRunner.query(`
            CREATE FUNCTION app_practice_review_due_reset() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              UPDATE engagements SET review_due_on = '-infinity' WHERE practice_id = NEW.id AND status = 'active' AND review_cadence <> 'none';
              RETURN NULL;
            END $$`);
        await queryRunner.query(`
            CREATE TRIGGER practices_review_due_reset AFTER UPDATE OF timezone ON practices
            FOR EACH ROW WHEN (OLD.timezone IS DISTINCT FROM NEW.timezone) EXECUTE FUNCTION app_practice_review_due_reset()
        `);
        // Practices with review work (a reviewed cross-tenant read, ids only): an engagement whose due day
        // may have come, or an open periodic review that may be missed, or is overdue with its client not
        // yet prompted (the prompt's unique keys, as NotificationsService writes them, on both channels).
        // Rows are narrowed by the latest "today" of any zone (UTC + 1 day, an index range), then by the
        // practice's own; a zone PostgreSQL does not know keeps the bound, so that practice fails its own
        // pass (logged, counted) instead of this read. Its pass decides exactly.
        await queryRunner.query(`
            CREATE FUNCTION app_practices_with_review_work()
            RETURNS TABLE (practice_id uuid) LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
              SELECT e.practice_id FROM engagements e JOIN practices p ON p.id = e.practice_id
               WHERE e.status = 'active' AND e.review_cadence <> 'none' AND e.review_due_on <= (now() AT TIME ZONE 'UTC')::date + 1
                 AND e.review_due_on <= coalesce(app_zone_today(p.timezone), (now() AT TIME ZONE 'UTC')::date + 1)
              UNION
              SELECT r.practice_id FROM reviews r
                JOIN engagements e ON e.practice_id = r.practice_id AND e.id = r.engagement_id
                JOIN clients c ON c.practice_id = e.practice_id AND c.id = e.client_id
                JOIN practices p ON p.id = r.practice_id
               WHERE r.status = 'open' AND r.kind = 'periodic'
                 AND (app_review_period_end(e.review_cadence, e.starts_on, r.period_end + 1, e.ends_on) < coalesce(app_zone_today(p.timezone), (now() AT TIME ZONE 'UTC')::date + 1)
                      OR (r.due_at < now() AND c.user_id IS NOT NULL
                          AND (SELECT count(*) FROM notifications n
                                WHERE n.practice_id = r.practice_id
                                  AND n.unique_key IN ('review_overdue:' || r.id || ':once:' || c.user_id || ':email',
                                                       'review_overdue:' || r.id || ':once:' || c.user_id || ':in_app')) < 2))
            $$`);
        await queryRunner.query(`REVOKE ALL ON FUNCTION app_practices_with_review_work() FROM PUBLIC`);
        await queryRunner.query(`GRANT EXECUTE ON FUNCTION app_practices_with_review_work() TO coaching_app`);
        // Saves the first pass some work: with a periodic review opened, the day after the period that
        // follows the latest one (rows this statement cannot reach stay -infinity, which is always right).
        // Set-based, with the trigger out of the way (it would reset every row it touches).
        await queryRunner.query(`ALTER TABLE engagements DISABLE TRIGGER engagements_review_due_reset`);
        await queryRunner.query(`
            UPDATE engagements e
               SET review_due_on = app_review_period_end(e.review_cadence, e.starts_on, greatest(l.last_end + 1, e.starts_on), e.ends_on) + 1
              FROM (SELECT r.practice_id, r.engagement_id, max(r.period_end) AS last_end FROM reviews r
                     WHERE r.kind = 'periodic' GROUP BY r.practice_id, r.engagement_id) l
             WHERE l.practice_id = e.practice_id AND l.engagement_id = e.id AND e.review_cadence <> 'none'
        `);
        await queryRunner.query(`ALTER TABLE engagements ENABLE TRIGGER engagements_review_due_reset`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP FUNCTION IF EXISTS app_practices_with_review_work()`);
        await queryRunner.query(`DROP TRIGGER IF EXISTS practices_review_due_reset ON practices`);
        await queryRunner.query(`DROP FUNCTION IF EXISTS app_practice_review_due_reset()`);
        await queryRunner.query(`DROP TRIGGER IF EXISTS engagements_review_due_reset ON engagements`);
        await queryRunner.query(`DROP FUNCTION IF EXISTS app_engagement_review_due_reset()`);
        await queryRunner.query(`DROP FUNCTION IF EXISTS app_zone_today(text)`);
        await queryRunner.query(`DROP FUNCTION IF EXISTS app_review_period_end(text, date, date, date)`);
        await queryRunner.query(`
            DROP INDEX "public"."engagements_review_due_idx"
        `);
        await queryRunner.query(`
            ALTER TABLE "engagements" DROP COLUMN "review_due_on"
        `);
    }
}
