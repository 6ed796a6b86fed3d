-- Lab orders take their lens type, material, index and treatments from the shop's own catalogue
-- lists (catalog_values): the fixed codes of earlier orders become the lists' values. A treatment
-- the default list lacks (hidrofóbico, UV) joins the list when an order used it.
INSERT INTO "catalog_values" ("list", "value", "position")
SELECT 'treatments', v.value, (SELECT coalesce(max(position), 0) FROM catalog_values WHERE list = 'treatments') + v.n
  FROM (VALUES ('hidrofobico', 'Hidrofóbico', 1), ('uv', 'UV', 2)) AS v(code, value, n)
 WHERE EXISTS (SELECT 1 FROM lab_orders o WHERE v.code = ANY (o.treatments))
   AND NOT EXISTS (SELECT 1 FROM catalog_values c WHERE c.list = 'treatments' AND lower(c.value) = lower(v.value));--> statement-breakpoint
UPDATE "lab_orders" SET
  "lens_type" = CASE "lens_type" WHEN 'monofocal' THEN 'Monofocal' WHEN 'bifocal' THEN 'Bifocal'
    WHEN 'progresivo' THEN 'Progresivo' WHEN 'ocupacional' THEN 'Ocupacional' ELSE "lens_type" END,
  "lens_material" = CASE "lens_material" WHEN 'cr39' THEN 'CR-39' WHEN 'policarbonato' THEN 'Policarbonato'
    WHEN 'trivex' THEN 'Trivex' WHEN 'alto_indice' THEN 'Alto índice' WHEN 'mineral' THEN 'Vidrio' ELSE "lens_material" END,
  "treatments" = ARRAY(SELECT CASE t WHEN 'antirreflejo' THEN 'Antirreflejo' WHEN 'filtro_azul' THEN 'Filtro de luz azul'
    WHEN 'fotocromatico' THEN 'Fotocromático' WHEN 'endurecido' THEN 'Endurecido' WHEN 'hidrofobico' THEN 'Hidrofóbico'
    WHEN 'uv' THEN 'UV' WHEN 'polarizado' THEN 'Polarizado' ELSE t END FROM unnest("treatments") WITH ORDINALITY AS x(t, i) ORDER BY i)
 WHERE "lens_type" IS NOT NULL OR "lens_material" IS NOT NULL OR cardinality("treatments") > 0;
