import type { SandboxPlugin } from '../context.js';
import { handleArrayRequest } from './dispatch.js';

/** The CloudByte ElastiCenter emulator: `GET /client/api?command=…&apiKey=…&response=json`. */
export const arrayPlugins: SandboxPlugin[] = [
  {
    name: 'array',
    prefixes: ['/client/api'],
    register(router, ctx) {
      router.get('/client/api', (req) => handleArrayRequest(ctx, req));
    },
  },
];

export { attachImage } from './images.js';
export { provisionArrayFilesystem } from './filesystems.js';
export { recordArrayJob, type ArrayJob } from './jobs.js';
