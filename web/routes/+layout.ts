// The app is rendered in the browser only: the server mounts the built handler
// for the HTML shell and assets, and all data comes from /api/v1 and Socket.io.
export const ssr = false;
export const prerender = false;
