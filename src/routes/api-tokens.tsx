import { factory } from '../factory';

/** Shop screens: api-tokens. */
export const apiTokensRoutes = factory.createApp();
