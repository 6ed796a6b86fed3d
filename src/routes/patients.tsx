import { factory } from '../http/factory';
import { idParam } from '../http/ids';
import { requirePermission } from '../http/session';
import { shopContext } from '../http/shop';
import { getPatientPage } from '../services/shop/patients';
import { PatientPage, patientTitle } from '../views/patients';

export const patientsRoutes = factory.createApp();

patientsRoutes.get('/patients/:id', requirePermission('contacts.view'), async (c) => {
  const page = await getPatientPage(shopContext(c), idParam(c));
  return c.render(<PatientPage user={c.var.session} page={page} />, {
    title: patientTitle(page),
    current: '/contacts',
  });
});
