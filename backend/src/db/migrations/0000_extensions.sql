-- Custom migration: drizzle-kit does not manage extensions. Both are "trusted" (Postgres 13+), so a
-- database owner can create them without superuser rights; both ship with PGlite, Debian's
-- postgresql package and Neon.
-- pg_trgm: trigram GIN index for case-insensitive substring search (`q=`).
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
-- btree_gin: lets one GIN index combine `user_id =` with array or trigram operators.
CREATE EXTENSION IF NOT EXISTS btree_gin;
