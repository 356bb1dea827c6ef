import type { SandboxPlugin } from '../server.js';

/** Placeholder: the array emulator registers its routes here. */
export const arrayPlugins: SandboxPlugin[] = [];
