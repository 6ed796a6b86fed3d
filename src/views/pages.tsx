import type { ErrorLink } from '../errors';
import { t } from '../i18n/es-DO';
import { Layout } from './layout';

const landingFeatures = [
  'landing.feature.patients',
  'landing.feature.stock',
  'landing.feature.quotes',
  'landing.feature.invoices',
  'landing.feature.payments',
  'landing.feature.reports',
] as const;

/**
 * The central domain's product page. "Enter your shop" is a plain GET form to /admin/go, which
 * checks the label and redirects to the shop's own login page: no script needed.
 */
export function CentralHome(props: { domain: string; shop?: string; error?: string | null }) {
  const fieldId = 'landing-shop';
  return (
    <Layout title={t('central.title')}>
      <section class="card landing-hero">
        <h1>{t('landing.heading')}</h1>
        <p class="lead">{t('app.tagline')}</p>
        <p>{t('central.lead')}</p>
      </section>
      <div class="landing-columns">
        <section class="card" aria-labelledby="landing-features">
          <h2 id="landing-features">{t('landing.features')}</h2>
          <ul class="landing-features">
            {landingFeatures.map((key) => (
              <li>{t(key)}</li>
            ))}
          </ul>
        </section>
        <section class="card" aria-labelledby="landing-shop-title">
          <h2 id="landing-shop-title">{t('landing.shop.title')}</h2>
          <p>{t('landing.shop.lead', { domain: props.domain })}</p>
          {props.error ? (
            <div class="alert alert-error" role="alert">
              {props.error}
            </div>
          ) : null}
          <form method="get" action="/admin/go" class="landing-shop-form" novalidate>
            <div class={`field${props.error ? ' field-invalid' : ''}`}>
              <label for={fieldId}>{t('landing.shop.label')}</label>
              <div class="landing-address">
                <input
                  id={fieldId}
                  name="shop"
                  type="text"
                  value={props.shop ?? ''}
                  required
                  autocomplete="off"
                  autocapitalize="none"
                  spellcheck={false}
                  aria-describedby={`${fieldId}-hint`}
                  aria-invalid={props.error ? 'true' : undefined}
                />
                <span class="landing-suffix" aria-hidden="true">
                  .{props.domain}
                </span>
              </div>
              <p class="hint" id={`${fieldId}-hint`}>
                {t('landing.shop.hint')}
              </p>
            </div>
            <button type="submit" class="button-primary">
              {t('landing.shop.submit')}
            </button>
          </form>
        </section>
      </div>
      <p class="landing-admin">
        <a href="/admin/login">{t('landing.admin')}</a>
      </p>
    </Layout>
  );
}

/** The link to where a refusal can be fixed (e.g. the form to register an NCF range), under its message. */
export function FixLink(props: { fix?: ErrorLink | null }) {
  return props.fix ? (
    <p>
      <a href={props.fix.href} class="button button-small">
        {props.fix.label}
      </a>
    </p>
  ) : null;
}

/** A refusal shown over the page it concerns: the message and, when there is one, the link to the fix. */
export function ErrorAlert(props: { message: string; fix?: ErrorLink | null; id?: string }) {
  return (
    <div class="alert alert-error" role="alert" id={props.id}>
      <p>{props.message}</p>
      <FixLink fix={props.fix} />
    </div>
  );
}

/** The body of an error page; the caller puts it in the layout of whoever is signed in. */
export function ErrorContent(props: {
  title: string;
  message: string;
  fix?: ErrorLink | null;
  back?: ErrorLink | null;
}) {
  return (
    <section class="card error" role="alert">
      <h1>{props.title}</h1>
      <p>{props.message}</p>
      {props.fix || props.back ? (
        <p class="error-actions">
          {props.fix ? (
            <a href={props.fix.href} class="button button-primary">
              {props.fix.label}
            </a>
          ) : null}{' '}
          {props.back ? (
            <a href={props.back.href} class="button">
              {props.back.label}
            </a>
          ) : null}
        </p>
      ) : null}
    </section>
  );
}

/** An error page for visitors without a session. */
export function ErrorPage(props: { title: string; message: string; back?: ErrorLink | null }) {
  return (
    <Layout title={props.title}>
      <ErrorContent {...props} />
    </Layout>
  );
}
