import { AppError } from '../errors';
import { factory } from '../http/factory';
import { isUuid } from '../http/ids';
import { requirePermission } from '../http/session';
import { shopContext } from '../http/shop';
import { t } from '../i18n/es-DO';
import { isPickerForm, pickedCustomerRx, searchPickerCustomers, searchPickerProducts } from '../services/shop/pickers';
import { CustomerChoice, ProductMatches } from '../views/pickers';
import { CustomerRxRefresh, ProductOptions } from '../views/sales-editor';

/** The pickers' live searches (htmx): a small page of matches for the form named by `for`. */
export const pickersRoutes = factory.createApp();

const searchText = (value: string | undefined) => (value ?? '').trim().slice(0, 100);

pickersRoutes.get('/pickers/customers', requirePermission('contacts.view'), async (c) => {
  const form = c.req.query('for');
  if (!isPickerForm(form)) throw new AppError('not_found');
  const q = searchText(c.req.query('customerSearch') ?? c.req.query('q'));
  const chosen = c.req.query('customerId');
  const chosenId = isUuid(chosen) ? chosen : null;
  // A pick (the select changed) refreshes the form's prescription select and Rx offer, out of band.
  if (c.req.query('pick') && (form === 'invoices' || form === 'quotations')) {
    const rx = await pickedCustomerRx(shopContext(c), { form, customerId: chosenId });
    return c.html(<CustomerRxRefresh form={form} rx={rx} />);
  }
  const customers = await searchPickerCustomers(shopContext(c), { form, q, chosenId });
  const texts =
    form === 'quotations'
      ? { label: t('quotations.field.customer'), blank: t('quotations.noCustomer') }
      : { label: t('invoices.field.customer'), blank: t('invoices.field.noCustomer') };
  return c.html(
    <CustomerChoice form={form} customers={customers} chosenId={chosenId} searched={Boolean(q)} {...texts} />,
  );
});

pickersRoutes.get('/pickers/products', requirePermission('products.view'), async (c) => {
  const form = c.req.query('for');
  if (!isPickerForm(form)) throw new AppError('not_found');
  const q = searchText(c.req.query('productSearch') ?? c.req.query('q'));
  const branch = c.req.query('branchId') || c.req.query('fromBranchId');
  const products = await searchPickerProducts(shopContext(c), { form, q, branchId: isUuid(branch) ? branch : null });
  if (form === 'invoices' || form === 'quotations')
    return c.html(<ProductOptions form={form} q={q} products={products} />);
  return c.html(<ProductMatches form={form} q={q} products={products} />);
});
