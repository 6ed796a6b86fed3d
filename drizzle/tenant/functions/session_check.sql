-- The session check that rides as the first statement of a signed-in request's first database
-- request (src/http/session.ts). It returns what the Worker knows of a session as one jsonb (the
-- claims cookie carries exactly this value, signed), and touches last_seen_at when it is due.
-- With p_claims NULL (the slow path: no or unusable claims) it returns NULL for a session that is
-- unknown, expired, idle or whose user is disabled. With p_claims it raises instead, so the whole
-- transaction, writes included, is rolled back: SQLSTATE OFS01 for no session, OFS02 when the
-- claims no longer match the database (role, custom role's permissions, branches, branch, names,
-- shop name, logo): editing a custom role takes effect on its users' next request.
CREATE OR REPLACE FUNCTION session_check(
  p_id_hash text, p_claims jsonb, p_idle_minutes integer, p_touch_minutes integer)
RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  v_state jsonb;
  v_touch boolean;
BEGIN
  SELECT jsonb_build_object(
           'userId', u.id, 'email', u.email, 'name', u.name, 'role', u.role,
           'permissions', cr.permissions,
           'branchId', s.branch_id, 'impersonatedBy', s.impersonated_by,
           'shopName', c.name, 'logoKey', c.logo_key,
           'branches', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', b.id, 'name', b.name, 'code', b.code)
                                                  ORDER BY b.name, b.id), '[]'::jsonb)
                          FROM branches b
                         WHERE b.active AND (u.role IN ('owner', 'admin')
                               OR EXISTS (SELECT 1 FROM user_branches ub WHERE ub.user_id = u.id AND ub.branch_id = b.id)))),
         s.last_seen_at < now() - make_interval(mins => p_touch_minutes)
    INTO v_state, v_touch
    FROM sessions s
    JOIN users u ON u.id = s.user_id
    LEFT JOIN custom_roles cr ON cr.id = u.custom_role_id
    LEFT JOIN company c ON c.id = 1
   WHERE s.id_hash = p_id_hash
     AND s.expires_at > now()
     AND s.last_seen_at > now() - make_interval(mins => p_idle_minutes)
     AND u.status = 'active';
  IF v_state IS NULL THEN
    IF p_claims IS NULL THEN
      RETURN NULL;
    END IF;
    RAISE EXCEPTION 'session ended' USING ERRCODE = 'OFS01';
  END IF;
  IF p_claims IS NOT NULL AND p_claims IS DISTINCT FROM v_state THEN
    RAISE EXCEPTION 'session claims are stale' USING ERRCODE = 'OFS02';
  END IF;
  IF v_touch THEN
    UPDATE sessions SET last_seen_at = now() WHERE id_hash = p_id_hash;
  END IF;
  RETURN v_state;
END $$;
