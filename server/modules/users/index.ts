/**
 * The users module: people who log in, their roles and units. Owns the
 * users table (in the identity schema it shares with auth and units); other
 * modules ask it for names and units through UserService's read methods.
 */
import type { Credentials } from '../auth/index.ts';
import { defineModule } from '../module.ts';
import { userRoutes } from './routes.ts';
import { UserService } from './service.ts';

export const usersModule = defineModule<{ auth: Credentials }, UserService>({
  name: 'users',
  create: ({ db, events }, { auth }) => new UserService(db, auth, events),
  routes: (service) => userRoutes(service),
});

export { byName, UserService, type UserName } from './service.ts';
