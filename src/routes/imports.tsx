import type { Context } from 'hono';
import { importMaxBytes, isImportEntity, type ImportEntity } from '../domain/imports';
import { AppError, type FieldErrors } from '../errors';
import { createdCursor } from '../http/cursors';
import type { SignedInEnv } from '../http/env';
import { factory } from '../http/factory';
import { wantsFragment } from '../http/fragments';
import { isUuid } from '../http/ids';
import { parseFormBytes, readLimitedBody } from '../http/limited-body';
import { requirePermission } from '../http/session';
import { shopContext } from '../http/shop';
import { t } from '../i18n/es-DO';
import {
  getImport,
  importErrorReport,
  importFieldLabel,
  importMappingForm,
  listImports,
  previewImport,
  startImport,
  uploadImport,
} from '../services/shop/imports';
import { ImportMappingPage, ImportProgress, ImportRunPage, ImportsPage } from '../views/imports';

/** Shop screens: imports from the shop's old system (upload, mapping, preview, the background write). */
export const importsRoutes = factory.createApp();

/** The upload path reads its multipart body itself, counting bytes (src/app.ts lists it for the input guard). */
export const importUploadPath = '/imports';

const listSize = 20;
// The multipart envelope around the file (boundaries, the entity field, headers).
const envelopeBytes = 16 * 1024;

async function renderList(
  c: Context<SignedInEnv>,
  state: { entity: ImportEntity | null; errors?: FieldErrors; message?: string | null },
  status: 200 | 422 = 200,
) {
  const cursor = createdCursor.decode(c.req.query('cursor'));
  const before = cursor ? { createdAt: String(cursor.createdAt), id: String(cursor.id) } : null;
  const runs = await listImports(shopContext(c), before, listSize + 1);
  const shown = runs.slice(0, listSize);
  const last = shown[shown.length - 1];
  const olderHref =
    runs.length > listSize && last
      ? `/imports?cursor=${createdCursor.encode({ createdAt: last.createdAt.toISOString(), id: last.id })}`
      : null;
  c.status(status);
  return c.render(<ImportsPage runs={shown} olderHref={olderHref} {...state} />, {
    title: t('imports.title'),
    current: '/imports',
  });
}

importsRoutes.get('/imports', requirePermission('imports.manage'), async (c) => {
  const entity = c.req.query('entity');
  return renderList(c, { entity: isImportEntity(entity) ? entity : null });
});

importsRoutes.get('/imports/new', requirePermission('imports.manage'), async (c) => {
  const entity = c.req.query('entity');
  return renderList(c, { entity: isImportEntity(entity) ? entity : null });
});

importsRoutes.post(importUploadPath, requirePermission('imports.manage'), async (c) => {
  const contentType = c.req.header('content-type') ?? '';
  const tooBig = { file: t('imports.file.tooBig') };
  if (!contentType.toLowerCase().startsWith('multipart/form-data'))
    return renderList(c, { entity: null, errors: { file: t('imports.file.required') } }, 422);
  // Counted while it streams in: a missing or lying Content-Length changes nothing.
  const body = await readLimitedBody(c.req.raw, importMaxBytes + envelopeBytes);
  if (!body.ok) return renderList(c, { entity: null, errors: tooBig, message: tooBig.file }, 422);
  const form = await parseFormBytes(body.bytes, contentType);
  const entity = form?.get('entity');
  const file = form?.get('file');
  if (!isImportEntity(entity))
    return renderList(c, { entity: null, errors: { entity: t('validation.required') } }, 422);
  if (!(file instanceof File) || file.size === 0)
    return renderList(c, { entity, errors: { file: t('imports.file.required') } }, 422);
  try {
    const run = await uploadImport(shopContext(c), entity, file.name, new Uint8Array(await file.arrayBuffer()));
    return c.redirect(`/imports/${run.id}`, 303);
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'validation') throw error;
    return renderList(c, { entity, errors: error.fields ?? undefined, message: error.publicMessage }, 422);
  }
});

function runId(c: Context<SignedInEnv>): string {
  const id = c.req.param('id');
  if (!isUuid(id)) throw new AppError('not_found');
  return id;
}

async function renderRun(
  c: Context<SignedInEnv>,
  id: string,
  state: { errors?: FieldErrors; message?: string | null; mapping?: Record<string, string> } = {},
  status: 200 | 409 | 422 = 200,
) {
  const run = await getImport(shopContext(c), id);
  const title = t('imports.title');
  if (run.status !== 'uploaded' && run.status !== 'validated')
    return c.render(<ImportRunPage run={run} />, { title, current: '/imports' });
  const form = await importMappingForm(shopContext(c), id);
  c.status(status);
  return c.render(
    <ImportMappingPage
      {...form}
      mapping={state.mapping ?? form.mapping}
      fieldLabel={(name) => importFieldLabel(run.entity, name)}
      page={Number.parseInt(c.req.query('page') ?? '1', 10) || 1}
      errors={state.errors}
      message={state.message}
    />,
    { title, current: '/imports' },
  );
}

importsRoutes.get('/imports/:id', requirePermission('imports.manage'), async (c) => renderRun(c, runId(c)));

importsRoutes.post('/imports/:id/preview', requirePermission('imports.manage'), async (c) => {
  const id = runId(c);
  const body = await c.req.parseBody();
  const submitted: Record<string, string> = {};
  for (const [name, value] of Object.entries(body))
    if (name.startsWith('map.') && typeof value === 'string') submitted[name.slice('map.'.length)] = value;
  try {
    await previewImport(shopContext(c), id, submitted);
  } catch (error) {
    if (!(error instanceof AppError) || (error.code !== 'validation' && error.code !== 'conflict')) throw error;
    return renderRun(
      c,
      id,
      { errors: error.fields ?? undefined, message: error.publicMessage, mapping: submitted },
      error.code === 'validation' ? 422 : 409,
    );
  }
  return c.redirect(`/imports/${id}#preview`, 303);
});

importsRoutes.post('/imports/:id/run', requirePermission('imports.manage'), async (c) => {
  const id = runId(c);
  try {
    await startImport(shopContext(c), id);
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'conflict') throw error;
    return renderRun(c, id, { message: error.publicMessage }, 409);
  }
  return c.redirect(`/imports/${id}`, 303);
});

importsRoutes.get('/imports/:id/progress', requirePermission('imports.manage'), async (c) => {
  const run = await getImport(shopContext(c), runId(c));
  if (!wantsFragment(c.req.raw)) return c.redirect(`/imports/${run.id}`, 303);
  return c.html(<ImportProgress run={run} />);
});

importsRoutes.get('/imports/:id/errors.csv', requirePermission('imports.manage'), async (c) => {
  const report = await importErrorReport(shopContext(c), runId(c));
  return new Response(report.body, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${report.fileName}"`,
      'Cache-Control': 'private, no-store',
    },
  });
});
