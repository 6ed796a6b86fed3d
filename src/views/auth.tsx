import { t } from '../i18n/es-DO';
import { ErrorSummary, Field, Notice } from './components';
import type { FieldErrors } from '../errors';
import { Layout } from './layout';

export function LoginPage(props: {
  shopName: string;
  email?: string;
  next?: string;
  errors?: FieldErrors;
  message?: string | null;
  notice?: string | null;
}) {
  return (
    <Layout title={`${t('auth.login.title')} · ${props.shopName}`}>
      <section class="card narrow">
        <h1>{props.shopName}</h1>
        <p class="lead">{t('auth.login.lead', { shop: props.shopName })}</p>
        {props.notice ? <Notice>{props.notice}</Notice> : null}
        <ErrorSummary errors={props.errors} message={props.message} />
        <form method="post" action={`/login${props.next ? `?next=${encodeURIComponent(props.next)}` : ''}`} novalidate>
          <Field
            name="email"
            type="email"
            label={t('auth.email')}
            value={props.email}
            errors={props.errors}
            required
            autocomplete="username"
            inputmode="email"
          />
          <Field
            name="password"
            type="password"
            label={t('auth.password')}
            errors={props.errors}
            required
            autocomplete="current-password"
          />
          <button type="submit" class="button-primary">
            {t('auth.login.submit')}
          </button>
        </form>
      </section>
    </Layout>
  );
}

export function SetPasswordPage(props: { shopName: string; email: string; errors?: FieldErrors }) {
  return (
    <Layout title={`${t('auth.setPassword.title')} · ${props.shopName}`}>
      <section class="card narrow">
        <h1>{t('auth.setPassword.title')}</h1>
        <p class="lead">{t('auth.setPassword.lead', { email: props.email })}</p>
        <ErrorSummary errors={props.errors} />
        <form method="post" novalidate>
          <input type="text" name="username" value={props.email} autocomplete="username" hidden />
          <Field
            name="password"
            type="password"
            label={t('auth.newPassword')}
            errors={props.errors}
            required
            autocomplete="new-password"
            hint={t('validation.passwordLength', { min: 10, max: 200 })}
          />
          <Field
            name="confirm"
            type="password"
            label={t('auth.confirmPassword')}
            errors={props.errors}
            required
            autocomplete="new-password"
          />
          <button type="submit" class="button-primary">
            {t('auth.setPassword.submit')}
          </button>
        </form>
      </section>
    </Layout>
  );
}

export function ChangePasswordForm(props: { errors?: FieldErrors; done?: boolean }) {
  return (
    <section class="card narrow" id="change-password">
      <h1>{t('auth.changePassword.title')}</h1>
      {props.done ? <Notice>{t('auth.changePassword.done')}</Notice> : null}
      <ErrorSummary errors={props.errors} />
      <form
        method="post"
        action="/account/password"
        hx-post="/account/password"
        hx-target="#change-password"
        hx-swap="outerHTML"
        novalidate
      >
        <Field
          name="current"
          type="password"
          label={t('auth.currentPassword')}
          errors={props.errors}
          required
          autocomplete="current-password"
        />
        <Field
          name="password"
          type="password"
          label={t('auth.newPassword')}
          errors={props.errors}
          required
          autocomplete="new-password"
          hint={t('validation.passwordLength', { min: 10, max: 200 })}
        />
        <Field
          name="confirm"
          type="password"
          label={t('auth.confirmPassword')}
          errors={props.errors}
          required
          autocomplete="new-password"
        />
        <button type="submit" class="button-primary">
          {t('auth.changePassword.submit')}
        </button>
      </form>
    </section>
  );
}
