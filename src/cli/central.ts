import { migrate } from '../db/migrate';
import { functions, migrations } from '../db/migrations.generated';
import { defineCommand } from './command';
import { print } from './output';

export const centralMigrateCommand = defineCommand({
  name: 'central:migrate',
  summary: 'Apply pending migrations and changed functions to the central database',
  args: [],
  options: {},
  prepare() {
    return async ({ platform }) => {
      const result = await migrate(platform.centralSql, migrations.central, functions.central);
      const replaced = result.functions.length > 0 ? `; functions: ${result.functions.join(', ')}` : '';
      if (result.applied.length === 0)
        return print(`Central database is up to date (version ${result.version})${replaced || '.'}`);
      print(
        `Central database migrated ${result.version - result.applied.length} -> ${result.version}: ${result.applied.join(', ')}${replaced}`,
      );
    };
  },
});
