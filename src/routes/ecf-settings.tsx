import type { Context } from 'hono';
import { AppError } from '../errors';
import type { SignedInEnv } from '../http/env';
import { factory } from '../http/factory';
import { wantsFragment } from '../http/fragments';
import { parseFormBytes, readLimitedBody } from '../http/limited-body';
import { requirePermission } from '../http/session';
import { shopContext } from '../http/shop';
import { t } from '../i18n/es-DO';
import {
  type EcfConnectionResult,
  getEcfSettings,
  maxCertificateBytes,
  saveEcfSettings,
  testEcfConnection,
} from '../services/shop/ecf-settings';
import { ConnectionResult, EcfSettingsPanel, type EcfFormState } from '../views/ecf-settings';

/** Shop screens: e-CF settings (certificate and DGII environment), owner only. */
export const ecfSettingsRoutes = factory.createApp();

const path = '/settings/ecf';
/** The multipart envelope around the .p12: boundaries, headers, the environment and the password. */
const envelopeBytes = 8 * 1024;

async function renderPage(
  c: Context<SignedInEnv>,
  options: { form?: EcfFormState; connection?: EcfConnectionResult | null } = {},
  status: 200 | 422 = 200,
) {
  const view = await getEcfSettings(shopContext(c));
  const panel = <EcfSettingsPanel view={view} form={options.form} connection={options.connection} />;
  if (wantsFragment(c.req.raw)) return c.html(panel, status);
  c.status(status);
  return c.render(panel, { title: t('ecf.title'), current: path });
}

ecfSettingsRoutes.get(path, requirePermission('ecf.manage'), (c) =>
  renderPage(c, { form: c.req.query('saved') === '1' ? { notice: t('ecf.saved') } : {} }),
);

ecfSettingsRoutes.post(path, requirePermission('ecf.manage'), async (c) => {
  const contentType = c.req.header('content-type') ?? '';
  const refuse = (form: EcfFormState) => renderPage(c, { form }, 422);
  let form: FormData | null;
  if (contentType.toLowerCase().startsWith('multipart/form-data')) {
    // Counted while it streams in: an oversized upload is refused without being held in memory.
    const body = await readLimitedBody(c.req.raw, maxCertificateBytes + envelopeBytes);
    if (!body.ok)
      return refuse({ errors: { certificate: t('ecf.error.fileTooLarge', { size: maxCertificateBytes / 1024 }) } });
    form = await parseFormBytes(body.bytes, contentType);
  } else {
    // A form without a file (urlencoded): the input guard has already parsed and checked it.
    form = await c.req.formData().catch(() => null);
  }
  if (!form) return refuse({ message: t('ecf.error.badRequest') });
  const environment = form.get('environment');
  const file = form.get('certificate');
  const password = form.get('password');
  const state: EcfFormState = { environment: typeof environment === 'string' ? environment : null };
  try {
    const result = await saveEcfSettings(shopContext(c), {
      environment: state.environment,
      p12: file instanceof File && file.size > 0 ? new Uint8Array(await file.arrayBuffer()) : null,
      password: typeof password === 'string' ? password : null,
    });
    if (wantsFragment(c.req.raw))
      return renderPage(c, { form: { notice: t(result === 'saved' ? 'ecf.saved' : 'ecf.unchanged') } });
    return c.redirect(`${path}?saved=1`, 303);
  } catch (error) {
    if (error instanceof AppError && error.code === 'validation')
      return refuse({ ...state, errors: error.fields ?? {}, message: error.fields ? null : error.publicMessage });
    throw error;
  }
});

ecfSettingsRoutes.post(`${path}/test`, requirePermission('ecf.manage'), async (c) => {
  const result = await testEcfConnection(shopContext(c));
  if (wantsFragment(c.req.raw)) return c.html(<ConnectionResult result={result} />);
  return renderPage(c, { connection: result });
});
