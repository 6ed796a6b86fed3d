-- Document numbers (NCF, quotations, receipts) are taken only through this function, inside the
-- transaction that writes the document: the row lock on the sequence serialises concurrent
-- callers, and a transaction that fails rolls the number back, so numbers are unique and gapless.
-- Numbers of ranges cancelled with an ANECF (ecf_cancellations) are skipped; they are read after the
-- row lock, so a range reserved by a transaction that held the lock before is seen.
-- Refuses 'sequence_not_found', 'sequence_inactive', 'sequence_expired', 'sequence_exhausted'.
CREATE OR REPLACE FUNCTION allocate_document_number(p_sequence_id uuid, p_doc_type text, p_branch_id uuid, p_on date)
RETURNS TABLE (sequence_id uuid, number text, valid_until date)
LANGUAGE plpgsql AS $$
DECLARE
  s fiscal_sequences%ROWTYPE;
  v_number bigint;
  v_skip bigint;
BEGIN
  IF p_sequence_id IS NOT NULL THEN
    SELECT * INTO s FROM fiscal_sequences f WHERE f.id = p_sequence_id FOR UPDATE;
    IF NOT FOUND OR s.doc_type <> p_doc_type THEN
      RAISE EXCEPTION 'optiflow:sequence_not_found';
    END IF;
  ELSE
    SELECT * INTO s FROM fiscal_sequences f
     WHERE f.doc_type = p_doc_type AND f.active AND (f.branch_id = p_branch_id OR f.is_default)
     ORDER BY (f.branch_id IS NOT DISTINCT FROM p_branch_id) DESC, f.is_default DESC
     LIMIT 1
     FOR UPDATE;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'optiflow:sequence_not_found';
    END IF;
  END IF;
  IF NOT s.active THEN
    RAISE EXCEPTION 'optiflow:sequence_inactive';
  END IF;
  IF s.valid_until IS NOT NULL AND p_on > s.valid_until THEN
    RAISE EXCEPTION 'optiflow:sequence_expired';
  END IF;
  v_number := s.next_number;
  LOOP
    SELECT c.to_number INTO v_skip FROM ecf_cancellations c
     WHERE c.sequence_id = s.id AND v_number BETWEEN c.from_number AND c.to_number
     LIMIT 1;
    EXIT WHEN NOT FOUND;
    v_number := v_skip + 1;
  END LOOP;
  IF v_number > s.range_end THEN
    RAISE EXCEPTION 'optiflow:sequence_exhausted';
  END IF;
  UPDATE fiscal_sequences f SET next_number = v_number + 1, updated_at = now() WHERE f.id = s.id;
  sequence_id := s.id;
  number := document_number(s.prefix, s.doc_type, v_number);
  valid_until := s.valid_until;
  RETURN NEXT;
END
$$;
