/**
 * The layers of src/, top to bottom. A module may import its own layer and the layers below it,
 * never one above; no import cycles at all (type-only imports included). `npm run lint:layers`
 * runs this, and `npm test` runs that. The README's Layout section says the same in prose.
 */
const layers = [
  { name: 'entry', path: '^src/(index\\.ts|app\\.ts|scheduled\\.ts|cli/|jobs/)' },
  { name: 'edge', path: '^src/(routes|api)/' },
  { name: 'http', path: '^src/http/' },
  { name: 'views', path: '^src/views/' },
  { name: 'services', path: '^src/(services|documents|ecf)/' },
  { name: 'data', path: '^src/(queries|auth|schemas|dgii)/' },
  { name: 'platform', path: '^src/(tenancy|db)/' },
  { name: 'base', path: '^src/(domain/|i18n/|config\\.ts|errors\\.ts|env\\.ts)' },
];

const upward = [];
layers.forEach((layer, index) => {
  const above = layers.slice(0, index);
  if (above.length === 0) return;
  upward.push({
    name: `no-upward-from-${layer.name}`,
    comment: `${layer.name} may import only ${layers
      .slice(index)
      .map((l) => l.name)
      .join(', ')}`,
    severity: 'error',
    from: { path: layer.path, pathNot: layers.slice(0, index).map((l) => l.path) },
    to: { path: above.map((l) => l.path) },
  });
});

module.exports = {
  forbidden: [
    { name: 'no-cycles', severity: 'error', from: { path: '^src/' }, to: { circular: true } },
    {
      name: 'edges-apart',
      comment: 'The UI routes and the JSON API share services, not each other.',
      severity: 'error',
      from: { path: '^src/routes/' },
      to: { path: '^src/api/' },
    },
    { name: 'edges-apart-api', severity: 'error', from: { path: '^src/api/' }, to: { path: '^src/routes/' } },
    {
      name: 'edges-call-services',
      comment: 'Routes and the API call services; they may name a row type, never run a query.',
      severity: 'error',
      from: { path: '^src/(routes|api)/' },
      to: { path: '^src/(queries|db)/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'queries-are-data-access',
      comment: 'Queries hold SQL and row mapping; errors, messages and refusals belong to the services.',
      severity: 'error',
      from: { path: '^src/queries/' },
      to: { path: '^src/(errors\\.ts|i18n/)' },
    },
    {
      name: 'every-module-in-a-layer',
      comment: 'A new folder under src/ gets a place in the layer list first.',
      severity: 'error',
      from: { path: '^src/', pathNot: layers.map((l) => l.path) },
      to: {},
    },
    ...upward,
  ],
  options: {
    // TypeScript 7 has no JS API for dependency-cruiser; swc parses the sources instead.
    parser: 'swc',
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/' },
    includeOnly: '^src/',
  },
};
