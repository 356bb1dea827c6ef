import type { SandboxContext, SandboxPlugin } from '../context.js';
import type { SandboxImage } from '../state.js';
import { guard, json, osError, registerFallback } from './http.js';
import { isoSeconds } from './http.js';

const PREFIX = '/image';
const VERSIONS = ['v2.15', 'v2.13', 'v2.12', 'v2.11', 'v2.10', 'v2.9', 'v2.8', 'v2.7', 'v2.6', 'v2.5', 'v2.4', 'v2.3', 'v2.2', 'v2.1', 'v2.0'];

function versionsDoc(ctx: SandboxContext): unknown {
  return {
    versions: VERSIONS.map((id, i) => ({
      id,
      status: i === 0 ? 'CURRENT' : 'SUPPORTED',
      links: [{ rel: 'self', href: `${ctx.baseUrl}${PREFIX}/v2/` }],
    })),
  };
}

/** An image as Glance v2 shows it. */
function imageView(ctx: SandboxContext, img: SandboxImage): Record<string, unknown> {
  const owner = ctx.state.keystone.projects[0]?.id ?? '';
  return {
    name: img.name,
    disk_format: img.diskFormat,
    container_format: img.containerFormat,
    visibility: 'public',
    size: img.size,
    virtual_size: img.size,
    status: img.status,
    checksum: null,
    protected: false,
    min_ram: 0,
    min_disk: 0,
    owner,
    os_hidden: false,
    os_hash_algo: null,
    os_hash_value: null,
    id: img.id,
    created_at: isoSeconds(img.created),
    updated_at: isoSeconds(img.created),
    tags: [],
    self: `/v2/images/${img.id}`,
    file: `/v2/images/${img.id}/file`,
    schema: '/v2/schemas/image',
  };
}

/** Glance v2, read-only: versions, image list (with `name`) and show. */
export const glancePlugin: SandboxPlugin = {
  name: 'glance',
  prefixes: [PREFIX],
  register(router, ctx) {
    router.get(
      PREFIX,
      guard(ctx, 'glance', () => json(300, versionsDoc(ctx)), { auth: false }),
    );
    router.get(
      `${PREFIX}/versions`,
      guard(ctx, 'glance', () => json(200, versionsDoc(ctx)), { auth: false }),
    );
    router.get(
      `${PREFIX}/v2/images`,
      guard(ctx, 'glance', ({ req }) => {
        const name = req.query.get('name');
        const status = req.query.get('status');
        const images = ctx.state.glance.images.filter((i) => (name === null || i.name === name) && (status === null || i.status === status));
        return json(200, {
          images: images.map((i) => imageView(ctx, i)),
          first: `/v2/images${req.query.size ? `?${req.query.toString()}` : ''}`,
          schema: '/v2/schemas/images',
        });
      }),
    );
    router.get(
      `${PREFIX}/v2/images/:id`,
      guard(ctx, 'glance', ({ req }) => {
        const image = ctx.state.glance.images.find((i) => i.id === req.params['id']);
        return image ? json(200, imageView(ctx, image)) : osError('glance', 404, `No image found with ID ${req.params['id']}`);
      }),
    );
    registerFallback(router, ctx, 'glance', PREFIX, /^\/v2\/(images|schemas|tasks|info|stores|metadefs)(\/|$)/);
  },
};
