/** The Worker's bindings: wrangler.toml's (generated `Env`) and the secrets. Imports nothing. */
/** Secrets are not in wrangler.toml, so `wrangler types` cannot see them; `.dev.vars.example` lists them. */
export interface Secrets {
  CENTRAL_DATABASE_URL: string;
  POSTGRES_ADMIN_URL?: string;
  ENCRYPTION_KEY: string;
  NEON_API_KEY?: string;
  NEON_PROJECT_ID?: string;
  NEON_PARENT_BRANCH_ID?: string;
  /** Optional read-only connection for the DGII registry table; defaults to CENTRAL_DATABASE_URL. */
  REGISTRY_DATABASE_URL?: string;
}

export type Bindings = Env & Secrets;
