-- Login throttling: the slot for one password (or TOTP code) check is reserved before the check,
-- in one statement, under advisory locks on the account and on the address, so that however many
-- requests race, at most the limit of checks run per window. The reserved row counts as a failure
-- until the caller marks it succeeded. Returns the row id, or NULL when a limit is reached.
-- TOTP rows (account 'totp:<admin id>') and password rows do not count against each other's address.
CREATE OR REPLACE FUNCTION reserve_login_attempt(
  p_account text, p_address text,
  p_max_per_account_and_address integer, p_max_per_account integer, p_max_per_address integer,
  p_window_minutes integer)
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  v_account_lock bigint := hashtextextended('login-account:' || p_account, 0);
  v_address_lock bigint := hashtextextended('login-address:' || p_address, 0);
  v_pair integer;
  v_account integer;
  v_address integer;
  v_id bigint;
BEGIN
  -- Always in the same order, so two callers never wait on each other in a cycle.
  PERFORM pg_advisory_xact_lock(least(v_account_lock, v_address_lock));
  PERFORM pg_advisory_xact_lock(greatest(v_account_lock, v_address_lock));
  SELECT count(*) FILTER (WHERE a.account = p_account AND a.ip_address = p_address),
         count(*) FILTER (WHERE a.account = p_account),
         count(*) FILTER (WHERE a.ip_address = p_address AND (a.account LIKE 'totp:%') = (p_account LIKE 'totp:%'))
    INTO v_pair, v_account, v_address
    FROM admin_login_attempts a
   WHERE NOT a.succeeded
     AND a.created_at > now() - make_interval(mins => p_window_minutes)
     AND (a.account = p_account OR a.ip_address = p_address);
  IF v_pair >= p_max_per_account_and_address OR v_account >= p_max_per_account OR v_address >= p_max_per_address THEN
    RETURN NULL;
  END IF;
  INSERT INTO admin_login_attempts (account, ip_address, succeeded) VALUES (p_account, p_address, false) RETURNING id INTO v_id;
  RETURN v_id;
END $$;
