-- A document number as printed: the series prefix and the sequential number zero-padded to 10
-- digits for electronic (E) types, 8 for the rest (NCF B01 00000005, E31 0000000001, COT-00000042).
-- allocate_document_number writes numbers with it; src/domain/ncf.ts formatDocumentNumber is the
-- same rule for screens that cannot ask the database, and a test holds the two equal for every type.
CREATE OR REPLACE FUNCTION document_number(p_prefix text, p_doc_type text, p_number bigint)
RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT p_prefix || lpad(p_number::text, CASE WHEN p_doc_type LIKE 'E%' THEN 10 ELSE 8 END, '0')
$$;
