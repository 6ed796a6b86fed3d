import type { Child } from 'hono/jsx';
import { formatDateTime } from '../domain/dates';
import type { FieldErrors } from '../errors';
import { t } from '../i18n/es-DO';
import type { EcfSettingsSummary } from '../queries/ecf-settings';
import type {
  CertificateStatus,
  EcfConnectionResult,
  EcfEnvironment,
  EcfSettingsView,
} from '../services/shop/ecf-settings';
import { ecfEnvironments, formatDay, maxCertificateBytes } from '../services/shop/ecf-settings';
import { ErrorSummary, Field, Notice, SelectField } from './components';

export interface EcfFormState {
  environment?: string | null;
  errors?: FieldErrors;
  /** A refusal that is not about one field (an unreadable form). */
  message?: string | null;
  notice?: string | null;
}

/** Label above value: the certificate's names are long, and a phone has no room for two columns. */
const termStyle = 'font-weight: 600; color: var(--muted); margin-top: 0.75rem';
const valueStyle = 'margin: 0; overflow-wrap: anywhere';
/** A file input's intrinsic width would otherwise push the page past a phone's 390 px. */
const fileInputStyle = 'width: 100%; box-sizing: border-box';

export function environmentLabel(environment: EcfEnvironment): string {
  return t(`ecf.environment.${environment}`);
}

/** The whole page body; htmx swaps it (#ecf-settings) after a save. */
export function EcfSettingsPanel(props: {
  view: EcfSettingsView;
  form?: EcfFormState;
  connection?: EcfConnectionResult | null;
}) {
  const { settings, status } = props.view;
  return (
    <div id="ecf-settings">
      <h1>{t('ecf.title')}</h1>
      <p class="hint">{t('ecf.lead')}</p>
      {props.form?.notice ? <Notice>{props.form.notice}</Notice> : null}
      <section class="card" id="ecf-current">
        <h2>{t('ecf.current')}</h2>
        {settings && status ? (
          <CertificateFacts settings={settings} status={status} />
        ) : (
          <p>{t('ecf.notConfigured')}</p>
        )}
      </section>
      {settings || props.connection ? <ConnectionTest result={props.connection ?? null} /> : null}
      <UploadForm configured={!!settings} current={settings?.environment ?? null} state={props.form ?? {}} />
    </div>
  );
}

function ExpiryAlert(props: { status: CertificateStatus; notAfter: Date }) {
  const date = formatDay(props.notAfter);
  if (props.status.state === 'expired')
    return (
      <div class="alert alert-error" role="alert" id="ecf-expiry">
        {t('ecf.expired', { date })}
      </div>
    );
  if (props.status.state === 'expiring')
    return (
      <div class="alert alert-warning" role="alert" id="ecf-expiry">
        {props.status.daysLeft === 0
          ? t('ecf.expiresToday', { date })
          : t('ecf.expiresSoon', { days: props.status.daysLeft, date })}
      </div>
    );
  return null;
}

function CertificateFacts(props: { settings: EcfSettingsSummary; status: CertificateStatus }) {
  const { settings } = props;
  const rows: Array<[string, Child]> = [
    [t('ecf.environment'), environmentLabel(settings.environment)],
    [
      t('ecf.subject'),
      settings.commonName ? (
        <>
          {settings.commonName}
          <br />
          <span class="hint">{settings.subject}</span>
        </>
      ) : (
        settings.subject
      ),
    ],
    [t('ecf.taxId'), settings.taxId],
    [t('ecf.issuer'), settings.issuer],
    [t('ecf.serial'), settings.serialNumber],
    [
      t('ecf.validity'),
      t('ecf.validityRange', { from: formatDay(settings.notBefore), to: formatDay(settings.notAfter) }),
    ],
    [t('ecf.updated'), formatDateTime(settings.updatedAt)],
  ];
  return (
    <>
      <ExpiryAlert status={props.status} notAfter={settings.notAfter} />
      <dl style="margin: 0" id="ecf-certificate">
        {rows.map(([label, value]) => (
          <>
            <dt style={termStyle}>{label}</dt>
            <dd style={valueStyle}>{value}</dd>
          </>
        ))}
      </dl>
    </>
  );
}

/** The result region of "Probar conexión", also what htmx swaps in after a test. */
export function ConnectionResult(props: { result: EcfConnectionResult | null }) {
  const { result } = props;
  return (
    <div id="ecf-test-result" aria-live="polite">
      {result ? (
        <div class={`alert ${result.ok ? 'alert-info' : 'alert-error'}`} role={result.ok ? 'status' : 'alert'}>
          {result.message}
        </div>
      ) : null}
    </div>
  );
}

function ConnectionTest(props: { result: EcfConnectionResult | null }) {
  return (
    <section class="card" id="ecf-test" style="margin-top: 1.25rem">
      <h2>{t('ecf.test')}</h2>
      <p class="hint">{t('ecf.testLead')}</p>
      <ConnectionResult result={props.result} />
      <form
        method="post"
        action="/settings/ecf/test"
        hx-post="/settings/ecf/test"
        hx-target="#ecf-test-result"
        hx-swap="outerHTML"
        hx-disabled-elt="find button"
      >
        <div class="actions">
          <button type="submit" class="button">
            {t('ecf.test')}
          </button>
        </div>
      </form>
    </section>
  );
}

function UploadForm(props: { configured: boolean; current: EcfEnvironment | null; state: EcfFormState }) {
  const { state } = props;
  const size = maxCertificateBytes / 1024;
  return (
    <section class="card" id="ecf-upload" style="margin-top: 1.25rem">
      <h2>{t('ecf.upload')}</h2>
      <p class="hint">{t('ecf.uploadLead')}</p>
      <ErrorSummary errors={state.errors} message={state.message} />
      <form
        method="post"
        action="/settings/ecf"
        enctype="multipart/form-data"
        hx-post="/settings/ecf"
        hx-encoding="multipart/form-data"
        hx-target="#ecf-settings"
        hx-swap="outerHTML"
        hx-disabled-elt="find button"
        novalidate
      >
        <SelectField
          name="environment"
          label={t('ecf.environment')}
          value={state.environment ?? props.current ?? 'TesteCF'}
          errors={state.errors}
          hint={t('ecf.environmentHint')}
          required
          options={ecfEnvironments.map((environment) => ({
            value: environment,
            label: environmentLabel(environment),
          }))}
        />
        <Field
          name="certificate"
          type="file"
          label={t('ecf.file')}
          errors={state.errors}
          required={!props.configured}
          hint={props.configured ? t('ecf.fileKeepHint', { size }) : t('ecf.fileHint', { size })}
          attrs={{ accept: '.p12,.pfx,application/x-pkcs12', style: fileInputStyle }}
        />
        <Field name="password" type="password" label={t('ecf.password')} errors={state.errors} autocomplete="off" />
        <div class="actions">
          <button type="submit" class="button-primary">
            {t('ecf.save')}
          </button>
        </div>
      </form>
    </section>
  );
}
