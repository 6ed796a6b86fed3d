ALTER TABLE "products" DROP CONSTRAINT "products_parent_id_products_id_fk";
