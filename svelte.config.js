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
    /**
     * The pages' Content-Security-Policy, sent by SvelteKit as a header (every
     * page is rendered per request: ssr = false, no prerendering). 'auto' gives
     * SvelteKit's inline bootstrap script a fresh nonce per response (a hash
     * if a page were prerendered); no other inline script runs. The other
     * security headers come from server/plugins/security-headers.ts.
     * - Everything from this site only: the product runs on closed government
     *   networks, so no CDN or outside host is ever needed.
     * - style-src 'self' with no 'unsafe-inline': the shell is rendered in the
     *   browser (no SSR), components' CSS is emitted as files, Svelte 5 applies
     *   style: directives through element.style (CSSOM, which CSP does not
     *   govern) and runs transitions with the Web Animations API; the one
     *   inline style attribute of the default app.html moved to base.css;
     *   style attributes only are allowed (style-src-attr, see below).
     * - connect-src 'self': fetch, and Socket.io's WebSocket to this host
     *   (CSP Level 3 lets 'self' match ws:/wss: of the page's own host; a bare
     *   ws: or wss: would allow every host).
     * - blob: for images and workers (pdf.js draws and loads through blob
     *   URLs), mediastream: and blob: for media (conference video).
     */
    csp: {
      mode: 'auto',
      directives: {
        'default-src': ['self'],
        'script-src': ['self'],
        'style-src': ['self'],
        // SvelteKit's own route announcer (and Svelte templates) carry static style
        // attributes, which Chromium refuses under style-src 'self'. Attributes only:
        // they cannot hold selectors or load scripts, and url() in them is bound by
        // img-src/font-src; <style> elements stay refused.
        'style-src-attr': ['unsafe-inline'],
        'img-src': ['self', 'data:', 'blob:'],
        'font-src': ['self', 'data:'],
        'connect-src': ['self'],
        'media-src': ['self', 'blob:', 'mediastream:'],
        'worker-src': ['self', 'blob:'],
        'manifest-src': ['self'],
        'object-src': ['none'],
        'frame-src': ['none'],
        'base-uri': ['self'],
        'form-action': ['self'],
        'frame-ancestors': ['none'],
      },
    },
  },
};

export default config;
