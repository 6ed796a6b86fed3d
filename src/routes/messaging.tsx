import type { Context } from 'hono';
import type { MessageChannelKind } from '../db/tenant-schema';
import { AppError, type FieldErrors } from '../errors';
import { createdCursor } from '../http/cursors';
import type { SignedInEnv } from '../http/env';
import { factory } from '../http/factory';
import { validForm } from '../http/forms';
import { wantsFragment } from '../http/fragments';
import { idParam } from '../http/ids';
import { refuseInSupportSession, requirePermission } from '../http/session';
import { shopContext } from '../http/shop';
import { t } from '../i18n/es-DO';
import {
  automationForm,
  emailChannelForm,
  messageLogFilter,
  quietHoursForm,
  type TemplateInput,
  templateForm,
  testSendForm,
  whatsappChannelForm,
} from '../schemas/messaging';
import {
  archiveTemplate,
  createAutomation,
  createDefaultTemplates,
  defaultTemplate,
  getTemplate,
  listMessages,
  messagingSettings,
  previewTemplate,
  saveEmailChannel,
  saveQuietHours,
  saveTemplate,
  saveWhatsappChannel,
  setAutomationEnabled,
  setContactConsent,
  testTemplate,
} from '../services/shop/messaging-settings';
import { ChannelPage, MessageLogPage, MessagingSettingsPage, TemplatePage, TemplatePreview } from '../views/messaging';

/** /settings/messages (channels, templates, automations, test sends) and /messages (the log). */
export const messagingRoutes = factory.createApp();

const manage = requirePermission('messaging.manage');
type Values = Record<string, string | undefined | null>;

async function renderSettings(
  c: Context<SignedInEnv>,
  options: {
    notice?: string | null;
    values?: Values;
    errors?: FieldErrors;
    quietValues?: Values;
    quietErrors?: FieldErrors;
  } = {},
  status: 200 | 422 = 200,
) {
  const settings = await messagingSettings(shopContext(c));
  c.status(status);
  return c.render(<MessagingSettingsPage {...settings} {...options} />, {
    title: t('messaging.settings.title'),
    current: '/settings/messages',
  });
}

const notices: Record<string, Parameters<typeof t>[0]> = {
  channel: 'messaging.channel.saved',
  template: 'messaging.template.saved',
  automation: 'messaging.automation.saved',
  quiet: 'messaging.quiet.saved',
};

messagingRoutes.get('/settings/messages', manage, (c) => {
  const saved = c.req.query('saved') ?? '';
  const defaults = c.req.query('defaults');
  const notice = Object.hasOwn(notices, saved)
    ? t(notices[saved]!)
    : defaults !== undefined
      ? t('messaging.template.defaultsCreated', { count: Number(defaults) || 0 })
      : c.req.query('test')
        ? t('messaging.test.queued', { recipient: c.req.query('test')! })
        : null;
  return renderSettings(c, { notice });
});

messagingRoutes.post('/settings/messages/quiet-hours', manage, refuseInSupportSession, async (c) => {
  const body = (await c.req.parseBody()) as Record<string, string>;
  const parsed = quietHoursForm.safeParse(body);
  if (!parsed.success) {
    const quietErrors = Object.fromEntries(parsed.error.issues.map((issue) => [String(issue.path[0]), issue.message]));
    return renderSettings(c, { quietValues: body, quietErrors }, 422);
  }
  await saveQuietHours(shopContext(c), parsed.data);
  return c.redirect('/settings/messages?saved=quiet', 303);
});

function channelKind(c: Context<SignedInEnv>): MessageChannelKind {
  const kind = c.req.param('kind');
  if (kind !== 'whatsapp' && kind !== 'email') throw new AppError('not_found');
  return kind;
}

async function renderChannel(
  c: Context<SignedInEnv>,
  options: { values?: Values; errors?: FieldErrors } = {},
  status: 200 | 422 = 200,
) {
  const kind = channelKind(c);
  const { channels } = await messagingSettings(shopContext(c));
  c.status(status);
  const webhookUrl = `${new URL(c.req.url).origin}/hooks/whatsapp`;
  return c.render(
    <ChannelPage channel={channels.find((channel) => channel.kind === kind)!} webhookUrl={webhookUrl} {...options} />,
    {
      title: t(kind === 'whatsapp' ? 'messaging.channel.whatsapp' : 'messaging.channel.email'),
      current: '/settings/messages',
    },
  );
}

