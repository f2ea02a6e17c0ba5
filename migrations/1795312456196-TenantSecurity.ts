import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Row-level security for every tenant table, the application role, and the reviewed functions that
 * run before a practice is known. Later migrations call app_enable_tenant_rls() for each new table.
 */
export class TenantSecurity1795312456196 implements MigrationInterface {
  name = 'TenantSecurity1795312456196';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$ BEGIN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'coaching_app') THEN
          CREATE ROLE coaching_app NOLOGIN NOSUPERUSER NOBYPASSRLS;
        END IF;
      END $$`);
    // The migrating user (superuser in development) must be able to switch to the app role.
    await q.query(`GRANT coaching_app TO current_user`);
    await q.query(`GRANT USAGE ON SCHEMA public TO coaching_app`);
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO coaching_app`);
    await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO coaching_app`);
    await q.query(`REVOKE ALL ON schema_migrations FROM coaching_app`);

    // An unset or empty app.practice_id matches nothing.
    await q.query(`
      CREATE FUNCTION app_current_practice() RETURNS uuid LANGUAGE sql STABLE AS
      $$ SELECT nullif(current_setting('app.practice_id', true), '')::uuid $$`);
    await q.query(`
      CREATE FUNCTION app_enable_tenant_rls(tbl regclass, col text DEFAULT 'practice_id') RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tbl);
        EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', tbl);
        EXECUTE format('CREATE POLICY tenant_isolation ON %s USING (%I = app_current_practice()) WITH CHECK (%I = app_current_practice())', tbl, col, col);
      END $$`);
    await q.query(`SELECT app_enable_tenant_rls('practices', 'id')`);
    for (const t of ['users', 'clients', 'refresh_tokens', 'invitations', 'api_keys', 'audit_events']) {
      await q.query(`SELECT app_enable_tenant_rls($1)`, [t]);
    }

    // Login names a practice by slug before any tenant context exists: the one reviewed cross-tenant read.
    await q.query(`
      CREATE FUNCTION app_practice_id_by_slug(p_slug text) RETURNS uuid
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
      $$ SELECT id FROM practices WHERE slug = p_slug $$`);
    await q.query(`REVOKE ALL ON FUNCTION app_practice_id_by_slug(text) FROM PUBLIC`);
    await q.query(`GRANT EXECUTE ON FUNCTION app_practice_id_by_slug(text) TO coaching_app`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION IF EXISTS app_practice_id_by_slug(text)`);
    for (const t of ['practices', 'users', 'clients', 'refresh_tokens', 'invitations', 'api_keys', 'audit_events']) {
      await q.query(`DROP POLICY IF EXISTS tenant_isolation ON ${t}`);
      await q.query(`ALTER TABLE ${t} NO FORCE ROW LEVEL SECURITY`);
      await q.query(`ALTER TABLE ${t} DISABLE ROW LEVEL SECURITY`);
    }
    await q.query(`DROP FUNCTION IF EXISTS app_enable_tenant_rls(regclass, text)`);
    await q.query(`DROP FUNCTION IF EXISTS app_current_practice()`);
    await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM coaching_app`);
    await q.query(`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM coaching_app`);
    await q.query(`REVOKE USAGE ON SCHEMA public FROM coaching_app`);
  }
}
