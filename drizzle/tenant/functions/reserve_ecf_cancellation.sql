-- Reserves an unused range of an E-series sequence for an ANECF, under the sequence's row lock (the
-- one allocate_document_number takes): an issue at the same moment either took its number before
-- (the range is then partly used and refused here) or comes after and skips the range. Answers the
-- new ecf_cancellations row, or why not: 'not_found' (no such E sequence), 'outside' (beyond its
-- range), 'used' (numbers already taken), 'cancelled' (overlaps a range cancelled before).
CREATE OR REPLACE FUNCTION reserve_ecf_cancellation(p_sequence_id uuid, p_from bigint, p_to bigint, p_requested_by text)
RETURNS TABLE (id uuid, refusal text, first_encf text, last_encf text)
LANGUAGE plpgsql AS $$
DECLARE
  s fiscal_sequences%ROWTYPE;
BEGIN
  SELECT * INTO s FROM fiscal_sequences f WHERE f.id = p_sequence_id AND f.doc_type LIKE 'E%' FOR UPDATE;
  IF NOT FOUND THEN
    refusal := 'not_found';
  ELSIF p_from < s.range_start OR p_to > s.range_end OR p_to < p_from THEN
    refusal := 'outside';
  ELSIF p_from < s.next_number THEN
    refusal := 'used';
  ELSIF EXISTS (SELECT 1 FROM ecf_cancellations c
                 WHERE c.sequence_id = s.id AND c.from_number <= p_to AND c.to_number >= p_from) THEN
    refusal := 'cancelled';
  ELSE
    first_encf := document_number(s.prefix, s.doc_type, p_from);
    last_encf := document_number(s.prefix, s.doc_type, p_to);
    INSERT INTO ecf_cancellations (sequence_id, doc_type, from_number, to_number, first_encf, last_encf, requested_by)
    VALUES (s.id, s.doc_type, p_from, p_to, first_encf, last_encf, p_requested_by)
    RETURNING ecf_cancellations.id INTO id;
  END IF;
  RETURN NEXT;
END
$$;
