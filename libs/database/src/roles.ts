/** The role every application query runs as: no table ownership, no BYPASSRLS. */
export const APP_ROLE = 'coaching_app';
