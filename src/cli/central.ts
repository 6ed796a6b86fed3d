import { migrate } from '../db/migrate';
import { migrations } from '../db/migrations.generated';
import { defineCommand } from './command';
import { print } from './output';

export const centralMigrateCommand = defineCommand({
  name: 'central:migrate',
  summary: 'Apply pending migrations to the central database',
  args: [],
  options: {},
  prepare() {
    return async ({ platform }) => {
      const result = await migrate(platform.centralSql, migrations.central);
      if (result.applied.length === 0) return print(`Central database is up to date (version ${result.version}).`);
      print(`Central database migrated ${result.version - result.applied.length} -> ${result.version}: ${result.applied.join(', ')}`);
    };
  },
});
