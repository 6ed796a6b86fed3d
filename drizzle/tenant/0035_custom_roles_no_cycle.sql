ALTER TABLE "custom_roles" DROP CONSTRAINT "custom_roles_created_by_users_id_fk";
