import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [sveltekit()],
  // SvelteKit needs its own cookie@0.6; @fastify/cookie hoists cookie@2 to the top of
  // node_modules, whose API differs. Bundling it makes the build use Kit's copy.
  ssr: { noExternal: ['cookie'] },
  server: {
    // In `npm run dev` the API and Socket.io come from a separately started server.
    proxy: {
      '/api': 'http://127.0.0.1:3000',
      '/socket.io': { target: 'http://127.0.0.1:3000', ws: true },
    },
  },
});
