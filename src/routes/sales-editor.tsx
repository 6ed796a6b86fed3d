import { factory } from '../http/factory';
import { requirePermission } from '../http/session';
import { shopContext } from '../http/shop';
import { salesEditorInput } from '../schemas/document-lines';
import { editSalesLines, salesEditorForms } from '../services/shop/sales-editor';
import { ProductOptions, SalesLines } from '../views/sales-editor';

/**
 * The sales editor's htmx endpoint: the document form posted as it stands, answered with its lines
 * and live totals (#sales-lines) - one database request. The permission is the form's own
 * (invoices.manage / quotations.manage).
 */
export const salesEditorRoutes = factory.createApp();

for (const [form, permission] of Object.entries(salesEditorForms) as Array<
  [keyof typeof salesEditorForms, (typeof salesEditorForms)[keyof typeof salesEditorForms]]
>) {
  salesEditorRoutes.post(`/sales-editor/${form}/lines`, requirePermission(permission), async (c) => {
    const body = (await c.req.parseBody()) as Record<string, unknown>;
    const edit = salesEditorInput(body);
    const currencyCode = typeof body.currencyCode === 'string' ? body.currencyCode.trim() : '';
    const state = await editSalesLines(shopContext(c), {
      form,
      rows: edit.rows,
      add: edit.add,
      addBlank: edit.addBlank,
      currencyCode: /^[A-Z]{3}$/.test(currencyCode) ? currencyCode : null,
    });
    if (Object.keys(state.errors).length) c.status(422);
    return c.html(
      <>
        <SalesLines form={form} state={{ ...state, focusRow: edit.scanned ? null : state.focusRow }} />
        {/* A product picked from the search: its matches are done with. */}
        {body.pickProduct ? <ProductOptions form={form} q="" products={[]} oob /> : null}
      </>,
    );
  });
}