messagingRoutes.get('/settings/messages/channels/:kind', manage, (c) => renderChannel(c));

messagingRoutes.post('/settings/messages/channels/:kind', manage, refuseInSupportSession, async (c) => {
  const kind = channelKind(c);
  const body = (await c.req.parseBody()) as Record<string, string>;
  // Secrets typed into a refused form are never sent back to the page.
  const { token: _token, appSecret: _appSecret, verifyToken: _verifyToken, apiKey: _apiKey, ...values } = body;
  const parsed = (kind === 'whatsapp' ? whatsappChannelForm : emailChannelForm).safeParse(body);
  if (!parsed.success) {
    const errors = Object.fromEntries(parsed.error.issues.map((issue) => [String(issue.path[0]), issue.message]));
    return renderChannel(c, { values, errors }, 422);
  }
  try {
    if (kind === 'whatsapp') await saveWhatsappChannel(shopContext(c), parsed.data as never);
    else await saveEmailChannel(shopContext(c), parsed.data as never);
  } catch (error) {
    if (error instanceof AppError && error.code === 'validation')
      return renderChannel(c, { values, errors: error.fields ?? {} }, 422);
    throw error;
  }
  return c.redirect('/settings/messages?saved=channel', 303);
});

function templateValues(template: TemplateInput | Values): Values {
  const values = template as Record<string, unknown>;
  return {
    ...(values as Values),
    whatsappParameters: Array.isArray(values.whatsappParameters)
      ? (values.whatsappParameters as string[]).join(', ')
      : (values.whatsappParameters as string | undefined),
  };
}

function renderTemplate(c: Context<SignedInEnv>, props: Parameters<typeof TemplatePage>[0], status: 200 | 422 = 200) {
  c.status(status);
  return c.render(<TemplatePage {...props} />, { title: t('messaging.template.edit'), current: '/settings/messages' });
}

messagingRoutes.get('/settings/messages/templates/new', manage, (c) => {
  const event = c.req.query('event') ?? 'lab_order.stage_entered';
  const channel = c.req.query('channel') === 'email' ? 'email' : 'whatsapp';
  const parsed = templateForm.shape.event.safeParse(event);
  const base = defaultTemplate(parsed.success ? parsed.data : 'lab_order.stage_entered', channel);
  return renderTemplate(c, { template: null, values: base as Values });
});

/** Saves (or, with `preview`, only previews: the no-JS "Vista previa" button) a new or existing template. */
async function submitTemplate(c: Context<SignedInEnv>, id: string | null) {
  const ctx = shopContext(c);
  const template = id ? await getTemplate(ctx, id) : null;
  const body = (await c.req.parseBody()) as Record<string, string>;
  const parsed = templateForm.safeParse(body);
  if (!parsed.success) {
    const errors = Object.fromEntries(parsed.error.issues.map((issue) => [String(issue.path[0]), issue.message]));
    return renderTemplate(c, { template, values: body, errors }, 422);
  }
  try {
    if (body.preview)
      return renderTemplate(c, {
        template,
        values: templateValues(parsed.data),
        preview: previewTemplate(parsed.data),
      });
    const saved = await saveTemplate(ctx, id, parsed.data);
    return c.redirect(`/settings/messages/templates/${saved.id}?saved=1`, 303);
  } catch (error) {
    if (error instanceof AppError && error.code === 'validation')
      return renderTemplate(c, { template, values: templateValues(parsed.data), errors: error.fields ?? {} }, 422);
    throw error;
  }
}

messagingRoutes.post('/settings/messages/templates', manage, refuseInSupportSession, (c) => submitTemplate(c, null));

messagingRoutes.post('/settings/messages/templates/defaults', manage, refuseInSupportSession, async (c) => {
  const count = await createDefaultTemplates(shopContext(c));
  return c.redirect(`/settings/messages?defaults=${count}`, 303);
});

/** htmx live preview: the preview block only (unknown variables shown in it, with a 200 so htmx swaps it). */
messagingRoutes.post('/settings/messages/templates/preview', manage, async (c) => {
  const parsed = templateForm.safeParse(await c.req.parseBody());
  if (!parsed.success) return c.html(<TemplatePreview preview={null} />);
  try {
    return c.html(<TemplatePreview preview={previewTemplate(parsed.data)} />);
  } catch (error) {
    if (error instanceof AppError && error.code === 'validation')
      return c.html(<TemplatePreview preview={null} error={error.publicMessage} />);
    throw error;
  }
});

