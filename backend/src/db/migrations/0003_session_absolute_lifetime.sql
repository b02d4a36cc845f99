-- Custom migration: a session can be extended while it is used (idle expiry), but never past 30
-- days after it was created (absolute lifetime). Enforced here so no code path can forget it.
CREATE FUNCTION session_cap_lifetime() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.expires_at := least(NEW.expires_at, NEW.created_at + interval '30 days');
  RETURN NEW;
END;
$$;--> statement-breakpoint
CREATE TRIGGER session_cap_lifetime
  BEFORE INSERT OR UPDATE OF expires_at, created_at ON "session"
  FOR EACH ROW EXECUTE FUNCTION session_cap_lifetime();
