-- Sign-in failures are counted per account and client address, and per account over all addresses
-- (address '*'). The counts only matter for one window (15 minutes), so the table is rebuilt with
-- its new key rather than converted.
DROP TABLE "sign_in_failures";--> statement-breakpoint
CREATE TABLE "sign_in_failures" (
	"email" text NOT NULL,
	"address" text NOT NULL,
	"failures" integer NOT NULL,
	"window_started_at" timestamp with time zone NOT NULL,
	CONSTRAINT "sign_in_failures_email_address_pk" PRIMARY KEY("email","address")
);
--> statement-breakpoint
CREATE TABLE "token_revocations" (
	"session_id" uuid,
	"user_id" uuid NOT NULL,
	"revoked_at" timestamp with time zone DEFAULT now() NOT NULL,
	"xid" "xid8" DEFAULT pg_current_xact_id() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "token_revocations_xid_idx" ON "token_revocations" USING btree ("xid");--> statement-breakpoint
CREATE INDEX "token_revocations_revoked_at_idx" ON "token_revocations" USING btree ("revoked_at");--> statement-breakpoint
-- Custom: every session that ends, however it ends (sign-out, sign out everywhere, a password
-- change, expiry clean-up, the cascade of an account deletion, a hand-written DELETE), revokes the
-- JWTs issued for it. A trigger, so no code path can forget it.
CREATE FUNCTION session_revoke_tokens() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO token_revocations (session_id, user_id) VALUES (OLD.id, OLD.user_id);
  RETURN OLD;
END;
$$;--> statement-breakpoint
CREATE TRIGGER session_revoke_tokens
  AFTER DELETE ON "session"
  FOR EACH ROW EXECUTE FUNCTION session_revoke_tokens();--> statement-breakpoint
-- A deleted account revokes every JWT of its user, whichever session issued it.
CREATE FUNCTION users_revoke_tokens() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO token_revocations (session_id, user_id) VALUES (NULL, OLD.id);
  RETURN OLD;
END;
$$;--> statement-breakpoint
CREATE TRIGGER users_revoke_tokens
  AFTER DELETE ON "users"
  FOR EACH ROW EXECUTE FUNCTION users_revoke_tokens();