messagingRoutes.get('/settings/messages/templates/:id', manage, async (c) => {
  const template = await getTemplate(shopContext(c), idParam(c));
  return renderTemplate(c, {
    template,
    values: templateValues(template as unknown as Values),
    notice: c.req.query('saved') ? t('messaging.template.saved') : null,
  });
});

messagingRoutes.post('/settings/messages/templates/:id', manage, refuseInSupportSession, (c) =>
  submitTemplate(c, idParam(c)),
);

messagingRoutes.post('/settings/messages/templates/:id/archive', manage, refuseInSupportSession, async (c) => {
  await archiveTemplate(shopContext(c), idParam(c));
  return c.redirect('/settings/messages', 303);
});

messagingRoutes.post(
  '/settings/messages/templates/:id/test',
  manage,
  refuseInSupportSession,
  validForm(testSendForm, (c) => c.redirect('/settings/messages', 303)),
  async (c) => {
    const ctx = shopContext(c);
    const id = idParam(c);
    try {
      const message = await testTemplate(ctx, id, c.req.valid('form'));
      return c.redirect(`/settings/messages?test=${encodeURIComponent(message.recipient)}`, 303);
    } catch (error) {
      if (!(error instanceof AppError && error.code === 'validation')) throw error;
      const template = await getTemplate(ctx, id);
      return renderTemplate(
        c,
        { template, values: templateValues(template as unknown as Values), errors: error.fields ?? {} },
        422,
      );
    }
  },
);

messagingRoutes.post(
  '/settings/messages/automations',
  manage,
  refuseInSupportSession,
  validForm(automationForm, (c, errors, submitted) =>
    renderSettings(c as Context<SignedInEnv>, { values: submitted as Values, errors }, 422),
  ),
  async (c) => {
    const form = c.req.valid('form');
    try {
      await createAutomation(shopContext(c), form);
    } catch (error) {
      if (error instanceof AppError && error.code === 'validation')
        return renderSettings(c, { values: form as unknown as Values, errors: error.fields ?? {} }, 422);
      throw error;
    }
    return c.redirect('/settings/messages?saved=automation', 303);
  },
);

messagingRoutes.post('/settings/messages/automations/:id/toggle', manage, refuseInSupportSession, async (c) => {
  const body = await c.req.parseBody();
  await setAutomationEnabled(shopContext(c), idParam(c), body.enabled === 'true');
  return c.redirect('/settings/messages?saved=automation', 303);
});

messagingRoutes.get('/messages', manage, async (c) => {
  const filter = messageLogFilter.parse(c.req.query());
  const before = createdCursor.decode(filter.before);
  const { rows, next } = await listMessages(shopContext(c), { ...filter, before });
  const query = new URLSearchParams(
    Object.entries({
      status: filter.status,
      channel: filter.channel,
      contactId: filter.contactId,
      automationId: filter.automationId,
    }).filter((entry): entry is [string, string] => !!entry[1]),
  );
  if (next) query.set('before', createdCursor.encode(next));
  const page = <MessageLogPage rows={rows} filter={filter} nextHref={next ? `/messages?${query}` : null} />;
  if (wantsFragment(c.req.raw)) return c.html(page);
  return c.render(page, { title: t('messaging.log.title'), current: '/messages' });
});

const contactsManage = requirePermission('contacts.manage');

messagingRoutes.post('/contacts/:id/messaging', contactsManage, refuseInSupportSession, async (c) => {
  const id = idParam(c);
  const body = await c.req.parseBody();
  await setContactConsent(shopContext(c), id, {
    whatsappConsent: body.whatsappConsent === 'on',
    emailConsent: body.emailConsent === 'on',
  });
  return c.redirect(`/contacts/${id}`, 303);
});

for (const [action, optedOut] of [
  ['opt-out', true],
  ['opt-in', false],
] as const) {
  messagingRoutes.post(`/contacts/:id/messaging/${action}`, contactsManage, refuseInSupportSession, async (c) => {
    const id = idParam(c);
    await setContactConsent(shopContext(c), id, { optedOut });
    return c.redirect(`/contacts/${id}`, 303);
  });
}
