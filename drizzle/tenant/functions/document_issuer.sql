-- The issuer as printed on a fiscal document: the company (name, RNC, address, phones, e-mail,
-- logo key, footer) and the document's branch. Refuses 'company_rnc_missing' when the company has no
-- RNC: a fiscal document without the issuer's RNC is not valid, and the caller raises this BEFORE
-- it takes a number, so nothing is consumed.
CREATE OR REPLACE FUNCTION document_issuer(p_branch_id uuid)
RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
  v_issuer jsonb;
BEGIN
  SELECT jsonb_build_object('name', co.name, 'rnc', co.rnc, 'address', co.address, 'phones', co.phones, 'email', co.email,
           'invoiceFooter', co.invoice_footer, 'logoKey', co.logo_key,
           'branch', (SELECT jsonb_build_object('name', b.name, 'address', b.address, 'phone', b.phone) FROM branches b WHERE b.id = p_branch_id))
    INTO v_issuer
    FROM company co WHERE co.id = 1 AND nullif(btrim(co.rnc), '') IS NOT NULL;
  IF v_issuer IS NULL THEN
    RAISE EXCEPTION 'optiflow:company_rnc_missing';
  END IF;
  RETURN v_issuer;
END
$$;
