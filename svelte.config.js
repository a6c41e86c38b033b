import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/**
 * SvelteKit's sources live in web/ so the repository keeps one top level for
 * server/, web/, media/ (see ../shared/architecture.md). The build goes to
 * build/, whose handler.js is mounted inside Fastify by server/plugins/web.ts.
 * @type {import('@sveltejs/kit').Config}
 */
const config = {
  preprocess: vitePreprocess(),
  kit: {
    adapter: adapter({ out: 'build', precompress: false }),
    files: {
      src: 'web',
      routes: 'web/routes',
      lib: 'web/lib',
      assets: 'web/static',
      appTemplate: 'web/app.html',
      errorTemplate: 'web/error.html',
      hooks: { client: 'web/hooks.client', server: 'web/hooks.server' },
      params: 'web/params',
    },
    alias: {
      $contract: 'server/contract',
    },
  },
};

export default config;
