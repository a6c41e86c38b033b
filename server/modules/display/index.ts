/** The hall display module: its service, its REST routes and its Socket.io namespace. */
export { displayRoutes } from './routes.ts';
export { attachDisplayNamespace } from './namespace.ts';
export { DisplayService } from './service.ts';
