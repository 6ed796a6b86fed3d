import type { Context } from 'hono';
import { jsxRenderer } from 'hono/jsx-renderer';
import type { AppEnv } from './env';
import { AdminShell, AppShell } from '../views/layout';

declare module 'hono' {
  /** Pages call `c.render(<Page />, { title, current })`; the renderer of their app adds the shell. */
  interface ContextRenderer {
    // biome-ignore lint/style/useShorthandFunctionType: module augmentation merges with Hono's interface; a type alias cannot.
    (content: string | Promise<string>, props: { title: string; current: string }): Response | Promise<Response>;
  }
}

// The shells write their own doctype.
const options = { docType: false };

/** The shop's workspace around every page of a signed-in route (they all run behind requirePermission). */
export const shopRenderer = jsxRenderer(({ children, title, current }, c: Context<AppEnv>) => {
  const user = c.var.session;
  if (!user) throw new Error('shopRenderer needs a signed-in user');
  return (
    <AppShell title={title} user={user} current={current}>
      {children}
    </AppShell>
  );
}, options);

/** The platform admin panel's shell, around every page of a signed-in panel route. */
export const adminRenderer = jsxRenderer(({ children, title, current }, c: Context<AppEnv>) => {
  const admin = c.var.admin;
  if (!admin) throw new Error('adminRenderer needs a signed-in admin');
  return (
    <AdminShell title={title} admin={admin} current={current}>
      {children}
    </AdminShell>
  );
}, options);
