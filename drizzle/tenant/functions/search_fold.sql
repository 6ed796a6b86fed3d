-- What searches compare: lower-case with accents removed ('María' -> 'maria'). unaccent() itself is
-- only STABLE (its dictionary could change), so index expressions need this IMMUTABLE wrapper; the
-- dictionary is named with its schema so the result never depends on search_path.
CREATE OR REPLACE FUNCTION search_fold(p_value text)
RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT lower(public.unaccent('public.unaccent'::regdictionary, p_value))
$$;
