import { t } from '../i18n/es-DO';
import { Layout } from './layout';

export function CentralHome(props: { domain: string }) {
  return (
    <Layout title={t('central.title')}>
      <section class="card">
        <h1>{t('app.tagline')}</h1>
        <p>{t('central.lead')}</p>
        <p>{t('central.shopSignIn', { domain: props.domain })}</p>
      </section>
    </Layout>
  );
}

export function ErrorPage(props: { title: string; message: string }) {
  return (
    <Layout title={props.title}>
      <section class="card error" role="alert">
        <h1>{props.title}</h1>
        <p>{props.message}</p>
      </section>
    </Layout>
  );
}
