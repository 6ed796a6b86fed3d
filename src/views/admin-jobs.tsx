import type { MigrationOutcome } from '../services/platform/jobs/tenants';
import type { PlatformJobRow } from '../services/platform/jobs/runner';
import { t, type MessageKey } from '../i18n/es-DO';
import { formatDateTime } from '../domain/dates';
import { DetailList, outcomeLabel, stepLabel } from './admin-labels';

export interface OwnerLinkView {
  email: string;
  url: string | null;
  expiresAt: string;
}

export const jobFinished = (job: Pick<PlatformJobRow, 'status'>) =>
  job.status === 'succeeded' || job.status === 'failed';

const kindLabel = (kind: string) => t(`adminTenants.jobs.kind.${kind}` as MessageKey);

/** The live part of a job page: htmx polls it every second until the job is finished. */
export function JobProgress(props: {
  job: PlatformJobRow;
  tenantExists: boolean;
  shopUrl: string | null;
  ownerLink: OwnerLinkView | null;
}) {
  const { job } = props;
  const finished = jobFinished(job);
  const failedStep =
    job.status === 'failed' ? [...job.steps].reverse().find((step) => step.outcome === 'failed') : undefined;
  const poll = finished
    ? {}
    : { 'hx-get': `/admin/jobs/${job.id}?fragment=1`, 'hx-trigger': 'every 1s', 'hx-swap': 'outerHTML' };
  const result = job.result ?? {};
  const migrations = Array.isArray(result.results) ? (result.results as MigrationOutcome[]) : null;
  // A migration job's steps are tenant ids; every other kind names pipeline steps.
  const stepName = (step: string) => (job.kind === 'tenants.migrate' ? step : stepLabel(step));
  return (
    <div id="job-progress" class={`job job-${job.status}`} {...poll} aria-live="polite">
      <dl class="tenant-facts">
        <dt>{t('adminTenants.jobs.kind')}</dt>
        <dd>{kindLabel(job.kind)}</dd>
        {job.tenantId ? (
          <>
            <dt>{t('adminTenants.jobs.tenant')}</dt>
            <dd>
              {props.tenantExists ? (
                <a href={`/admin/tenants/${job.tenantId}`}>{job.tenantId}</a>
              ) : (
                <code>{job.tenantId}</code>
              )}
            </dd>
          </>
        ) : null}
        <dt>{t('adminTenants.jobs.status')}</dt>
        <dd>
          <span class={`badge job-status-${job.status}`} data-status={job.status}>
            {t(`adminTenants.jobs.status.${job.status}` as MessageKey)}
          </span>
        </dd>
      </dl>
      <h2>{t('adminTenants.jobs.steps')}</h2>
      {job.steps.length === 0 ? (
        <p class="empty">{t('adminTenants.jobs.noSteps')}</p>
      ) : (
        <ol class="job-steps">
          {job.steps.map((step) => (
            <li class={`step-${step.outcome}`}>
              <strong>{stepName(step.step)}</strong>: {outcomeLabel(step.outcome)}
              {step.message ? <span class="step-message"> — {step.message}</span> : null}
              <time datetime={step.at}> {formatDateTime(new Date(step.at))}</time>
            </li>
          ))}
        </ol>
      )}
      {job.status === 'failed' ? (
        <div class="alert alert-error" role="alert">
          {failedStep ? <p>{t('adminTenants.jobs.failedStep', { step: stepName(failedStep.step) })}</p> : null}
          <p>
            {t('adminTenants.jobs.error')}: <span class="job-error">{job.error}</span>
          </p>
          <form method="post" action={`/admin/jobs/${job.id}/retry`} hx-boost="false">
            <button type="submit" class="button button-primary">
              {t('adminTenants.jobs.retry')}
            </button>
            <span class="hint"> {t('adminTenants.jobs.retryHint')}</span>
          </form>
        </div>
      ) : null}
      {job.status === 'succeeded' ? (
        <section class="job-result">
          <h2>{t('adminTenants.jobs.result')}</h2>
          {props.ownerLink ? (
            props.ownerLink.url ? (
              <div class="alert alert-info owner-link" role="status">
                <p>
                  {t('adminTenants.jobs.ownerLink', {
                    email: props.ownerLink.email,
                    expires: formatDateTime(new Date(props.ownerLink.expiresAt)),
                  })}
                </p>
                <p>
                  <code>{props.ownerLink.url}</code>
                </p>
              </div>
            ) : (
              <p class="hint">{t('adminTenants.jobs.ownerLinkShown')}</p>
            )
          ) : null}
          {migrations ? <MigrationResults results={migrations} /> : <GenericResult result={result} />}
          <p class="actions">
            {props.tenantExists && job.tenantId ? (
              <a class="button" href={`/admin/tenants/${job.tenantId}`}>
                {t('adminTenants.jobs.openTenant')}
              </a>
            ) : null}
            {props.shopUrl ? (
              <a class="button" href={props.shopUrl}>
                {t('adminTenants.jobs.openShop')}
              </a>
            ) : null}
          </p>
        </section>
      ) : null}
      {!finished ? (
        <p>
          <a href={`/admin/jobs/${job.id}`}>{t('adminTenants.jobs.refresh')}</a>
        </p>
      ) : null}
    </div>
  );
}

function MigrationResults(props: { results: MigrationOutcome[] }) {
  if (props.results.length === 0) return <p class="empty">{t('adminTenants.jobs.migrateNone')}</p>;
  return (
    <table class="migration-results">
      <caption>{t('adminTenants.jobs.migrateResults')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('adminTenants.jobs.tenant')}</th>
          <th scope="col">{t('adminTenants.schema')}</th>
        </tr>
      </thead>
      <tbody>
        {props.results.map((result) => (
          <tr>
            <td>
              <code>{result.tenantId}</code>
            </td>
            <td>{result.error ? <span class="error-text">{result.error}</span> : `${result.from} → ${result.to}`}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Other kinds (creation, deletion, backups, restores): their values with Spanish labels; secrets never reach the result. */
function GenericResult(props: { result: Record<string, unknown> }) {
  const shown = Object.entries(props.result).filter(([key]) => !key.startsWith('ownerLink') && key !== 'ownerEmail');
  return <DetailList details={Object.fromEntries(shown)} />;
}

/** The whole job page body; without JS a meta refresh (and a link) replace the polling. */
export function JobPage(props: {
  job: PlatformJobRow;
  tenantExists: boolean;
  shopUrl: string | null;
  ownerLink: OwnerLinkView | null;
}) {
  return (
    <>
      {!jobFinished(props.job) ? (
        <noscript>
          <meta http-equiv="refresh" content="2" />
        </noscript>
      ) : null}
      <h1>
        {t('adminTenants.jobs.title')}: {kindLabel(props.job.kind)}
      </h1>
      <JobProgress {...props} />
    </>
  );
}
